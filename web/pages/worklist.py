"""我的待办: each officer's (or leader's) work list, one page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from web.pages.common import reference, register_page_errors, runtime
from web.pages.pool import STALL_LABELS
from web.security import current_actor

bp = Blueprint("page_worklist", __name__)
register_page_errors(bp)


@bp.get("/todo")
def index() -> Any:
    """The signed-in user's work list."""
    work = runtime().app.work_list(current_actor())
    return render_template(
        "todo.html", w=work, zones=reference().zones, stall_labels=STALL_LABELS
    )
