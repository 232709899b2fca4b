"""The signed-in user's own account: changing one's password (current one required)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from domain.errors import RuleViolationError
from web.i18n import N_
from web.pages.common import field_errors, finish, register_page_errors, runtime
from web.security import current_actor

bp = Blueprint("page_account", __name__, url_prefix="/account")
register_page_errors(bp)


def _form(status: int = 200, errors: dict[str, str] | None = None) -> Any:
    return render_template("account_password.html", errors=errors or {}), status


@bp.get("/password")
def password() -> Any:
    """The change-password form."""
    return _form()


@bp.post("/password")
def change_password() -> Any:
    """Set a new password once the current one is given (stored hashed)."""
    accounts = runtime().accounts
    name = current_actor().name
    current = request.form.get("current") or ""
    new = request.form.get("password") or ""
    try:
        if not accounts.check_password(name, current):
            raise RuleViolationError(N_("当前密码不正确"), "current")
        if new != (request.form.get("repeat") or ""):
            raise RuleViolationError(N_("两次输入的新密码不一致"), "repeat")
        if new == current:
            raise RuleViolationError(N_("新密码不能与当前密码相同"), "password")
        accounts.set_password(name, new)
    except RuleViolationError as error:
        return _form(422, field_errors(error))
    return finish(N_("密码已更新"), "page_account.password")
