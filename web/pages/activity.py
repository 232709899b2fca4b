"""The activity log page: every decision, filtered by person, action, kind and
dates (Beijing time), newest first, and its .xlsx export."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, Response, render_template, request

from gxtrack.app.activity import KIND_LABELS, activity_filter
from gxtrack.app.history import EVENT_LABELS
from gxtrack.app.reports.activity_xlsx import write_activity_xlsx
from gxtrack.readmodels.activity.queries import ActivityFilter
from gxtrack.readmodels.users.queries import all_users
from web.pages.common import (
    args_without,
    parse_date,
    parse_int,
    register_page_errors,
    runtime,
)
from web.security import current_actor

bp = Blueprint("page_activity", __name__)
register_page_errors(bp)
PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filter() -> ActivityFilter:
    args = request.args
    return activity_filter(
        actor=(args.get("actor") or "").strip(),
        type=(args.get("type") or "").strip(),
        kind=(args.get("kind") or "").strip(),
        since=parse_date(args.get("from"), "from", False),
        until=parse_date(args.get("to"), "to", False),
    )


@bp.get("/audit/activity")
def index() -> Any:
    """One page of the activity log."""
    rt = runtime()
    rt.wait_for_read_models()
    f = _filter()
    page = max(1, parse_int(request.args.get("page"), "page") or 1)
    found = rt.app.activity(current_actor(), f, page, PAGE_SIZE)
    return render_template(
        "activity.html",
        f=f,
        result=found,
        page=page,
        pages=max(1, -(-found["total"] // PAGE_SIZE)),
        users=all_users(rt.db),
        types=sorted(EVENT_LABELS.items(), key=lambda kv: kv[1][0]),
        kinds=KIND_LABELS,
        args_without=args_without,
    )


@bp.get("/audit/activity.xlsx")
def export_xlsx() -> Response:
    """The filtered activity log as an .xlsx workbook."""
    rt = runtime()
    rt.wait_for_read_models()
    items = rt.app.activity_export(current_actor(), _filter())
    buffer = io.BytesIO()
    write_activity_xlsx(items, buffer)
    return Response(
        buffer.getvalue(),
        mimetype=XLSX,
        headers={
            "Content-Disposition": "attachment; filename=activity.xlsx;"
            " filename*=UTF-8''%E6%93%8D%E4%BD%9C%E8%AE%B0%E5%BD%95.xlsx"
        },
    )
