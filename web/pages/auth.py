"""Login, logout and the language switch."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from web.i18n import COOKIE, LANGUAGES
from web.pages.common import register_page_errors, runtime
from web.security import SessionUser, throttle_of

bp = Blueprint("page_auth", __name__)
register_page_errors(bp, login_required=False)


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect a user to another site after login."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and "\\" not in target:
            return target
    return url_for("page_dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The login form; failures are counted per user and address."""
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(_safe_next(request.args.get("next")))
        return render_template("login.html", name="", error=None)
    name = (request.form.get("name") or "").strip()
    password = request.form.get("password") or ""
    address = request.remote_addr or "-"
    throttle = throttle_of(current_app)
    if throttle.blocked(name, address):
        message = _("登录失败次数过多，请 15 分钟后再试")
        return render_template("login.html", name=name, error=message), 429
    rt = runtime()
    actor = rt.app.actor_for(name) if name else None
    if actor is None or not rt.accounts.check_password(name, password):
        throttle.fail(name, address)
        message = _("用户名或密码错误，或账号已停用")
        return render_template("login.html", name=name, error=message), 401
    throttle.reset(name, address)
    session.clear()
    login_user(SessionUser(actor))
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/logout")
def logout() -> Any:
    """End the session (POST, so a link on another site cannot log you out)."""
    logout_user()
    session.clear()
    flash(_("已退出登录"), "success")
    return redirect(url_for("page_auth.login"))


@bp.get("/lang/<code>")
def switch_language(code: str) -> Any:
    """Remember the language in a cookie and go back."""
    response = redirect(_safe_next(request.args.get("next")))
    if code in LANGUAGES:
        response.set_cookie(
            COOKIE,
            code,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
    return response
