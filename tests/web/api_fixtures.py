"""Fixtures for the JSON API tests: an app on a SQLite store, users and tokens.

Test modules import the `*_fixture` functions they need (pytest finds fixtures by
their `name=`, so the test parameters do not shadow the imports).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.clock import today
from domain.permissions import Actor
from gxtrack.bootstrap import Runtime
from gxtrack.settings import Settings
from web.app import create_app

API = "/api/v1"
# name → (role, zone): every role, and officers with and without a zone scope.
USERS = {
    "admin1": ("admin", None),
    "leader1": ("leader", None),
    "officer1": ("officer", None),
    "officer2": ("officer", None),
    "zoneofficer": ("officer", "mudu"),
    "luzhiofficer": ("officer", "luzhi"),
    "viewer1": ("viewer", None),
    "auditor1": ("auditor", None),
}
TODAY = today()


def days_ago(n: int) -> str:
    """A business date `n` days before today, as YYYY-MM-DD."""
    return (TODAY - timedelta(days=n)).isoformat()


@pytest.fixture(name="api_runtime")
def api_runtime_fixture(sqlite_settings: Settings) -> Iterator[Runtime]:
    """A Runtime on a fresh SQLite data directory."""
    rt = Runtime.open(sqlite_settings)
    yield rt
    rt.close()


@pytest.fixture(name="api_app")
def api_app_fixture(api_runtime: Runtime) -> Flask:
    """The web app around `api_runtime`."""
    return create_app(api_runtime, {"TESTING": True})


@pytest.fixture(name="client")
def client_fixture(api_app: Flask) -> FlaskClient:
    """A test client of the app."""
    return api_app.test_client()


@pytest.fixture(name="tokens")
def tokens_fixture(api_runtime: Runtime) -> dict[str, dict[str, str]]:
    """Authorization headers per user name in USERS."""
    system = Actor.system()
    headers = {}
    for name, (role, zone) in USERS.items():
        api_runtime.app.add_user(system, name, role, zone)
        token = api_runtime.accounts.issue_token(name)
        headers[name] = {"Authorization": f"Bearer {token}"}
    api_runtime.wait_for_read_models()
    return headers


def project_body(**overrides: Any) -> dict[str, Any]:
    """A valid POST /projects body."""
    body: dict[str, Any] = {
        "name": "【示例】智能装备产业园项目",
        "investor": "【示例】某某科技有限公司",
        "industry": "robotics",
        "zone": "mudu",
        "planned_investment": "12345.6789",
        "stage_date": days_ago(30),
        # Tests register many alike projects on purpose (see test_duplicates.py).
        "confirm_duplicate": True,
    }
    body.update(overrides)
    return body


def register(
    client: FlaskClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    """Register a project through the API and return it."""
    response = client.post(
        f"{API}/projects", json=project_body(**overrides), headers=headers
    )
    assert response.status_code == 201, response.json
    return response.json


def events_of(runtime: Runtime, aggregate_id: str) -> list[str]:
    """The event class names recorded for one aggregate, in order."""
    from uuid import UUID

    return [type(e).__name__ for e in runtime.app.events.get(UUID(aggregate_id))]


def pool_row(runtime: Runtime, project_id: str) -> dict[str, Any] | None:
    """The project's row in the pool read model."""
    return runtime.db.fetchone("SELECT * FROM rm_projects WHERE id = ?", (project_id,))
