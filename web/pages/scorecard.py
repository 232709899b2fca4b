"""红黑榜 pages: the zone scorecard by week, month or quarter, its export, and the
dashboard's card."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request

from domain.scorecard import PERIOD_LABELS, PERIODS
from web.pages.common import parse_date, register_page_errors, runtime

bp = Blueprint("page_scorecard", __name__)
register_page_errors(bp)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _args() -> tuple[str, Any]:
    kind = request.args.get("period") or "month"
    if kind not in PERIODS:
        kind = "month"
    return kind, parse_date(request.args.get("day"), "day", required=False)


@bp.get("/scorecard")
def index() -> Any:
    """The 红黑榜 with its chart."""
    kind, day = _args()
    card = runtime().app.zone_scorecard(kind, day)
    return render_template(
        "scorecard.html",
        card=card,
        kind=kind,
        day=day,
        periods=PERIOD_LABELS,
        chart=_chart(card["rows"]),
    )


@bp.get("/scorecard.xlsx")
def export() -> Response:
    """The 红黑榜 as an .xlsx workbook."""
    kind, day = _args()
    data = runtime().app.zone_scorecard_xlsx(kind, day)
    return Response(
        data,
        mimetype=XLSX,
        headers={"Content-Disposition": f"attachment; filename=scorecard-{kind}.xlsx"},
    )


def _chart(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"label": r["zone_name"], "points": r["points"], "cls": f"board-{r['board']}"}
        for r in rows
    ]


def scorecard_card() -> dict[str, Any]:
    """This month's ranking, for the dashboard."""
    card = runtime().app.zone_scorecard("month")
    return {**card, "chart": _chart(card["rows"])}


def init_scorecard_pages(app: Any) -> None:
    """Register the pages and the dashboard card's helper."""
    app.register_blueprint(bp)
    app.add_template_global(scorecard_card)
