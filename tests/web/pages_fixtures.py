"""Fixtures for the page tests: an app on a memory store with one user per role.

Imported by the tests/web/test_pages_*.py modules (kept out of conftest.py so the
API tests' fixtures and these stay independent).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.permissions import Actor
from gxtrack.bootstrap import Runtime
from gxtrack.settings import Settings
from tests.web.helpers import (
    PASSWORD,
    csrf_token,
    give_passwords,
    login,
    login_with_token,
    page_text,
    password_hash,
    register,
)
from web.app import create_app

USERS = (
    ("admin", "admin", None),
    ("leader", "leader", None),
    ("officer", "officer", None),
    ("officer_mudu", "officer", "mudu"),
    ("viewer", "viewer", None),
    ("auditor", "auditor", None),
)
# The page tests import the shared helpers from here along with the fixtures.
__all__ = [
    "PASSWORD",
    "USERS",
    "app_fixture",
    "client_fixture",
    "csrf_app_fixture",
    "csrf_token",
    "login",
    "login_with_token",
    "page_runtime_fixture",
    "page_text",
    "password_hash",
    "register",
]


@pytest.fixture(name="page_runtime")
def page_runtime_fixture(tmp_path: Path) -> Iterator[Runtime]:
    """A Runtime on the memory store with a user of every role."""
    runtime = Runtime.open(Settings(data_dir=tmp_path, database_url="memory://"))
    system = Actor.system()
    for name, role, zone in USERS:
        runtime.app.add_user(system, name, role, zone)
    give_passwords(runtime, *(name for name, _, _ in USERS))
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
