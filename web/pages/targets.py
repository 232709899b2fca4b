"""年度目标: yearly targets against achieved, the enterprises behind each number.

Everyone signed in sees the report; only the admin sets targets (per designation,
optionally per zone). Achieved counts come from award events with certificate
dates in the year (gxtrack.readmodels.cultivation.queries).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from domain.clock import today
from domain.designations import LADDER, Designation
from domain.errors import RuleViolationError
from domain.users import Role
from gxtrack.readmodels.cultivation.queries import targets_report
from web.api.schemas.tiers import TargetSetSchema
from web.commands import load_form
from web.i18n import N_
from web.pages.common import (
    field_errors,
    finish,
    parse_int,
    reference,
    register_page_errors,
    runtime,
    text,
)
from web.security import current_actor, roles_required

bp = Blueprint("page_targets", __name__)
register_page_errors(bp)

YEARS_BACK = 3


def _year(value: str | None) -> int:
    year = parse_int(value, "year")
    if year is None:
        return today().year
    if not 2000 <= year <= 2100:
        raise RuleViolationError("年度须在 2000–2100 之间", "year")
    return year


def _page(year: int, status: int = 200, **context: Any) -> Any:
    ref = reference()
    report = targets_report(runtime().db, year, zone_names=ref.zones)
    for item in report["items"]:
        zone = f"（{item['zone_name']}）" if item["zone"] else ""
        item["label"] = item["designation_label"] + zone
    context.setdefault("form", {"year": str(year)})
    context.setdefault("errors", {})
    this_year = today().year
    return render_template(
        "targets.html",
        year=year,
        report=report,
        years=list(range(this_year + 1, this_year - YEARS_BACK - 1, -1)),
        designation_options=[(d.value, d.label) for d in Designation],
        ladder=LADDER,
        ref=ref,
        **context,
    ), status


@bp.get("/targets")
def index() -> Any:
    """The year's targets and what was achieved."""
    return _page(_year(request.args.get("year")))


@bp.post("/targets")
@roles_required(Role.ADMIN)
def set_target() -> Any:
    """Set one target (admin); 0 removes it."""
    year = _year(request.args.get("year"))
    try:
        year = _year(text("year")) if text("year") else year
        body = load_form(TargetSetSchema, request.form, year=year)
        runtime().app.set_target(current_actor(), **body)
    except RuleViolationError as error:
        return _page(year, 422, form=request.form, errors=field_errors(error))
    return finish(N_("年度目标已保存"), "page_targets.index", year=year)
