"""Fixtures for the fault tests: stores for `gxtrack` subprocesses, a private
PostgreSQL cluster a test may stop and start, and gunicorn serving gxtrack.

Locally a missing piece skips with its reason; under CI=true it fails, so the
suite cannot pass in CI without really running.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.permissions import Actor
from gxtrack.bootstrap import Runtime
from gxtrack.settings import Settings
from tests.conftest import IN_CI, pg_settings
from tests.reliability.cluster import PrivateCluster, unavailable_reason
from tests.reliability.server import Gunicorn, server_env


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Settings, dict]:
    """(settings, environment for subprocesses) for each durable store."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GXTRACK_")}
    env["GXTRACK_DATA_DIR"] = str(tmp_path / "var")
    if request.param == "sqlite":
        return Settings(data_dir=tmp_path / "var"), env
    settings = pg_settings(request.getfixturevalue("pg_schema"), tmp_path / "var")
    env["GXTRACK_DATABASE_URL"] = settings.database_url or ""
    return settings, env


@pytest.fixture
def private_cluster() -> Iterator[PrivateCluster]:
    """A PostgreSQL cluster of this test's own, which it may stop and start."""
    reason = unavailable_reason()
    if reason:
        message = f"cannot start a private PostgreSQL cluster: {reason}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    cluster = PrivateCluster().init()
    yield cluster
    cluster.destroy()


def seed_admin(settings: Settings) -> str:
    """Create the schema, an admin user and its API token; returns the token."""
    runtime = Runtime.open(settings)
    try:
        runtime.app.add_user(Actor.system(), "admin1", "admin")
        runtime.wait_for_read_models()
        return runtime.accounts.issue_token("admin1")
    finally:
        runtime.close()


def start_gunicorn(url: str, tmp_path: Path, workers: int = 2, *extra: str) -> Gunicorn:
    """gunicorn serving gxtrack on `url`, ready to answer."""
    env = server_env(url, tmp_path / "var")
    server = Gunicorn(env, tmp_path / "gunicorn.log", workers, *extra)
    try:
        server.wait_ready()
    except BaseException:
        server.stop()
        raise
    return server
