"""Enterprises: the list with tiers, one enterprise's ladder and designations."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from domain.clock import today
from domain.designations import LADDER, Designation
from domain.errors import RuleViolationError
from domain.users import Role
from gxtrack.errors import ConflictError
from gxtrack.readmodels.enterprises.queries import (
    enterprise_projects,
    list_enterprises,
    tier_counts,
)
from web.api.schemas.enterprises import AwardSchema, EnterpriseCreateSchema
from web.commands import load_form
from web.i18n import N_
from web.pages.common import (
    expected_version,
    field_errors,
    finish,
    parse_int,
    reference,
    register_page_errors,
    runtime,
)
from web.security import current_actor, roles_required

bp = Blueprint("page_enterprises", __name__)
register_page_errors(bp)

PAGE_SIZE = 50


def ladder_rungs(enterprise: dict[str, Any]) -> list[dict[str, Any]]:
    """Each ladder level with the award that holds it now, or the last one held."""
    rungs = []
    for level in LADDER:
        awards = [
            a for a in enterprise["designations"] if a["designation"] == level.value
        ]
        awards.sort(key=lambda a: a["certified_on"])
        held = next((a for a in reversed(awards) if a["valid"]), None)
        rungs.append(
            {
                "level": level,
                "held": held,
                "last": held or (awards[-1] if awards else None),
                "current": enterprise["tier"] == level.value,
            }
        )
    return rungs


def _list_page(status: int = 200, **context: Any) -> Any:
    q = (request.args.get("q") or "").strip()
    tier = request.args.get("tier") or ""
    zone = request.args.get("zone") or ""
    page = parse_int(request.args.get("page"), "page")
    page = 1 if page is None else page
    if page < 1:
        raise RuleViolationError("页码从 1 开始", "page")
    db = runtime().db
    result = list_enterprises(
        db, tier or None, zone=zone or None, q=q or None, page=page, page_size=PAGE_SIZE
    )
    counts = tier_counts(db)
    context.setdefault("form", {})
    context.setdefault("errors", {})
    return render_template(
        "enterprises.html",
        result=result,
        q=q,
        tier=tier,
        zone=zone,
        page=page,
        pages=max(1, -(-result["total"] // PAGE_SIZE)),
        ladder=LADDER,
        tier_rows=[
            {"code": d.value, "label": d.label, "count": counts["by_tier"][d.value]}
            for d in reversed(LADDER)
        ],
        counts=counts,
        ref=reference(),
        **context,
    ), status


@bp.get("/enterprises")
def index() -> Any:
    """The enterprise list."""
    return _list_page()


@bp.post("/enterprises")
@roles_required(Role.ADMIN, Role.LEADER, Role.OFFICER)
def register() -> Any:
    """Register an enterprise by its credit code."""
    try:
        body = load_form(EnterpriseCreateSchema, request.form)
        enterprise = runtime().app.register_enterprise(current_actor(), **body)
    except RuleViolationError as error:
        return _list_page(422, form=request.form, errors=field_errors(error))
    except ConflictError as error:
        return _list_page(409, form=request.form, errors={"uscc": error.message})
    return finish(
        N_("企业已登记"), "page_enterprises.show", enterprise_id=enterprise["id"]
    )


def enterprise_page(enterprise_id: str, status: int = 200, **context: Any) -> Any:
    """The enterprise page (with a form's errors when re-rendered after a 4xx)."""
    enterprise = runtime().app.get_enterprise(enterprise_id)
    context.setdefault("form", {})
    context.setdefault("errors", {})
    return render_template(
        "enterprise.html",
        e=enterprise,
        rungs=ladder_rungs(enterprise),
        projects=enterprise_projects(runtime().db, enterprise["id"]),
        designation_options=[(d.value, d.label) for d in Designation],
        open_candidacies=[
            c for c in enterprise["candidacies"] if c["status"] == "open"
        ],
        this_year=today().year,
        ref=reference(),
        **context,
    ), status


@bp.get("/enterprises/<enterprise_id>")
def show(enterprise_id: str) -> Any:
    """One enterprise: its tier ladder and designations with validity."""
    return enterprise_page(enterprise_id)


@bp.post("/enterprises/<enterprise_id>/designations")
@roles_required(Role.ADMIN, Role.LEADER)
def award(enterprise_id: str) -> Any:
    """Award a designation (leaders and admins)."""
    try:
        body = load_form(AwardSchema, request.form, expected_version=expected_version())
        runtime().app.award_designation(current_actor(), enterprise_id, **body)
    except RuleViolationError as error:
        return enterprise_page(
            enterprise_id, 422, form=request.form, errors=field_errors(error)
        )
    except ConflictError:
        return enterprise_page(
            enterprise_id, 409, conflict=N_("此企业已被他人修改，请刷新后重试")
        )
    return finish(
        N_("称号已认定"), "page_enterprises.show", enterprise_id=enterprise_id
    )
