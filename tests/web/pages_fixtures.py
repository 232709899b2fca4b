"""Fixtures for the page tests: an app on a memory store with one user per role.

Imported by the tests/web/test_pages_*.py modules (kept out of conftest.py so the
API tests' fixtures and these stay independent).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
USERS = (
    ("admin", "admin", None),
    ("leader", "leader", None),
    ("officer", "officer", None),
    ("officer_mudu", "officer", "mudu"),
    ("viewer", "viewer", None),
    ("auditor", "auditor", None),
)
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@cache
def password_hash() -> str:
    """The hash of PASSWORD, computed once."""
    return generate_password_hash(PASSWORD)


@pytest.fixture(name="page_runtime")
def page_runtime_fixture(tmp_path: Path) -> Iterator[Runtime]:
    """A Runtime on the memory store with a user of every role."""
    runtime = Runtime.open(Settings(data_dir=tmp_path, database_url="memory://"))
    system = Actor.system()
    for name, role, zone in USERS:
        runtime.app.add_user(system, name, role, zone)
    # scrypt takes ~0.25 s a hash: hash once per session, store it for everyone.
    with runtime.db.transaction() as cur:
        cur.executemany(
            "INSERT INTO acc_passwords (name, hash, updated_at) VALUES (?, ?, ?)",
            [(name, password_hash(), "2026-01-01") for name, _, _ in USERS],
        )
    runtime.wait_for_read_models()
    yield runtime
    runtime.close()


@pytest.fixture(name="app")
def app_fixture(page_runtime: Runtime) -> Flask:
    """The app with CSRF off (most tests); see `csrf_app` for CSRF on."""
    return create_app(page_runtime, {"TESTING": True, "WTF_CSRF_ENABLED": False})


@pytest.fixture(name="csrf_app")
def csrf_app_fixture(page_runtime: Runtime) -> Flask:
    """The app with CSRF checks on, as in production."""
    return create_app(page_runtime, {"TESTING": True})


@pytest.fixture(name="client")
def client_fixture(app: Flask) -> FlaskClient:
    """A test client (not signed in)."""
    return app.test_client()


def login(client: FlaskClient, name: str, password: str = PASSWORD) -> Any:
    """Sign in through the login form (CSRF-off apps)."""
    return client.post("/login", data={"name": name, "password": password})


def csrf_token(html: str) -> str:
    """The CSRF token embedded in a rendered form."""
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in page"
    return match.group(1)


def register(
    runtime: Runtime, name: str = "【示例】智能装备项目", **fields: Any
) -> dict:
    """Register a project directly through the application (as `officer`)."""
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


def page_text(response: Any) -> str:
    """A response body as text."""
    return response.get_data(as_text=True)
