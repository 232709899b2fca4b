"""/projects: register, list, read (now or in the past), move, and revise projects."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.views import MethodView

from domain.stages import Stage
from gxtrack.app.base import parse_id
from gxtrack.app.history import history
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects
from web.api.base import ApiBlueprint, plain_dump, rt, run
from web.api.schemas.projects import (
    HistorySchema,
    PlanSchema,
    ProgressReportSchema,
    ProjectCreateSchema,
    ProjectGetArgsSchema,
    ProjectPageSchema,
    ProjectQueryArgsSchema,
    ProjectSchema,
    ReassignSchema,
    RedateSchema,
    ReinstateSchema,
    ReviseSchema,
    StageMoveSchema,
)

blp = ApiBlueprint(
    "projects", __name__, url_prefix="/projects", description="招商项目 Projects"
)


def with_labels(page: dict[str, Any]) -> dict[str, Any]:
    """Pool rows with the Chinese names of their stage, industry and zone."""
    reference = rt().app.reference()
    for item in page["items"]:
        item["stage_label"] = Stage(item["stage"]).label
        item["industry_name"] = reference.industries.get(item["industry"], "")
        item["zone_name"] = reference.zones.get(item["zone"], "")
    return page


@blp.route("")
class Projects(MethodView):
    """The project pool."""

    @blp.arguments(ProjectQueryArgsSchema, location="query")
    @blp.response(200, ProjectPageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """项目库 List projects (filter, search, sort, page; as of a date)."""
        paging = {k: args.pop(k) for k in ("sort", "page", "page_size")}
        page = with_labels(list_projects(rt().db, PoolFilter(**args), **paging))
        # Rows are JSON-ready already: skip marshmallow's per-field dump.
        return jsonify(plain_dump(ProjectPageSchema, page))

    @blp.arguments(ProjectCreateSchema)
    @blp.response(201, ProjectSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """登记项目 Register a project (在谈 or 签约)."""
        return run(rt().app.register_project, **body)


@blp.route("/<project_id>")
class Project(MethodView):
    """One project."""

    @blp.arguments(ProjectGetArgsSchema, location="query")
    @blp.response(200, ProjectSchema)
    def get(self, args: dict[str, Any], project_id: str) -> dict[str, Any]:
        """项目详情 A project now, at `version`, or as recorded at `as_of`."""
        return rt().app.get_project(
            project_id, version=args.get("version"), recorded_at=args.get("as_of")
        )


@blp.route("/<project_id>/history")
class ProjectHistory(MethodView):
    """The decision history."""

    @blp.response(200, HistorySchema)
    def get(self, project_id: str) -> dict[str, Any]:
        """决策记录 Every event of the project, in version order."""
        app = rt().app
        app.get_project(project_id)  # 404 for an unknown id
        return {"items": history(app, parse_id(project_id, "项目"))}


def _command(path: str, schema: type, summary: str) -> Any:
    """Register a POST command endpoint on `/<project_id>/<path>`."""

    def register(handler: Any) -> Any:
        @blp.route(f"/<project_id>/{path}", endpoint=f"project_{path}")
        class Command(MethodView):
            @blp.doc(summary=summary, description=handler.__doc__)
            @blp.arguments(schema)
            @blp.response(200, ProjectSchema)
            def post(self, body: dict[str, Any], project_id: str) -> dict[str, Any]:
                return handler(project_id, body)

        return handler

    return register


@_command("stage", StageMoveSchema, "推进/终止/更正阶段 Move the project's stage.")
def move(project_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Forward, withdraw, or (leaders) correct backwards."""
    return run(
        rt().app.move_project,
        project_id,
        body["to"],
        body["date"],
        reason=body.get("reason", ""),
        expected_version=body["expected_version"],
    )


@_command("reinstate", ReinstateSchema, "恢复已终止项目 Reinstate (leaders).")
def reinstate(project_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Back to the stage it was withdrawn from."""
    return run(
        rt().app.reinstate_project,
        project_id,
        body["reason"],
        expected_version=body["expected_version"],
        on=body.get("date"),
    )


@_command("progress", ProgressReportSchema, "推进情况 Report progress.")
def progress(project_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Add a dated progress note."""
    return run(
        rt().app.report_progress,
        project_id,
        body["date"],
        body["note"],
        expected_version=body.get("expected_version"),
    )


@_command("revise", ReviseSchema, "修改项目信息 Revise details, with a reason.")
def revise(project_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Change name, investor, industry, zone, investment, priority…"""
    return run(
        rt().app.revise_project,
        project_id,
        dict(body["changes"]),
        body["reason"],
        expected_version=body["expected_version"],
    )


@_command("reassign", ReassignSchema, "调整责任人 Reassign the officer (leaders).")
def reassign(project_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Hand the project to another officer."""
    return run(
        rt().app.reassign_project,
        project_id,
        body["officer"],
        reason=body.get("reason", ""),
        expected_version=body["expected_version"],
    )


@_command("plan", PlanSchema, "调整计划节点 Revise the planned dates.")
def plan(project_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """New planned dates for the coming stages."""
    return run(
        rt().app.revise_plan,
        project_id,
        dict(body["planned_dates"]),
        reason=body.get("reason", ""),
        expected_version=body["expected_version"],
    )


@_command("redate", RedateSchema, "更正阶段日期 Correct a stage's date (leaders).")
def redate(project_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Fix the recorded date of a stage already reached."""
    return run(
        rt().app.redate_stage,
        project_id,
        body["stage"],
        body["date"],
        body["reason"],
        expected_version=body["expected_version"],
    )
