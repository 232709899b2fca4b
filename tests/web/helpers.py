"""What the web tests share: users who can sign in, signing in through the login
form (a test client, with or without its CSRF token, or real Chromium), the
browser, a store served on a free port, and a sample project.

The browser is Debian's Chromium driven by Playwright: skipped (with the reason)
when it is missing, except in CI (CI=true), where that is a failure.
Screenshots go to test-artifacts/browser/ (gitignored). The `browser` and
`server` fixtures are imported by name by the modules that use them.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from domain.clock import today
from domain.permissions import Actor
from gxtrack.bootstrap import Runtime
from gxtrack.settings import Settings
from web.app import create_app

PASSWORD = "pass-word-1"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


# -- users and signing in -----------------------------------------------------


@cache
def password_hash() -> str:
    """The hash of PASSWORD, computed once."""
    return generate_password_hash(PASSWORD)


def give_passwords(runtime: Runtime, *names: str) -> None:
    """Let each user sign in with PASSWORD.

    scrypt takes ~0.25 s a hash: hashed once per session, stored for everyone.
    """
    with runtime.db.transaction() as cur:
        cur.executemany(
            "INSERT INTO acc_passwords (name, hash, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET hash = excluded.hash",
            [(name, password_hash(), "2026-01-01") for name in names],
        )


def add_users(runtime: Runtime, *users: tuple[str, str], email: bool = False) -> None:
    """Add each (name, role) with PASSWORD; `email`: name@example.test as theirs."""
    for name, role in users:
        address = f"{name}@example.test" if email else ""
        runtime.app.add_user(Actor.system(), name, role, None, "", address)
    give_passwords(runtime, *(name for name, _role in users))


def login(client: FlaskClient, name: str, password: str = PASSWORD) -> Any:
    """Sign in through the login form (CSRF-off apps)."""
    return client.post("/login", data={"name": name, "password": password})


def login_with_token(client: FlaskClient, name: str, password: str = PASSWORD) -> Any:
    """Sign in through the login form with the CSRF token it carries."""
    token = csrf_token(page_text(client.get("/login")))
    form = {"name": name, "password": password, "csrf_token": token}
    return client.post("/login", data=form)


def csrf_token(html: str) -> str:
    """The CSRF token embedded in a rendered form."""
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in page"
    return match.group(1)


def page_text(response: Any) -> str:
    """A response body as text."""
    return response.get_data(as_text=True)


# -- a sample project -----------------------------------------------------------


def register(
    runtime: Runtime, name: str = "【示例】智能装备项目", **fields: Any
) -> dict:
    """Register a project through the application (as `officer` unless `actor`)."""
    actor = runtime.app.actor_for(fields.pop("actor", "officer"))
    values = {
        "name": name,
        "investor": "某某科技有限公司",
        "industry": "robotics",
        "zone": "wzedz",
        "planned_investment": "12000",
        "stage_date": today(),
        **fields,
    }
    project = runtime.app.register_project(actor, **values)
    runtime.wait_for_read_models()
    return project


# -- real Chromium against a served store ---------------------------------------


def require_chromium() -> None:
    """Skip without Debian's chromium; fail in CI."""
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} not found: install Debian's chromium to run browser tests"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(name="browser")
def browser_fixture() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        yield browser
        browser.close()


def browser_runtime(
    tmp_path: Path, *users: tuple[str, str], email: bool = False
) -> Runtime:
    """A Runtime over a fresh SQLite store with these users (see `add_users`)."""
    runtime = Runtime.open(Settings(data_dir=tmp_path / "var"))
    add_users(runtime, *users, email=email)
    return runtime


@pytest.fixture(name="server")
def server_fixture(tmp_path: Path) -> Iterator[tuple[str, Runtime]]:
    """A server over a fresh SQLite store with a leader and an officer."""
    runtime = browser_runtime(tmp_path, ("leader", "leader"), ("officer", "officer"))
    runtime.wait_for_read_models()
    with serving(runtime) as base:
        yield base, runtime
    runtime.close()


@contextmanager
def serving_project(
    tmp_path: Path,
    users: tuple[tuple[str, str], ...],
    email: bool = False,
    **project: Any,
) -> Iterator[tuple[str, Runtime, str]]:
    """A served store with these users and one project (see `register`):
    yields the server's URL, the runtime and the project's id."""
    runtime = browser_runtime(tmp_path, *users, email=email)
    try:
        project_id = register(runtime, **project)["id"]
        with serving(runtime) as base:
            yield base, runtime, project_id
    finally:
        runtime.close()


@contextmanager
def serving(runtime: Runtime, flask_app: Flask | None = None) -> Iterator[str]:
    """A waitress server for `runtime` on a free 127.0.0.1 port; yields its URL."""
    from waitress import create_server

    flask_app = flask_app or create_app(runtime)
    server = create_server(flask_app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=5)


def shot(page: Any, name: str) -> None:
    """Save a full-page screenshot for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def console_errors(page: Any) -> list[str]:
    """Collect console errors (CSP violations, missing assets), not our own 4xx."""
    errors: list[str] = []

    def note(message: Any) -> None:
        expected = "status of 422" in message.text or "status of 409" in message.text
        if message.type == "error" and not expected:
            errors.append(message.text)

    page.on("console", note)
    return errors


def sign_in(page: Any, base: str, name: str) -> None:
    """Log in through the form in the browser."""
    page.goto(f"{base}/login")
    page.fill("#f-name", name)
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
