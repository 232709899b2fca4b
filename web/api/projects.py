"""/projects: register, list, read (now or in the past), move, and revise projects."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.views import MethodView

from domain.stages import Stage
from gxtrack.app.base import parse_id
from gxtrack.app.history import history
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects
from web.api.base import ApiBlueprint, dumped, plain_dump, rt, run
from web.api.schemas.projects import (
    HistorySchema,
    ProjectGetArgsSchema,
    ProjectPageSchema,
    ProjectQueryArgsSchema,
    ProjectSchema,
)
from web.commands import PROJECT_COMMANDS, REGISTER_SCHEMA, register

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
        status, listed = args.pop("compliance", None), args.pop("compliance_list", None)
        if status or listed:  # 履约: the projects the rule finds, then the pool's
            args["ids"] = [i["id"] for i in rt().app.compliance_items(status, listed)]
            if not args["ids"]:
                return jsonify({"items": [], "total": 0})
        app = rt().app
        found = list_projects(
            rt().db, PoolFilter(**args), **paging, terms_for=app.stall_terms_on
        )
        page = with_labels(found)
        if args.get("as_of"):  # nodes and investment as known on that day
            app.with_as_of_facts(page["items"], args["as_of"])
        # Rows are JSON-ready already: skip marshmallow's per-field dump.
        return jsonify(plain_dump(ProjectPageSchema, page))

    @blp.arguments(REGISTER_SCHEMA)
    @blp.response(201, ProjectSchema)
    @blp.alt_response(
        409,
        description="已有同名同投资方项目：reason 为 duplicate_project，duplicates 列出这些项目",
    )
    def post(self, body: dict[str, Any]) -> Any:
        """登记项目 Register a project (在谈 or 签约)."""
        return dumped(ProjectSchema, run(register, rt().app, body), 201)


@blp.route("/<project_id>")
class Project(MethodView):
    """One project."""

    @blp.arguments(ProjectGetArgsSchema, location="query")
    @blp.response(200, ProjectSchema)
    def get(self, args: dict[str, Any], project_id: str) -> Any:
        """项目详情 A project now, at `version`, or as recorded at `as_of`."""
        view = rt().app.get_project(
            project_id, version=args.get("version"), recorded_at=args.get("as_of")
        )
        return dumped(ProjectSchema, view)


@blp.route("/<project_id>/history")
class ProjectHistory(MethodView):
    """The decision history."""

    @blp.response(200, HistorySchema)
    def get(self, project_id: str) -> dict[str, Any]:
        """决策记录 Every event of the project, in version order."""
        app = rt().app
        app.get_project(project_id)  # 404 for an unknown id
        return {"items": history(app, parse_id(project_id, "项目"))}


ENDPOINTS = (
    (
        "stage",
        "推进/终止/更正阶段 Move the project's stage.",
        "Forward, withdraw, or (leaders) correct backwards.",
    ),
    (
        "reinstate",
        "恢复已终止项目 Reinstate (leaders).",
        "Back to the stage it was withdrawn from.",
    ),
    ("progress", "推进情况 Report progress.", "Add a dated progress note."),
    (
        "revise",
        "修改项目信息 Revise details, with a reason.",
        "Change name, investor, industry, zone, investment, priority…",
    ),
    (
        "reassign",
        "调整责任人 Reassign the officer (leaders).",
        "Hand the project to another officer.",
    ),
    (
        "plan",
        "调整计划节点 Revise the planned dates.",
        "New planned dates for the coming stages.",
    ),
    (
        "redate",
        "更正阶段日期 Correct a stage's date (leaders).",
        "Fix the recorded date of a stage already reached.",
    ),
    (
        "merge",
        "合并重复项目 Merge this duplicate into another project (leaders).",
        "The duplicate leaves the pool and points to `into`; both histories"
        " record the merge.",
    ),
)


def _command_endpoint(path: str, summary: str, description: str) -> None:
    """A POST endpoint on `/<project_id>/<path>` running the shared command."""
    command = PROJECT_COMMANDS[path]

    @blp.route(f"/<project_id>/{path}", endpoint=f"project_{path}")
    class Command(MethodView):
        @blp.doc(summary=summary, description=description)
        @blp.arguments(command.schema)
        @blp.response(200, ProjectSchema)
        def post(self, body: dict[str, Any], project_id: str) -> Any:
            return dumped(ProjectSchema, run(command.call, rt().app, project_id, body))


for _path, _summary, _description in ENDPOINTS:
    _command_endpoint(_path, _summary, _description)
