"""Shared fixtures: settings and a Runtime on each store (memory, SQLite, PostgreSQL).

PostgreSQL tests get a fresh schema each. Where no server answers they skip with
the reason, except in CI (CI=true), where they fail: CI must run them for real.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.permissions import Actor
from domain.users import Role
from gxtrack.bootstrap import Runtime
from gxtrack.settings import Settings

PG_URL = os.environ.get(
    "GXTRACK_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _pg_error() -> str | None:
    try:
        import psycopg

        with psycopg.connect(_conninfo(), connect_timeout=3):
            return None
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        return str(error).strip().splitlines()[0]


def _conninfo() -> str:
    return PG_URL.split("?")[0]


def require_postgres() -> None:
    """Skip (or, in CI, fail) when the PostgreSQL server is not reachable."""
    error = _pg_error()
    if error is None:
        return
    message = f"PostgreSQL not reachable at {_conninfo()}: {error}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema, dropped afterwards."""
    require_postgres()
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_conninfo(), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield schema
    with psycopg.connect(_conninfo(), autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def pg_settings(schema: str, data_dir: Path) -> Settings:
    """Settings for the PostgreSQL test schema."""
    return Settings(data_dir=data_dir, database_url=f"{_conninfo()}?schema={schema}")


STORES = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "memory":
        return Settings(data_dir=tmp_path, database_url="memory://")
    if request.param == "sqlite":
        return Settings(data_dir=tmp_path / "var")
    return pg_settings(request.getfixturevalue("pg_schema"), tmp_path)


@pytest.fixture(params=STORES)
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings for each kind of store in turn."""
    return _store_settings(request, tmp_path)


@pytest.fixture(params=STORES[1:])
def durable_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings for each store other processes can open too (a SQLite file, a
    PostgreSQL schema), in turn."""
    return _store_settings(request, tmp_path)


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    """Settings for a SQLite data directory."""
    return Settings(data_dir=tmp_path / "var")


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    """A Runtime on each kind of store."""
    rt = Runtime.open(settings)
    yield rt
    rt.close()


@pytest.fixture
def admin() -> Actor:
    return Actor("admin", Role.ADMIN)


@pytest.fixture
def leader() -> Actor:
    return Actor("leader", Role.LEADER)


@pytest.fixture
def officer() -> Actor:
    return Actor("officer", Role.OFFICER)


@pytest.fixture
def gx(tmp_path: Path):
    """Run the real `gxtrack` command on a fresh SQLite data dir."""
    import subprocess
    import sys

    env = {**os.environ, "GXTRACK_DATA_DIR": str(tmp_path / "var")}
    env.pop("GXTRACK_DATABASE_URL", None)

    def run(*args: str, stdin: str = "", ok: bool = True):
        result = subprocess.run(
            [sys.executable, "-m", "gxtrack", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        if ok:
            assert result.returncode == 0, result.stderr
        return result

    return run
