"""Enterprises: the list with tiers, one enterprise's ladder and designations."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from domain.clock import today
from domain.designations import LADDER, Designation
from domain.errors import RuleViolationError
from domain.users import Role
from gxtrack.errors import ConflictError
from web.i18n import N_
from web.pages.common import (
    expected_version,
    field_errors,
    finish,
    parse_date,
    parse_int,
    reference,
    register_page_errors,
    runtime,
    text,
)
from web.security import current_actor, roles_required

bp = Blueprint("page_enterprises", __name__)
register_page_errors(bp)

PAGE_SIZE = 50
TIER_SQL = (
    "(SELECT MAX(d.rank) FROM rm_designations d WHERE d.enterprise_id = e.id"
    " AND d.rank > 0 AND d.certified_on <= ? AND d.valid_until >= ?)"
)


def list_enterprises(q: str, tier: str, page: int) -> dict[str, Any]:
    """One page of enterprises with their tier rank today, highest tier first."""
    day = today().isoformat()
    where, params = [], [day, day]
    if q:
        where.append("(e.name LIKE ? OR e.uscc LIKE ?)")
        params += [f"%{q}%", f"%{q.upper()}%"]
    if tier:
        try:
            rank = Designation(tier).rank
        except ValueError:
            raise RuleViolationError(f"未知梯度: {tier}", "tier") from None
        where.append(f"{TIER_SQL} = {rank}")
        params += [day, day]
    clause = " FROM rm_enterprises e" + (
        " WHERE " + " AND ".join(where) if where else ""
    )
    db = runtime().db
    total = db.scalar("SELECT COUNT(*) AS n" + clause, params[2:])
    # PostgreSQL cannot use an output alias inside an ORDER BY expression.
    rows = db.fetchall(
        f"SELECT * FROM (SELECT e.*, {TIER_SQL} AS tier_rank"
        + clause
        + ") t ORDER BY COALESCE(t.tier_rank, 0) DESC, t.name LIMIT ? OFFSET ?",
        [*params, PAGE_SIZE, (page - 1) * PAGE_SIZE],
    )
    for row in rows:
        rank = row["tier_rank"]
        row["tier"] = LADDER[rank - 1].value if rank else None
    return {"items": rows, "total": int(total or 0)}


def _list_page(status: int = 200, **context: Any) -> Any:
    q = (request.args.get("q") or "").strip()
    tier = request.args.get("tier") or ""
    page = parse_int(request.args.get("page"), "page")
    page = 1 if page is None else page
    if page < 1:
        raise RuleViolationError("页码从 1 开始", "page")
    result = list_enterprises(q, tier, page)
    context.setdefault("form", {})
    context.setdefault("errors", {})
    return render_template(
        "enterprises.html",
        result=result,
        q=q,
        tier=tier,
        page=page,
        pages=max(1, -(-result["total"] // PAGE_SIZE)),
        ladder=LADDER,
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
        enterprise = runtime().app.register_enterprise(
            current_actor(),
            text("uscc"),
            text("name"),
            text("industry") or None,
            text("zone") or None,
        )
    except RuleViolationError as error:
        return _list_page(422, form=request.form, errors=field_errors(error))
    except ConflictError as error:
        return _list_page(409, form=request.form, errors={"uscc": error.message})
    return finish(
        N_("企业已登记"), "page_enterprises.show", enterprise_id=enterprise["id"]
    )


def _enterprise_page(enterprise_id: str, status: int = 200, **context: Any) -> Any:
    enterprise = runtime().app.get_enterprise(enterprise_id)
    context.setdefault("form", {})
    context.setdefault("errors", {})
    return render_template(
        "enterprise.html",
        e=enterprise,
        ladder=LADDER,
        tier_rank=Designation(enterprise["tier"]).rank if enterprise["tier"] else 0,
        designation_options=[(d.value, d.label) for d in Designation],
        ref=reference(),
        **context,
    ), status


@bp.get("/enterprises/<enterprise_id>")
def show(enterprise_id: str) -> Any:
    """One enterprise: its tier ladder and designations with validity."""
    return _enterprise_page(enterprise_id)


@bp.post("/enterprises/<enterprise_id>/designations")
@roles_required(Role.ADMIN, Role.LEADER)
def award(enterprise_id: str) -> Any:
    """Award a designation (leaders and admins)."""
    try:
        version = expected_version()
        runtime().app.award_designation(
            current_actor(),
            enterprise_id,
            text("designation"),
            parse_date(text("certified_on"), "certified_on"),
            expires_on=parse_date(text("expires_on"), "expires_on", required=False),
            document_no=text("document_no"),
            batch=text("batch"),
            expected_version=version,
        )
    except RuleViolationError as error:
        return _enterprise_page(
            enterprise_id, 422, form=request.form, errors=field_errors(error)
        )
    except ConflictError:
        return _enterprise_page(
            enterprise_id, 409, conflict=N_("此企业已被他人修改，请刷新后重试")
        )
    return finish(
        N_("称号已认定"), "page_enterprises.show", enterprise_id=enterprise_id
    )
