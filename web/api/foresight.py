"""/forecast and /stalled/policy/what-if: foresight from the event log.

The forecast and its backtest are reads (every role); the what-if is for
leaders and admins and records nothing.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from web.api.base import ApiBlueprint, actor, rt
from web.api.schemas.foresight import (
    BacktestArgsSchema,
    BacktestSchema,
    ForecastArgsSchema,
    ForecastSchema,
    SlippageArgsSchema,
    SlippageSchema,
    WhatIfResultSchema,
    WhatIfSchema,
)

blp = ApiBlueprint("foresight", __name__, description="预测与试算 Forecast and what-if")


@blp.route("/forecast")
class Forecast(MethodView):
    """落地 / 投产 forecast per quarter."""

    @blp.arguments(ForecastArgsSchema, location="query")
    @blp.response(200, ForecastSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """落地投产预测 The next N quarters as known on `as_of` (default today)."""
        return rt().app.forecast(args.get("as_of"), args["quarters"], args["known"])


@blp.route("/forecast/backtest")
class Backtest(MethodView):
    """Past forecasts beside what happened."""

    @blp.arguments(BacktestArgsSchema, location="query")
    @blp.response(200, BacktestSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """预测回测 Forecasts made on past quarter ends and their coverage."""
        return rt().app.forecast_backtest(
            args["origins"], args["quarters"], args["known"]
        )


@blp.route("/stalled/policy/what-if")
class WhatIf(MethodView):
    """A draft stall policy tried on past weeks."""

    @blp.arguments(WhatIfSchema)
    @blp.response(200, WhatIfResultSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """预警规则试算 Weekly counts under a draft beside the policy in force."""
        return rt().app.stall_what_if(
            actor(),
            body["thresholds"],
            body["first"],
            body["last"],
            body.get("red_factor"),
            body.get("overdue_days"),
        )


@blp.route("/plans/slippage")
class Slippage(MethodView):
    """How often and how far planned dates were pushed back."""

    @blp.arguments(SlippageArgsSchema, location="query")
    @blp.response(200, SlippageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """计划延误分析 Per officer, zone or industry (leaders, admins, auditors)."""
        return rt().app.plan_slippage(actor(), args["by"], args["limit"])
