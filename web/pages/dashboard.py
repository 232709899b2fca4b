"""The leaders' dashboard: funnel, breakdowns, conversion, time in stage, stalls."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from domain.clock import today
from domain.errors import RuleViolationError
from gxtrack.readmodels.alerts.queries import alert_metrics
from gxtrack.readmodels.cultivation.queries import yearly_targets
from gxtrack.readmodels.pool import dashboard as figures
from gxtrack.readmodels.pool import stats
from web.i18n import stage_label
from web.pages.common import parse_date, reference, register_page_errors, runtime
from web.pages.pool import STALL_LABELS

bp = Blueprint("page_dashboard", __name__)
register_page_errors(bp)


def _breakdown(groups: dict[str, Any], names: dict[str, str]) -> list[dict]:
    rows = [
        {
            "code": code,
            "label": names.get(code, code),
            "count": value["count"],
            "investment": value["investment"],
        }
        for code, value in groups.items()
    ]
    return sorted(rows, key=lambda r: (-r["count"], r["label"]))


def _stall_charts(db: Any) -> dict[str, list[dict[str, Any]]]:
    counts = figures.stall_counts(db)
    return {
        "by_level": [
            {"label": _(STALL_LABELS[level]), "count": n, "cls": f"stall-{level}"}
            for level in ("red", "yellow")
            if (n := counts["by_level"].get(level))
        ],
        "by_stage": [
            {"label": stage_label(stage), "count": n}
            for stage in figures.FUNNEL
            if (n := counts["by_stage"].get(stage))
        ],
    }


@bp.get("/")
def index() -> Any:
    """The dashboard, now or as of a past business date."""
    as_of = parse_date(request.args.get("as_of"), "as_of", required=False)
    db = runtime().db
    pool = figures.pool_summary(db, as_of)
    ref = reference()
    day = as_of or today()
    funnel = [{"stage": stage, **pool["by_stage"][stage]} for stage in figures.FUNNEL]
    # Statistics over every stage interval (seconds to recompute at 100k
    # projects), moved by one event no more than a count: shown as kept while
    # the next is computed, as the forecast is.
    stale = runtime().app.read_side.stale_figures_seconds
    return render_template(
        "dashboard.html",
        as_of=as_of,
        day=day,
        pool=pool,
        funnel=funnel,
        withdrawn=pool["by_stage"]["withdrawn"],
        industries=_breakdown(pool["by_industry"], ref.industries),
        zones=_breakdown(pool["by_zone"], ref.zones),
        conversion=stats.conversion(db, day, stale_for=stale)["steps"],
        time_in_stage=stats.time_in_stage(db, day, stale_for=stale)["stages"],
        stalled=figures.stalled_projects(db),
        stall_charts=_stall_charts(db),
        alert_metrics=alert_metrics(db),
        targets=yearly_targets(db, day.year, day, ref.zones),
        kpis=runtime().app.pool_kpis(day.year, day),
        zone_names=ref.zones,
        stall_labels=STALL_LABELS,
        forecast=_forecast(day, as_of),
    )


def _forecast(day: Any, as_of: Any) -> dict[str, Any] | None:
    # As known at the end of the day before (today's facts are still coming
    # in): a forecast that no later event changes, so it is computed once.
    known_on = as_of or date.fromordinal(day.toordinal() - 1)
    try:
        return runtime().app.forecast(known_on, 4)
    except RuleViolationError:  # a dashboard dated in the future
        return None
