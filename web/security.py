"""Page security: Flask-Login sessions, CSRF on forms, cookie flags, throttling, CSP.

The JSON API under /api/ authenticates with bearer tokens, so CSRF (a cookie
attack) does not apply there; every other state-changing request must carry the
form's CSRF token.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, Response, abort, redirect, request, url_for
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect

from domain.permissions import Actor
from domain.users import Role
from gxtrack.infra.db import Database

API_PREFIX = "/api/"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


class SessionUser(UserMixin):
    """The signed-in person, as Flask-Login sees them; wraps an Actor."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor

    def get_id(self) -> str:
        """The session key: the user name."""
        return self.actor.name

    @property
    def name(self) -> str:
        """The user name."""
        return self.actor.name

    @property
    def role(self) -> Role:
        """The user's role."""
        return self.actor.role

    @property
    def can_change(self) -> bool:
        """Whether the role may change anything at all."""
        return self.actor.role in (Role.ADMIN, Role.LEADER, Role.OFFICER)


class LoginThrottle:
    """At most MAX_FAILURES failed logins per user and address in WINDOW_SECONDS.

    Failures are rows in `acc_login_failures`, so every worker process (and a
    restarted one) sees the same count: a count in each process's memory let
    N gunicorn workers allow N times the attempts. Only the name tried and the
    client address are kept, never a password.
    """

    def __init__(
        self,
        db: Database,
        limit: int = MAX_FAILURES,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.time,  # wall clock: shared by processes
    ) -> None:
        self.db = db
        self.limit = limit
        self.window = window
        self.clock = clock

    def blocked(self, name: str, address: str) -> bool:
        """Whether this user and address must wait before trying again."""
        count = self.db.scalar(
            "SELECT COUNT(*) AS n FROM acc_login_failures"
            " WHERE name = ? AND address = ? AND failed_at > ?",
            (name, address, self.clock() - self.window),
        )
        return int(count or 0) >= self.limit

    def fail(self, name: str, address: str) -> None:
        """Count one failed attempt (and forget those past the window)."""
        now = self.clock()
        with self.db.transaction() as cur:
            cur.execute(
                "DELETE FROM acc_login_failures WHERE failed_at <= ?",
                (now - self.window,),
            )
            cur.execute(
                "INSERT INTO acc_login_failures (name, address, failed_at)"
                " VALUES (?, ?, ?)",
                (name, address, now),
            )

    def reset(self, name: str, address: str) -> None:
        """Forget the failures after a successful login."""
        with self.db.transaction() as cur:
            cur.execute(
                "DELETE FROM acc_login_failures WHERE name = ? AND address = ?",
                (name, address),
            )


def current_actor() -> Actor:
    """The Actor behind the current request (pages only; login is required)."""
    return current_user.actor


def roles_required(*roles: Role) -> Callable:
    """View decorator: 403 unless the signed-in user has one of `roles`."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def require_login() -> Any:
    """A blueprint before_request hook: send anonymous visitors to the login page."""
    if not current_user.is_authenticated:
        return redirect(url_for("page_auth.login", next=request.full_path.rstrip("?")))
    return None


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.lower() in ("1", "true", "yes")


def init_security(app: Flask) -> None:
    """Sessions, CSRF for non-API paths, cookie flags, throttle and headers."""
    secure = app.config.get(
        "SESSION_COOKIE_SECURE", _env_flag("GXTRACK_SECURE_COOKIES", False)
    )
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    # Flask's default is None (no attribute); Lax unless a test config says otherwise.
    app.config["SESSION_COOKIE_SAMESITE"] = (
        app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    )
    app.config["SESSION_COOKIE_SECURE"] = secure
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("REMEMBER_COOKIE_SECURE", secure)
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", 8 * 3600)
    # CSRF is checked below for page requests only, not by default everywhere.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    csrf = CSRFProtect(app)
    app.extensions["gxtrack_throttle"] = LoginThrottle(app.extensions["gxtrack"].db)

    login = LoginManager(app)
    login.login_view = "page_auth.login"
    login.login_message = "请先登录"
    login.session_protection = "strong"

    @login.user_loader
    def load_user(name: str) -> SessionUser | None:
        actor = app.extensions["gxtrack"].app.actor_for(name)
        return SessionUser(actor) if actor else None

    @app.before_request
    def check_csrf() -> None:
        if request.path.startswith(API_PREFIX):
            return
        if request.routing_exception is not None:
            return  # no view runs: the 404 or 405 (with Allow) is the answer
        if app.config.get("WTF_CSRF_ENABLED", True) and request.method not in (
            "GET",
            "HEAD",
            "OPTIONS",
        ):
            csrf.protect()

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        if not request.path.startswith(API_PREFIX):
            headers.setdefault("Content-Security-Policy", CSP)
            if not request.path.startswith("/static/"):
                # Pages and exports show bureau data: keep them out of shared caches.
                headers.setdefault("Cache-Control", "no-store")
        return response


def throttle_of(app: Flask) -> LoginThrottle:
    """The app's login throttle."""
    return app.extensions["gxtrack_throttle"]
