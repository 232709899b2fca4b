"""Stores for the reliability tests: a SQLite data dir or a PostgreSQL schema,
with the settings and the environment a `gxtrack` subprocess needs for them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gxtrack.settings import Settings
from tests.conftest import pg_settings


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
