"""With GXTRACK_DATABASE_URL set, everything lives in PostgreSQL (real subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from gxtrack.infra.migrations import MIGRATIONS
from tests.conftest import _conninfo

pytestmark = pytest.mark.postgres


def test_init_twice_keeps_everything_in_postgres(pg_schema, tmp_path: Path):
    data_dir = tmp_path / "var"
    env = {
        **os.environ,
        "GXTRACK_DATA_DIR": str(data_dir),
        "GXTRACK_DATABASE_URL": f"{_conninfo()}?schema={pg_schema}",
        "GXTRACK_SECRET_KEY": "test-key",
    }

    def gx(*args: str, stdin: str = "") -> str:
        result = subprocess.run(
            [sys.executable, "-m", "gxtrack", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "已就绪" in gx("init")
    gx(
        "users",
        "add",
        "chief",
        "--role",
        "leader",
        "--password-stdin",
        stdin="pw-12345678\n",
    )
    token = gx("users", "token", "chief").strip().splitlines()[-1]
    assert "已就绪" in gx("init")  # a second init changes nothing and loses nothing

    with psycopg.connect(_conninfo()) as conn:
        tables = {
            name
            for (name,) in conn.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = %s",
                (pg_schema,),
            )
        }
        assert {
            "gxtrack_events",
            "schema_migrations",
            "acc_passwords",
            "acc_tokens",
            "rm_tracking",
            "rm_projects",
            "rm_users",
        } <= tables
        schema = pg_schema
        migrations = conn.execute(f"SELECT version FROM {schema}.schema_migrations")
        assert sorted(v for (v,) in migrations) == [m.version for m in MIGRATIONS]
        users = conn.execute(f"SELECT name, role FROM {schema}.rm_users").fetchall()
        assert users == [("chief", "leader")]
        owners = conn.execute(f"SELECT name FROM {schema}.acc_tokens").fetchall()
        assert owners == [("chief",)]
        positions = conn.execute(f"SELECT position FROM {schema}.rm_tracking")
        head = conn.execute(f"SELECT max(notification_id) FROM {schema}.gxtrack_events")
        assert {p for (p,) in positions} == {head.fetchone()[0]}
    # Nothing went to the embedded stores.
    assert not (data_dir / "events.db").exists()
    assert not (data_dir / "gxtrack.db").exists()
    assert token.startswith("gxt_")
