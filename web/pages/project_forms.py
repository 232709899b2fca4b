"""The register form (new project) and the edit form (revise details)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from domain.errors import RuleViolationError
from domain.permissions import can_change_project
from domain.stages import OPENING_STAGES, Priority
from domain.users import Role
from gxtrack.app.base import parse_id
from gxtrack.app.history import history
from gxtrack.app.projects import DuplicateProjectError
from gxtrack.errors import ConflictError
from gxtrack.readmodels.enterprises.queries import enterprise_choices
from web.commands import PROJECT_COMMANDS, REGISTER_SCHEMA, load_form
from web.commands import register as register_command
from web.i18n import N_, priority_label, stage_label
from web.pages.common import (
    expected_version,
    field_errors,
    finish,
    parse_int,
    people,
    reference,
    register_page_errors,
    runtime,
)
from web.pages.history_view import readable
from web.pages.pool import officers
from web.security import current_actor, roles_required

bp = Blueprint("page_forms", __name__)
register_page_errors(bp)

CHANGERS = (Role.ADMIN, Role.LEADER, Role.OFFICER)


def _form_page(template: str, status: int = 200, **context: Any) -> Any:
    return render_template(
        template,
        ref=reference(),
        priority_options=[(p.value, priority_label(p.value)) for p in Priority],
        opening_options=[(s.value, stage_label(s.value)) for s in OPENING_STAGES],
        officer_options=people().options(officers()),
        enterprise_choices=enterprise_choices(runtime().db),
        **context,
    ), status


@bp.route("/projects/new", methods=["GET", "POST"])
@roles_required(*CHANGERS)
def register() -> Any:
    """Register a new project (在谈 or 签约)."""
    actor = current_actor()
    if request.method == "GET":
        form = {"officer": actor.name, "zone": actor.zone or ""}
        return _form_page("project_new.html", form=form, errors={})
    try:
        body = load_form(REGISTER_SCHEMA, request.form)
        project = register_command(actor, runtime().app, body)
    except RuleViolationError as error:
        return _form_page(
            "project_new.html", 422, form=request.form, errors=field_errors(error)
        )
    except DuplicateProjectError as error:
        return _form_page(
            "project_new.html",
            409,
            form=request.form,
            errors={},
            duplicates=error.duplicates,
            duplicate_message=error.message,
        )
    return finish(N_("项目已登记"), "page_project.show", project_id=project["id"])


EDIT_CONFLICT = N_(
    "您编辑期间此项目已被他人修改（见下方），您的填写已保留，核对后可再次保存"
)  # noqa: E501


def _conflict_page(project: dict[str, Any], typed: dict[str, str]) -> Any:
    """The edit form again: what the user typed kept, the other change shown.

    The form now carries the current version, so saving again after reading
    the other change is a deliberate decision rather than another conflict.
    """
    read_at = parse_int(typed.get("expected_version"), "expected_version") or 0
    app = runtime().app
    others = [
        item
        for item in history(app, parse_id(project["id"]))
        if item["version"] > read_at
    ]
    typed["expected_version"] = str(project["version"])
    return _form_page(
        "project_edit.html",
        409,
        p=project,
        form=typed,
        errors={},
        conflict=EDIT_CONFLICT,
        others=readable(others, reference()),
    )


@bp.route("/projects/<project_id>/edit", methods=["GET", "POST"])
@roles_required(*CHANGERS)
def edit(project_id: str) -> Any:
    """Revise a project's details with a reason; history keeps before → after."""
    rt = runtime()
    project = rt.app.get_project(project_id)
    actor = current_actor()
    if not can_change_project(actor, project["officer"], project["zone"]):
        abort(403)
    if request.method == "GET":
        form = dict(project)
        if project["enterprise_id"]:  # shown as the code people type, not the id
            form["enterprise_id"] = rt.app.get_enterprise(project["enterprise_id"])[
                "uscc"
            ]
        return _form_page("project_edit.html", p=project, form=form, errors={})
    revise = PROJECT_COMMANDS["revise"]
    try:
        version = expected_version()
        body = load_form(revise.schema, request.form, expected_version=version)
        revise.call(actor, rt.app, project_id, body)
    except RuleViolationError as error:
        return _form_page(
            "project_edit.html",
            422,
            p=project,
            form=request.form,
            errors=field_errors(error),
        )
    except ConflictError:
        return _conflict_page(project, request.form.to_dict())
    return finish(N_("项目信息已修改"), "page_project.show", project_id=project_id)
