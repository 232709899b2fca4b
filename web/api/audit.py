"""Audit reads: enterprise history, the monthly report, the as-known pool, verify."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from domain.permissions import require_role
from domain.users import Role
from gxtrack.app.reports.monthly import monthly_report
from gxtrack.readmodels.stage_facts.queries import pool_as_known
from web.api.base import ApiBlueprint, actor, rt
from web.api.schemas.audit import (
    AsKnownArgsSchema,
    AsKnownSchema,
    MonthlyArgsSchema,
    MonthlySchema,
    VerifySchema,
)
from web.api.schemas.projects import HistorySchema

blp = ApiBlueprint("audit", __name__, description="审计与报表 Audit and reports")


def reference_names() -> dict[str, dict[str, str]]:
    """Zone and industry codes → Chinese names, for report labels."""
    reference = rt().app.reference()
    return {"zone": reference.zones, "industry": reference.industries}


@blp.route("/enterprises/<enterprise_id>/history")
class EnterpriseHistory(MethodView):
    """An enterprise's decision history."""

    @blp.response(200, HistorySchema)
    def get(self, enterprise_id: str) -> dict[str, Any]:
        """企业决策记录 Every event of the enterprise (revoked ones included)."""
        return {"items": rt().app.enterprise_history(enterprise_id)}


@blp.route("/reports/monthly")
class MonthlyReport(MethodView):
    """The bureau's monthly report."""

    @blp.arguments(MonthlyArgsSchema, location="query")
    @blp.response(200, MonthlySchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """招商项目月报 The report for a month, as known on a date and as now."""
        runtime = rt()
        runtime.wait_for_read_models()
        return monthly_report(
            runtime.db, args["month"], args.get("as_known_on"), reference_names()
        )


@blp.route("/pool/as-known")
class PoolAsKnown(MethodView):
    """The bitemporal pool."""

    @blp.arguments(AsKnownArgsSchema, location="query")
    @blp.response(200, AsKnownSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """按当时所知的项目库 The pool at `date` as known on `known_on`."""
        runtime = rt()
        runtime.wait_for_read_models()
        known_on = args.get("known_on")
        items = pool_as_known(runtime.db, args["date"], known_on)
        return {
            "date": args["date"].isoformat(),
            "known_on": known_on.isoformat() if known_on else None,
            "items": items,
            "total": len(items),
        }


@blp.route("/audit/verify")
class Verify(MethodView):
    """Tamper evidence."""

    @blp.response(200, VerifySchema)
    def get(self) -> dict[str, Any]:
        """校验哈希链 Verify the event log's hash chain (auditors, admins)."""
        require_role(actor(), {Role.AUDITOR, Role.ADMIN}, "校验事件日志")
        return rt().app.audit_status(actor())
