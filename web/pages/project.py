"""The project page: state, timeline, decision history, and the allowed actions.

Every action form carries `expected_version`; a stale submit is refused with a
conflict message and changes nothing. Rule violations re-render the page with
the message next to the field.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from domain.actions import ProjectFacts, allowed_actions
from domain.errors import RuleViolationError
from domain.stages import FORWARD, Stage
from gxtrack.app.base import parse_id
from gxtrack.app.history import history
from gxtrack.errors import ConflictError
from gxtrack.readmodels.pool.queries import merge_candidates, stage_rows
from web.commands import PROJECT_COMMANDS, load_form
from web.i18n import N_
from web.pages.common import (
    STALE,
    expected_version,
    field_errors,
    finish,
    reference,
    register_page_errors,
    runtime,
)
from web.pages.history_view import readable
from web.pages.pool import STALL_LABELS, officers
from web.pages.stall_actions import (
    RULE_LABELS,
    alert_lifecycle,
)
from web.security import current_actor

bp = Blueprint("page_project", __name__)
register_page_errors(bp)


def _stage_rows(project_id: str) -> list[dict[str, Any]]:
    return stage_rows(runtime().db, project_id)


def render_project(
    project_id: str,
    errors: dict[str, dict[str, str]] | None = None,
    open_action: str | None = None,
    conflict: str | None = None,
    status: int = 200,
) -> Any:
    """The project page, optionally with one action's form errors shown."""
    rt = runtime()
    project = rt.app.get_project(project_id)
    actor = current_actor()
    stage = Stage(project["stage"])
    actions = allowed_actions(actor, ProjectFacts.of(project))
    return render_template(
        "project.html",
        p=project,
        ref=reference(),
        history=readable(history(rt.app, parse_id(project["id"])), reference()),
        intervals=_stage_rows(project["id"]),
        actions=actions,
        alerts=alert_lifecycle(project["id"]),
        forward=FORWARD,
        next_stage=stage.next(),
        earlier=[s for s in FORWARD if 0 <= s.rank < stage.rank],
        reached=[s for s in FORWARD if s.value in project["stage_dates"]],
        officers=officers(),
        errors=errors or {},
        open_action=open_action,
        form=request.form if request.method == "POST" else {},
        conflict=conflict,
        stall_labels=STALL_LABELS,
        rule_labels=RULE_LABELS,
        merge_into=_merge_candidates(project) if "merge" in actions else [],
    ), status


def _merge_candidates(project: dict[str, Any]) -> list[dict[str, Any]]:
    return merge_candidates(
        runtime().db, project["id"], project["name"], project["investor"]
    )


@bp.get("/projects/<project_id>")
def show(project_id: str) -> Any:
    """The project page."""
    return render_project(project_id)


# Page action → (shared command, values the form does not carry, message).
ACTIONS: dict[str, tuple[str, dict[str, str], str]] = {
    "move": ("stage", {}, N_("阶段已更新")),
    "correct": ("stage", {}, N_("阶段已更正")),
    "withdraw": ("stage", {"to": Stage.WITHDRAWN.value}, N_("项目已终止")),
    "progress": ("progress", {}, N_("推进情况已记录")),
    "reinstate": ("reinstate", {}, N_("项目已恢复")),
    "reassign": ("reassign", {}, N_("责任人已调整")),
    "plan": ("plan", {}, N_("计划节点已调整")),
    "redate": ("redate", {}, N_("阶段日期已更正")),
    "answer": ("answer", {}, N_("预警回复已记录")),
    "escalate": ("escalate", {}, N_("已督办")),
    "exempt": ("exempt", {}, N_("已暂缓预警")),
    "merge": ("merge", {}, N_("已合并至保留的项目")),
}
# A merge cannot be undone: the form asks for an explicit tick as well.
CONFIRMED = {"merge": ("confirm", N_("请勾选确认合并"))}


@bp.post("/projects/<project_id>/actions/<action>")
def act(project_id: str, action: str) -> Any:
    """Run one action from the project page, then show the page again."""
    if action not in ACTIONS:
        abort(404)
    name, fixed, message = ACTIONS[action]
    command = PROJECT_COMMANDS[name]
    try:
        if action in CONFIRMED and not request.form.get(CONFIRMED[action][0]):
            field, text = CONFIRMED[action]
            raise RuleViolationError(_(text), field)
        version = expected_version()
        body = load_form(
            command.schema, request.form, expected_version=version, **fixed
        )
        command.call(current_actor(), runtime().app, project_id, body)
    except RuleViolationError as error:
        return render_project(
            project_id, {action: field_errors(error)}, action, status=422
        )
    except ConflictError:
        return render_project(project_id, conflict=STALE, status=409)
    return finish(message, "page_project.show", project_id=project_id)
