"""Pages of the forecast (every role) and its backtest (leaders, auditors)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from domain.users import Role
from web.pages.common import (
    parse_date,
    parse_int,
    person,
    reference,
    register_page_errors,
    runtime,
)
from web.security import current_actor, roles_required

bp = Blueprint("page_forecast", __name__, url_prefix="/forecast")
register_page_errors(bp)


def _known() -> str:
    return "dated" if request.args.get("known") == "dated" else "recorded"


@bp.get("")
def index() -> Any:
    """The next quarters' 落地 and 投产 with their intervals."""
    as_of = parse_date(request.args.get("as_of"), "as_of", required=False)
    quarters = parse_int(request.args.get("quarters"), "quarters") or 4
    result = runtime().app.forecast(as_of, quarters, _known())
    return render_template("forecast.html", result=result, quarters=quarters)


@bp.get("/backtest")
@roles_required(Role.LEADER, Role.ADMIN, Role.AUDITOR)
def backtest() -> Any:
    """Forecasts made on past quarter ends beside what happened."""
    result = runtime().app.forecast_backtest(8, 4, _known())
    first_ahead: dict[str, list[dict[str, Any]]] = {"landed": [], "producing": []}
    seen = set()
    for row in result["rows"]:
        if row.get("insufficient_history") or row["as_of"] in seen:
            continue
        seen.add(row["as_of"])
        for target, rows in first_ahead.items():
            rows.append(
                {
                    "label": row["quarter"],
                    **row,
                    target: row[target],
                    "actual": row[target]["actual"],
                    "covered": row[target]["covered"],
                }
            )
    return render_template(
        "forecast_backtest.html", result=result, first_ahead=first_ahead
    )


@bp.get("/slippage")
@roles_required(Role.LEADER, Role.ADMIN, Role.AUDITOR)
def slippage() -> Any:
    """How often and how far planned dates were pushed back, per group."""
    grouping = request.args.get("by") or "officer"
    result = runtime().app.plan_slippage(current_actor(), grouping)
    ref = reference()
    names = {"zone": ref.zones, "industry": ref.industries}.get(grouping)
    for row in result["groups"]:
        if names is None:  # by officer: the name people know
            row["label"] = person(row["key"])
        else:
            row["label"] = names.get(row["key"], row["key"]) or "—"
    return render_template("plan_slippage.html", result=result, names=ref)
