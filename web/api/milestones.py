"""Milestone nodes and completed investment of a project; the node template."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from web.api.base import ApiBlueprint, dumped, rt, run
from web.api.schemas.milestones import (
    ComplianceArgsSchema,
    ComplianceSchema,
    InvestmentByArgsSchema,
    InvestmentBySchema,
    InvestmentReportSchema,
    InvestmentTargetSchema,
    InvestmentTargetViewSchema,
    KpiArgsSchema,
    KpiSchema,
    MilestoneUpdateSchema,
    TemplateChangeSchema,
    TemplateSchema,
)
from web.api.schemas.projects import ProjectSchema
from web.commands import PROJECT_COMMANDS

blp = ApiBlueprint(
    "milestones", __name__, url_prefix="", description="节点与完成投资 Milestones"
)


@blp.route("/projects/<project_id>/milestones/<code>")
class ProjectMilestone(MethodView):
    """One node of a project."""

    @blp.arguments(MilestoneUpdateSchema)
    @blp.response(200, ProjectSchema)
    def post(self, body: dict[str, Any], project_id: str, code: str) -> Any:
        """更新节点 Set a node's planned/done date, unit or note.

        开工 and 投产 are the 落地 and 投产 stages: their done date moves the
        stage, their planned date is the stage's planned date.
        """
        return dumped(
            ProjectSchema,
            run(
                PROJECT_COMMANDS["milestone"].call,
                rt().app,
                project_id,
                {**body, "code": code},
            ),
        )


@blp.route("/projects/<project_id>/investment")
class ProjectInvestment(MethodView):
    """A project's monthly completed investment."""

    @blp.arguments(InvestmentReportSchema)
    @blp.response(200, ProjectSchema)
    def post(self, body: dict[str, Any], project_id: str) -> Any:
        """完成投资 Report a month's completed investment (万元); again corrects it."""
        return dumped(
            ProjectSchema,
            run(PROJECT_COMMANDS["investment"].call, rt().app, project_id, body),
        )


@blp.route("/milestones/template")
class Template(MethodView):
    """The node template (admin-editable, versioned)."""

    @blp.response(200, TemplateSchema)
    def get(self) -> Any:
        """节点模板 The nodes in force and the template version."""
        return rt().app.milestone_template()

    @blp.arguments(TemplateChangeSchema)
    @blp.response(200, TemplateSchema)
    def put(self, body: dict[str, Any]) -> Any:
        """修改节点模板 Replace the node list (admins)."""
        return run(rt().app.change_milestone_template, **body)


@blp.route("/pool/kpis")
class Kpis(MethodView):
    """This year's figures against the same day last year (同比)."""

    @blp.arguments(KpiArgsSchema, location="query")
    @blp.response(200, KpiSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """本年指标 New 签约/落地/投产 and completed investment to date, 同比, target."""
        return rt().app.pool_kpis(args.get("year"), args.get("as_of"))


@blp.route("/pool/investment")
class InvestmentBy(MethodView):
    """Completed investment by zone or industry (万元)."""

    @blp.arguments(InvestmentByArgsSchema, location="query")
    @blp.response(200, InvestmentBySchema)
    def get(self, args: dict[str, Any]) -> Any:
        """分板块/产业完成投资 This year to date, 同比 and cumulative, per group."""
        return rt().app.investment_breakdown(
            args["by"], args.get("year"), args.get("as_of")
        )


@blp.route("/targets/investment")
class InvestmentTargetView(MethodView):
    """The yearly 工业投资 target (万元)."""

    @blp.arguments(InvestmentTargetSchema)
    @blp.response(200, InvestmentTargetViewSchema)
    def put(self, body: dict[str, Any]) -> Any:
        """设置年度工业投资目标 Set the year's target (admins)."""
        return run(rt().app.set_investment_target, **body)


def _command_endpoint(path: str, summary: str) -> None:
    command = PROJECT_COMMANDS[path]

    @blp.route(f"/projects/<project_id>/{path}", endpoint=f"project_{path}")
    class Command(MethodView):
        @blp.doc(summary=summary)
        @blp.arguments(command.schema)
        @blp.response(200, ProjectSchema)
        def post(self, body: dict[str, Any], project_id: str) -> Any:
            return dumped(ProjectSchema, run(command.call, rt().app, project_id, body))


_command_endpoint("promises", "协议承诺 Record the agreement's promises (履约).")
_command_endpoint("results", "年度实绩 Report a year's 产值, 税收, 实际投资.")


@blp.route("/compliance")
class Compliance(MethodView):
    """履约 status and the lists 供而未建, 建而未投, 投而未达."""

    @blp.arguments(ComplianceArgsSchema, location="query")
    @blp.response(200, ComplianceSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """履约清单 Projects by 履约 status (met/unmet/pending) or list."""
        items = rt().app.compliance_items(args.get("status"), args.get("list"))
        return {"items": items, "total": len(items)}
