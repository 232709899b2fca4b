"""Enterprise page actions: re-review (复核), revoke, the cultivation pool.

Leaders and admins review and revoke designations; officers, leaders and admins
list an enterprise as a candidate, and withdraw a candidacy (officers only their
own, the service checks). A rule violation re-renders the enterprise page with
the message next to the field; a stale version shows the reload notice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, request

from domain.errors import RuleViolationError
from domain.users import Role
from gxtrack.errors import ConflictError
from web.api.schemas.enterprises import ReviewSchema, RevokeSchema
from web.api.schemas.tiers import CandidateCreateSchema, CandidateWithdrawSchema
from web.commands import load_form
from web.i18n import N_
from web.pages.common import (
    expected_version,
    field_errors,
    finish,
    register_page_errors,
    runtime,
)
from web.pages.enterprises import enterprise_page
from web.security import current_actor, roles_required

bp = Blueprint("page_enterprises_actions", __name__)
register_page_errors(bp)

STALE = N_("此企业已被他人修改，请刷新后重试")
LEADERS = (Role.ADMIN, Role.LEADER)
CHANGERS = (Role.ADMIN, Role.LEADER, Role.OFFICER)


def _act(enterprise_id: str, form: str, command: Callable[[], Any], done: str) -> Any:
    """Run `command`; on a rule violation re-render with the errors of `form`."""
    try:
        command()
    except RuleViolationError as error:
        return enterprise_page(
            enterprise_id,
            422,
            form=request.form,
            errors=field_errors(error),
            failed_form=form,
        )
    except ConflictError:
        return enterprise_page(enterprise_id, 409, conflict=STALE)
    return finish(done, "page_enterprises.show", enterprise_id=enterprise_id)


def _form(schema: type, **given: Any) -> dict[str, Any]:
    return load_form(schema, request.form, expected_version=expected_version(), **given)


@bp.post("/enterprises/<enterprise_id>/designations/<award_id>/review")
@roles_required(*LEADERS)
def review(enterprise_id: str, award_id: str) -> Any:
    """Record a re-review: passed extends the validity, failed ends the award."""

    def command() -> None:
        body = _form(ReviewSchema)
        runtime().app.review_designation(
            current_actor(), enterprise_id, award_id, **body
        )

    return _act(enterprise_id, f"review-{award_id}", command, N_("复核结果已记录"))


@bp.post("/enterprises/<enterprise_id>/designations/<award_id>/revoke")
@roles_required(*LEADERS)
def revoke(enterprise_id: str, award_id: str) -> Any:
    """Revoke an award from a date, with a reason."""

    def command() -> None:
        body = _form(RevokeSchema)
        runtime().app.revoke_designation(
            current_actor(), enterprise_id, award_id, **body
        )

    return _act(enterprise_id, f"revoke-{award_id}", command, N_("称号已撤销"))


@bp.post("/enterprises/<enterprise_id>/candidates")
@roles_required(*CHANGERS)
def add_candidate(enterprise_id: str) -> Any:
    """List the enterprise in the cultivation pool for a designation and year."""

    def command() -> None:
        body = _form(CandidateCreateSchema, enterprise=enterprise_id)
        runtime().app.list_candidate(current_actor(), **body)

    return _act(enterprise_id, "candidate", command, N_("已纳入培育库"))


@bp.post("/enterprises/<enterprise_id>/candidates/<candidacy_id>/withdraw")
@roles_required(*CHANGERS)
def withdraw_candidate(enterprise_id: str, candidacy_id: str) -> Any:
    """Take a candidacy out of the pool, with a reason."""

    def command() -> None:
        body = _form(CandidateWithdrawSchema)
        runtime().app.withdraw_candidacy(
            current_actor(), enterprise_id, candidacy_id, **body
        )

    return _act(enterprise_id, f"withdraw-{candidacy_id}", command, N_("已移出培育库"))
