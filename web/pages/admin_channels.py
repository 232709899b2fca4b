"""Admin page for the alert channels (预警推送渠道): list, add, remove, delivery.

Secrets are written once and never shown again; the list shows each channel's
host only (a robot URL carries its access token) and its latest delivery.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from domain.channels import KINDS
from domain.errors import RuleViolationError
from domain.users import Role
from gxtrack.errors import ConflictError, NotFoundError
from web.i18n import N_
from web.pages.common import (
    field_errors,
    finish,
    reference,
    register_page_errors,
    runtime,
    text,
)
from web.security import current_actor, roles_required

bp = Blueprint("page_channels", __name__, url_prefix="/admin")
register_page_errors(bp)
bp.before_request(roles_required(Role.ADMIN)(lambda: None))


def _page(status: int = 200, **context: Any) -> Any:
    app = runtime().app
    channels = app.list_channels()
    latest: dict[str, dict[str, Any]] = {}
    for message in app.mail_messages(limit=500):  # newest first
        if message.get("channel"):
            latest.setdefault(message["channel"], message)
    context.setdefault("errors", {})
    context.setdefault("form", {})
    return render_template(
        "admin_channels.html",
        channels=channels,
        latest=latest,
        kinds=KINDS,
        ref=reference(),
        **context,
    ), status


@bp.get("/channels")
def index() -> Any:
    """The channels and how their latest message fared."""
    return _page()


@bp.post("/channels")
def add() -> Any:
    """Add a channel."""
    try:
        runtime().app.add_channel(
            current_actor(),
            text("name"),
            text("kind"),
            text("url"),
            text("secret") or None,
            text("zone") or None,
        )
    except (RuleViolationError, ConflictError) as error:
        invalid = isinstance(error, RuleViolationError)
        errors = field_errors(error) if invalid else {"name": error.message}
        form = {k: v for k, v in request.form.items() if k != "secret"}
        return _page(422 if invalid else 409, errors=errors, form=form)
    return finish(N_("渠道已添加"), "page_channels.index")


@bp.post("/channels/<name>/remove")
def remove(name: str) -> Any:
    """Remove a channel."""
    try:
        runtime().app.remove_channel(current_actor(), name)
    except NotFoundError as error:
        return _page(404, errors={"remove": error.message})
    return finish(N_("渠道已删除"), "page_channels.index")
