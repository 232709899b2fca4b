"""Admin page for the stall policy: thresholds per stage, overdue days, history.

Every change is a PolicyChanged event with a version number; the form carries
the version it was read at, so two admins never overwrite each other silently.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from domain.errors import RuleViolationError
from domain.stall import DEFAULT_THRESHOLDS
from domain.users import Role
from gxtrack.errors import ConflictError
from web.api.schemas.stalled import PolicyChangeSchema
from web.commands import load_form
from web.i18n import N_
from web.pages.common import (
    STALE,
    expected_version,
    field_errors,
    finish,
    register_page_errors,
    runtime,
)
from web.pages.policy_what_if import default_what_if, what_if
from web.pages.pool import STALL_LABELS
from web.security import current_actor, roles_required

bp = Blueprint("page_admin_policy", __name__, url_prefix="/admin")
register_page_errors(bp)
bp.before_request(roles_required(Role.ADMIN)(lambda: None))


def _page(status: int = 200, **context: Any) -> Any:
    app = runtime().app
    context.setdefault("errors", {})
    context.setdefault("form", {})
    return render_template(
        "admin_policy.html",
        policy=app.stall_policy(),
        history=app.stall_policy_history(),
        stages=list(DEFAULT_THRESHOLDS),
        stall_labels=STALL_LABELS,
        **context,
    ), status


@bp.get("/stall-policy")
def policy() -> Any:
    """The policy in force, every earlier version, and a draft tried on past weeks."""
    if "from" not in request.args:
        return _page(what_if_form=default_what_if())
    form = request.args
    try:
        result = what_if(form)
    except RuleViolationError as error:
        return _page(422, what_if_errors=field_errors(error), what_if_form=form)
    return _page(what_if=result, what_if_form=form)


@bp.post("/stall-policy")
def change_policy() -> Any:
    """Change thresholds and the overdue grace, with a reason."""
    try:
        body = load_form(
            PolicyChangeSchema, request.form, expected_version=expected_version()
        )
        runtime().app.change_stall_policy(current_actor(), **body)
    except RuleViolationError as error:
        return _page(422, errors=field_errors(error), form=request.form)
    except ConflictError:
        return _page(409, conflict=STALE, form=request.form)
    return finish(N_("预警规则已更新"), "page_admin_policy.policy")
