"""/stalled: the weekly scan, the stalled list, alerts and their answers, the policy.

The scan, answer, escalation and policy change are the same service calls the
CLI and the weekly job make; a scan of a week already scanned answers 200 with
the first scan's content and records nothing.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from domain.clock import today as bureau_today
from gxtrack.readmodels.alerts.queries import (
    alert_metrics,
    list_alerts,
    list_scans,
    list_stalled,
)
from gxtrack.readmodels.pool.queries import exemptions
from web.api.base import ApiBlueprint, dumped, rt, run
from web.api.schemas.projects import ProjectSchema
from web.api.schemas.stalled import (
    AlertArgsSchema,
    AlertListSchema,
    AnswerSchema,
    EscalateSchema,
    ExemptionListSchema,
    ExemptSchema,
    PolicyChangeSchema,
    PolicySchema,
    ScanListSchema,
    ScanRequestSchema,
    ScanSchema,
    StalledArgsSchema,
    StalledListSchema,
)
from web.commands import PROJECT_COMMANDS

blp = ApiBlueprint("stalled", __name__, description="停滞项目预警 Stalled projects")


@blp.route("/stalled")
class Stalled(MethodView):
    """The stalled projects on a date."""

    @blp.arguments(StalledArgsSchema, location="query")
    @blp.response(200, StalledListSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """停滞项目清单 Projects stalled on `as_of` (default today), worst first."""
        return list_stalled(
            rt().db,
            args.get("as_of"),
            args.get("officer"),
            zone=args.get("zone"),
            level=args.get("level"),
            page=args["page"],
            page_size=args["page_size"],
        )


@blp.route("/stalled/scans")
class Scans(MethodView):
    """The weekly scans."""

    @blp.response(200, ScanListSchema)
    def get(self) -> dict[str, Any]:
        """扫描记录 The recorded weekly scans, newest first."""
        return list_scans(rt().db)

    @blp.arguments(ScanRequestSchema)
    @blp.response(201, ScanSchema)
    @blp.alt_response(200, schema=ScanSchema, description="本周已扫描 Already scanned")
    def post(self, body: dict[str, Any]) -> Any:
        """执行停滞扫描 Scan now (leaders, admins); 200 when the week was scanned."""
        scan, created = run(rt().app.run_stall_scan, body.get("as_of"))
        if not created:
            return scan, 200
        # Queued, not sent: the scheduler's mail job delivers (and retries).
        rt().app.queue_stall_digests(scan)
        return scan


@blp.route("/stalled/alerts")
class Alerts(MethodView):
    """Alerts with their answers, escalations and clearing."""

    @blp.arguments(AlertArgsSchema, location="query")
    @blp.response(200, AlertListSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """预警记录 Alerts, newest first, with response and resolution metrics."""
        db = rt().db
        result = list_alerts(
            db,
            open_only=args["open"],
            officer=args.get("officer"),
            project_id=args.get("project_id"),
            limit=args["limit"],
        )
        result["metrics"] = alert_metrics(db, args.get("since"))
        return result


@blp.route("/stalled/policy")
class Policy(MethodView):
    """The thresholds in force."""

    @blp.response(200, PolicySchema)
    def get(self) -> dict[str, Any]:
        """预警规则 The stall policy and its version."""
        return rt().app.stall_policy()

    @blp.arguments(PolicyChangeSchema)
    @blp.response(200, PolicySchema)
    def put(self, body: dict[str, Any]) -> dict[str, Any]:
        """调整预警规则 Change thresholds (admins); the version goes up by one."""
        return run(rt().app.change_stall_policy, **body)


@blp.route("/projects/<project_id>/stall/answer")
class Answer(MethodView):
    """The responsible officer's answer to an alert."""

    @blp.arguments(AnswerSchema)
    @blp.response(200, ProjectSchema)
    def post(self, body: dict[str, Any], project_id: str) -> Any:
        """回复预警 Answer the alert: cause, plan, next checkpoint date."""
        return dumped(
            ProjectSchema,
            run(PROJECT_COMMANDS["answer"].call, rt().app, project_id, body),
        )


@blp.route("/projects/<project_id>/stall/exempt")
class Exempt(MethodView):
    """A leader's exemption (暂缓) of a project from stall alerts."""

    @blp.arguments(ExemptSchema)
    @blp.response(200, ProjectSchema)
    def post(self, body: dict[str, Any], project_id: str) -> Any:
        """暂缓预警 No alert until `until` (leaders, admins), for a stated reason."""
        return dumped(
            ProjectSchema,
            run(PROJECT_COMMANDS["exempt"].call, rt().app, project_id, body),
        )


@blp.route("/stalled/exemptions")
class Exemptions(MethodView):
    """Every project's latest exemption, for auditors."""

    @blp.response(200, ExemptionListSchema)
    def get(self) -> dict[str, Any]:
        """暂缓清单 Exemptions, those in force first."""
        items = exemptions(rt().db, bureau_today())
        return {"items": items, "total": len(items)}


@blp.route("/projects/<project_id>/stall/escalate")
class Escalate(MethodView):
    """A leader's escalation (督办)."""

    @blp.arguments(EscalateSchema)
    @blp.response(200, ProjectSchema)
    def post(self, body: dict[str, Any], project_id: str) -> Any:
        """督办 Escalate the alert (leaders, admins); once per flag."""
        return dumped(
            ProjectSchema,
            run(PROJECT_COMMANDS["escalate"].call, rt().app, project_id, body),
        )
