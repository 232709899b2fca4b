"""The notifications page and the unread count in every page's header."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from web.pages.common import register_page_errors, runtime
from web.security import current_actor

bp = Blueprint("page_notifications", __name__)
register_page_errors(bp)


def unread_notifications() -> int:
    """The signed-in user's unread count (0 when signed out)."""
    if not current_user.is_authenticated:
        return 0
    return runtime().app.unread_notifications(current_actor())


@bp.get("/notifications")
def index() -> Any:
    """The user's newest notifications."""
    found = runtime().app.notifications(current_actor(), limit=100)
    return render_template("notifications.html", **found)


@bp.post("/notifications/read")
def read_all() -> Any:
    """Mark every notification read."""
    runtime().app.mark_notifications_read(current_actor())
    return redirect(url_for("page_notifications.index"))


@bp.post("/notifications/<notification_id>/open")
def open_one(notification_id: str) -> Any:
    """Mark one read and go to what it is about."""
    runtime().app.mark_notifications_read(current_actor(), [notification_id])
    link = request.form.get("link") or ""
    # Only the app's own pages: a notification links to a project or a 督办.
    if not link.startswith("/") or link.startswith("//"):
        link = url_for("page_notifications.index")
    return redirect(link)


def init_notification_pages(app: Any) -> None:
    """Register the page and the header's count."""
    app.register_blueprint(bp)
    app.add_template_global(unread_notifications)
