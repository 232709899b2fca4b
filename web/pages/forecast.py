"""Pages of the forecast (every role) and its backtest (leaders, auditors)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from domain.users import Role
from web.pages.common import parse_date, parse_int, register_page_errors, runtime
from web.security import roles_required

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
