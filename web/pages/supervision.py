"""督办 pages: issue from the project page, the printable 督办单 with its reply and
办结 forms, and the 督办 overview (leaders see all, officers their own).

Every form runs the same use case as the API; who may press which button is
asked of domain.permissions, the same rule the use case enforces.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from domain.clock import today
from domain.errors import RuleViolationError
from domain.permissions import can_change_project
from domain.supervision import TIMING_LABELS, TIMINGS, Status
from gxtrack.errors import ConflictError
from gxtrack.readmodels.supervision.queries import Scope, list_supervisions
from web.api.schemas.supervision import SupervisionIssueSchema, SupervisionNoteSchema
from web.commands import load_form
from web.i18n import N_
from web.pages.common import (
    args_without,
    field_errors,
    finish,
    parse_date,
    reference,
    register_page_errors,
    runtime,
)
from web.security import current_actor

bp = Blueprint("page_supervision", __name__)
register_page_errors(bp)

UNIT_SPLIT = re.compile(r"[,，、;；\n]+")
STEPS = {
    "reply": ("reply_supervision", N_("督办回复已提交")),
    "send-back": ("send_back_supervision", N_("督办已退回重办")),
    "close": ("close_supervision", N_("督办已办结")),
}


def actor_scope() -> Scope | None:
    """What an officer sees: their own projects or their zone; None for the rest."""
    actor = current_actor()
    if actor.is_leader or actor.role.value in ("viewer", "auditor"):
        return None
    return Scope(actor.name, actor.zone)


def project_supervisions(project: dict[str, Any]) -> dict[str, Any]:
    """The project page's 督办 card: its 督办 and whether a new one may be issued."""
    actor = current_actor()
    items = list_supervisions(
        runtime().db, today(), project_id=project["id"], page_size=200
    )["items"]
    return {
        "items": items,
        "may_issue": actor.is_leader
        and project["stage"] != "withdrawn"
        and not project.get("merged_into"),
    }


@bp.post("/projects/<project_id>/supervisions")
def issue(project_id: str) -> Any:
    """Issue a 督办 from the project page."""
    units = [
        u.strip()
        for key in ("lead_unit", "partner_units")
        for u in UNIT_SPLIT.split(request.form.get(key) or "")
        if u.strip()
    ]
    try:
        body = load_form(SupervisionIssueSchema, request.form, units=units)
        made = runtime().app.issue_supervision(
            current_actor(),
            project_id,
            body["requirement"],
            body["due_on"],
            body["units"],
        )
    except RuleViolationError as error:
        for message in field_errors(error).values():
            flash(message, "error")
        return redirect(url_for("page_project.show", project_id=project_id) + "#sv")
    return finish(N_("督办已下达"), "page_supervision.show", supervision_id=made["id"])


@bp.get("/supervisions/<supervision_id>")
def show(supervision_id: str) -> Any:
    """The printable 督办单, with the forms the user may use (not printed)."""
    s = runtime().app.supervision(supervision_id)
    actor = current_actor()
    open_ = s["status"] != Status.CLOSED.value
    return render_template(
        "supervision.html",
        s=s,
        zone_name=reference().zones.get(s["zone"], s["zone"]),
        may_reply=open_
        and s["officer"] is not None
        and can_change_project(actor, s["officer"], s["zone"]),
        may_close=open_ and actor.is_leader,
        may_send_back=s["status"] == Status.REPLIED.value and actor.is_leader,
    )


@bp.post("/supervisions/<supervision_id>/<step>")
def act(supervision_id: str, step: str) -> Any:
    """Reply, send back or close from the 督办单 page."""
    if step not in STEPS:
        return redirect(url_for("page_supervision.show", supervision_id=supervision_id))
    use_case, message = STEPS[step]
    try:
        body = load_form(SupervisionNoteSchema, request.form)
        getattr(runtime().app, use_case)(current_actor(), supervision_id, body["note"])
    except (RuleViolationError, ConflictError) as error:
        flash(error.message, "error")
        return redirect(url_for("page_supervision.show", supervision_id=supervision_id))
    return finish(message, "page_supervision.show", supervision_id=supervision_id)


@bp.get("/supervisions")
def index() -> Any:
    """The 督办 overview: counts by timing and the list, filtered."""
    as_of = parse_date(request.args.get("as_of"), "as_of", required=False) or today()
    status = request.args.get("status") or "pending"
    if status not in ("pending", "all", *[s.value for s in Status]):
        status = "pending"
    timing = request.args.get("timing") or None
    if timing not in TIMINGS:
        timing = None
    scope = actor_scope()
    db = runtime().db
    everything = list_supervisions(
        db,
        as_of,
        status=None if status == "all" else status,
        scope=scope,
        page_size=10**6,
    )["items"]
    counts = {t: sum(1 for i in everything if i["timing"] == t) for t in TIMINGS}
    items = [i for i in everything if timing in (None, i["timing"])]
    chart = [
        {"label": TIMING_LABELS[t], "count": counts[t], "cls": f"timing-{t}"}
        for t in TIMINGS
    ]
    return render_template(
        "supervisions.html",
        items=items,
        counts=counts,
        chart=chart,
        status=status,
        timing=timing,
        as_of=as_of,
        scoped=scope is not None,
        zones=reference().zones,
        args_without=args_without,
        timing_labels=TIMING_LABELS,
        statuses=[(s.value, s.label) for s in Status],
    )


def init_supervision_pages(app: Any) -> None:
    """Register the blueprint and the project page's card helper."""
    app.register_blueprint(bp)
    app.add_template_global(project_supervisions)
