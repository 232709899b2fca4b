"""The stalled-projects page (停滞项目) and the alert mail outbox.

The list judges the pool for a date with the policy in force (the same rule as
the weekly scan); leaders may run the scan for a date from here. The outbox
shows the queued and sent digests, read-only, to leaders and admins.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from domain.clock import today
from domain.errors import RuleViolationError
from domain.stall import LEVELS
from domain.users import Role
from gxtrack.readmodels.alerts.queries import alert_metrics, list_scans, list_stalled
from gxtrack.readmodels.pool.queries import MAX_PAGE_SIZE, stalled_count
from gxtrack.readmodels.pool.queries import exemptions as pool_exemptions
from web.pages.common import (
    args_without,
    field_errors,
    finish,
    parse_date,
    parse_int,
    reference,
    register_page_errors,
    runtime,
    text,
)
from web.pages.pool import STALL_LABELS, officers
from web.pages.stall_actions import RULE_LABELS
from web.security import current_actor, roles_required

bp = Blueprint("page_stalled", __name__)
PAGE_SIZE = 50
register_page_errors(bp)


def _filters() -> dict[str, Any]:
    args = request.args
    level = args.get("level") or None
    if level not in (None, *LEVELS):
        raise RuleViolationError("预警级别只能是 yellow 或 red", "level")
    return {
        "as_of": parse_date(args.get("as_of"), "as_of", required=False),
        "level": level,
        "officer": args.get("officer") or None,
        "zone": args.get("zone") or None,
    }


def _page(status: int = 200, errors: dict[str, str] | None = None) -> Any:
    f = _filters()
    db = runtime().db
    page = parse_int(request.args.get("page"), "page") or 1
    size = parse_int(request.args.get("page_size"), "page_size") or PAGE_SIZE
    if page < 1:
        raise RuleViolationError("页码从 1 开始", "page")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise RuleViolationError(f"每页条数须在 1–{MAX_PAGE_SIZE} 之间", "page_size")
    day = f["as_of"] or today()
    listing = list_stalled(
        db, day, f["officer"], f["zone"], page, size, level=f["level"]
    )
    counts = stalled_count(db, day, f["officer"], f["zone"])
    return render_template(
        "stalled.html",
        f=f,
        day=day,
        items=listing["items"],
        total=listing["total"],
        page=page,
        pages=max(1, -(-listing["total"] // size)),
        args_without=args_without,
        by_level=counts["by_level"],
        policy_version=listing["policy_version"],
        scans=list_scans(db, limit=8)["items"],
        metrics=alert_metrics(db),
        officers=officers(),
        ref=reference(),
        stall_labels=STALL_LABELS,
        rule_labels=RULE_LABELS,
        can_scan=current_actor().is_leader,
        errors=errors or {},
        form=request.form,
    ), status


@bp.get("/stalled")
def index() -> Any:
    """The projects stalled on a date (default today), worst first."""
    return _page()


@bp.post("/stalled/scan")
@roles_required(Role.LEADER, Role.ADMIN)
def scan() -> Any:
    """Run the weekly scan for a date (leaders); a week already scanned is kept."""
    rt = runtime()
    try:
        as_of = parse_date(text("as_of"), "as_of", required=False)
        result, created = rt.app.run_stall_scan(current_actor(), as_of)
    except RuleViolationError as error:
        return _page(422, field_errors(error))
    if created:
        rt.wait_for_read_models()
        rt.app.queue_stall_digests(result)
        message = _(
            "扫描完成：新增预警 %(flagged)s 个，解除 %(cleared)s 个",
            flagged=len(result["flagged"]),
            cleared=len(result["cleared"]),
        )
    else:
        message = _("本周（%(week)s）已扫描，结果未变", week=result["week"])
    return finish(message, "page_stalled.index", as_of=result["as_of"])


@bp.get("/stalled/exemptions")
@roles_required(Role.AUDITOR, Role.LEADER, Role.ADMIN)
def exemptions() -> Any:
    """Every project's latest exemption (暂缓), those in force first."""
    day = today()
    rows = pool_exemptions(runtime().db, day)
    return render_template("stall_exemptions.html", rows=rows, day=day, ref=reference())


@bp.get("/stalled/outbox")
@roles_required(Role.LEADER, Role.ADMIN)
def outbox() -> Any:
    """The alert digests queued and sent (read-only)."""
    app = runtime().app
    return render_template(
        "outbox.html",
        messages=app.mail_messages(limit=200),
        readiness=app.mail_readiness(),
    )


@bp.get("/stalled/outbox/<message_id>")
@roles_required(Role.LEADER, Role.ADMIN)
def outbox_message(message_id: str) -> Any:
    """One digest as its plain-text part (escaped when shown)."""
    app = runtime().app
    msg = app.mail_message(message_id)
    if msg is None:
        abort(404)
    row = next((m for m in app.mail_messages(limit=1000) if m["id"] == message_id), {})
    return render_template(
        "outbox_message.html",
        row=row,
        headers={k: str(msg[k] or "") for k in ("From", "To", "Subject", "Date")},
        body=_plain_text(msg),
        attachments=[a.get_filename() or "" for a in msg.iter_attachments()],
    )


def _plain_text(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""
