"""Admin pages: users and roles, and the reference lists (industries, zones)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from domain.errors import RuleViolationError
from domain.users import Role
from gxtrack.errors import ConflictError
from gxtrack.infra.accounts import MIN_PASSWORD
from gxtrack.readmodels.users.queries import all_users
from web.api.schemas.admin import (
    EntryCreateSchema,
    EntryRenameSchema,
    RoleChangeSchema,
    UserCreateSchema,
)
from web.commands import load_form
from web.i18n import N_, role_label
from web.pages.common import (
    field_errors,
    finish,
    reference,
    register_page_errors,
    runtime,
    text,
)
from web.security import current_actor, roles_required

bp = Blueprint("page_admin", __name__, url_prefix="/admin")
register_page_errors(bp)
bp.before_request(roles_required(Role.ADMIN)(lambda: None))


def _users_page(status: int = 200, **context: Any) -> Any:
    users = all_users(runtime().db, active_first=True)
    context.setdefault("form", {})
    context.setdefault("errors", {})
    context.setdefault("row_errors", {})
    return render_template(
        "admin_users.html",
        users=users,
        roles=list(Role),
        role_options=[(r.value, role_label(r)) for r in Role],
        ref=reference(),
        **context,
    ), status


@bp.get("/users")
def users() -> Any:
    """Everyone who can sign in, with role and zone."""
    return _users_page()


@bp.post("/users")
def add_user() -> Any:
    """Add a user with a first password."""
    rt = runtime()
    password = request.form.get("password") or ""
    try:
        if len(password) < MIN_PASSWORD:
            # Checked before the user exists, so a bad password adds nobody.
            raise RuleViolationError(f"密码至少 {MIN_PASSWORD} 位", "password")
        body = load_form(UserCreateSchema, request.form)
        user = rt.app.add_user(current_actor(), **body)
    except RuleViolationError as error:
        return _users_page(422, form=request.form, errors=field_errors(error))
    except ConflictError as error:
        return _users_page(409, form=request.form, errors={"name": error.message})
    rt.accounts.set_password(user["name"], password)
    return finish(f"用户 {user['name']} 已添加", "page_admin.users")


@bp.post("/users/<name>/role")
def change_role(name: str) -> Any:
    """Give a user another role or zone."""
    try:
        body = load_form(RoleChangeSchema, request.form)
        runtime().app.change_role(current_actor(), name, **body)
    except RuleViolationError as error:
        return _users_page(422, row_errors={f"{name}.{error.field}": error.message})
    return finish(f"用户 {name} 的角色已更新", "page_admin.users")


@bp.post("/users/<name>/active")
def set_active(name: str) -> Any:
    """Deactivate or reactivate a user."""
    active = text("active") == "1"
    try:
        if not active and name == current_actor().name and text("confirm") != "1":
            # Signing oneself out for good deserves a second look.
            raise RuleViolationError(N_("请勾选确认后再停用自己的账号"), "active")
        runtime().app.set_active(current_actor(), name, active)
    except RuleViolationError as error:
        return _users_page(422, row_errors={f"{name}.active": error.message})
    if not active:
        runtime().accounts.revoke_tokens(name)
    return finish(f"用户 {name} 已{'启用' if active else '停用'}", "page_admin.users")


def _reference_page(status: int = 200, **context: Any) -> Any:
    context.setdefault("form", {})
    context.setdefault("errors", {})
    return render_template("admin_reference.html", ref=reference(), **context), status


@bp.get("/reference")
def reference_data() -> Any:
    """The industry and zone lists."""
    return _reference_page()


@bp.post("/reference/<kind>")
def add_entry(kind: str) -> Any:
    """Add an industry or zone."""
    try:
        body = load_form(EntryCreateSchema, request.form)
        runtime().app.add_reference_entry(current_actor(), kind, **body)
    except RuleViolationError as error:
        return _reference_page(
            422,
            form={"kind": kind, **request.form},
            errors={f"{kind}.{error.field}": error.message},
        )
    return finish(N_("已新增"), "page_admin.reference_data")


@bp.post("/reference/<kind>/<code>")
def rename_entry(kind: str, code: str) -> Any:
    """Rename an industry or zone (projects keep the code)."""
    try:
        body = load_form(EntryRenameSchema, request.form)
        runtime().app.rename_reference_entry(current_actor(), kind, code, **body)
    except RuleViolationError as error:
        return _reference_page(422, errors={f"{kind}.{code}": error.message})
    return finish(N_("已改名"), "page_admin.reference_data")
