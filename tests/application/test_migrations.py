"""Schema migrations: a fresh store, a re-run, upgrades, and two processes at once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from gxtrack.bootstrap import Runtime
from gxtrack.infra.db import Database, open_database
from gxtrack.infra.migrations import (
    MIGRATIONS,
    Migration,
    SchemaTooNewError,
    applied_versions,
    migrate,
    schema_lock,
)
from gxtrack.settings import Settings
from tests.conftest import pg_settings

# The credential DDL exactly as the release before migrations created it.
PRE_MIGRATION_DDL = (
    "CREATE TABLE acc_passwords ("
    " name TEXT PRIMARY KEY, hash TEXT NOT NULL, updated_at TEXT NOT NULL)",
    "CREATE TABLE acc_tokens ("
    " digest TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL,"
    " revoked INTEGER NOT NULL DEFAULT 0)",
    "CREATE INDEX acc_tokens_name ON acc_tokens (name)",
)
# A later release's change, to prove upgrades keep data and run once.
ALL = [m.version for m in MIGRATIONS]
NEW = ALL[-1] + 1
LABEL = Migration(
    NEW,
    "acc_tokens.label",
    ("ALTER TABLE acc_tokens ADD COLUMN label TEXT NOT NULL DEFAULT ''",),
)
NEXT = (*MIGRATIONS, LABEL)

DISK = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=DISK)
def disk_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings for a store that outlives one connection (SQLite, PostgreSQL)."""
    if request.param == "sqlite":
        return Settings(data_dir=tmp_path / "var")
    return pg_settings(request.getfixturevalue("pg_schema"), tmp_path)


def rows(db: Database) -> list[tuple[int, str]]:
    found = db.fetchall("SELECT version, applied_at FROM schema_migrations")
    return sorted((int(r["version"]), r["applied_at"]) for r in found)


def test_fresh_store_is_migrated_by_runtime(runtime):
    assert applied_versions(runtime.db) == [m.version for m in MIGRATIONS]
    token = runtime.accounts.issue_token("someone")
    assert runtime.accounts.token_owner(token) == "someone"


def test_rerun_applies_nothing(disk_settings):
    first = Runtime.open(disk_settings)
    before = rows(first.db)
    first.close()
    second = Runtime.open(disk_settings)
    try:
        assert rows(second.db) == before
        assert migrate(second.db) == []
    finally:
        second.close()


def test_upgrade_from_store_made_before_migrations(disk_settings):
    db = open_database(disk_settings)
    try:
        with db.transaction() as cur:
            for statement in PRE_MIGRATION_DDL:
                cur.execute(statement)
            cur.execute(
                "INSERT INTO acc_tokens (digest, name, created_at) VALUES (?, ?, ?)",
                ("d1", "chief", "2025-01-01"),
            )
        assert migrate(db, NEXT) == [*ALL, NEW]
        assert migrate(db, NEXT) == []
        token = db.fetchone("SELECT name, revoked, label FROM acc_tokens")
        assert token == {"name": "chief", "revoked": 0, "label": ""}
    finally:
        db.close()


def test_upgrade_from_previous_version_runs_only_the_new_one(disk_settings):
    runtime = Runtime.open(disk_settings)
    try:
        token = runtime.accounts.issue_token("chief")
        old = rows(runtime.db)
        assert migrate(runtime.db, NEXT) == [NEW]
        assert rows(runtime.db)[: len(old)] == old
        assert runtime.accounts.token_owner(token) == "chief"
        assert runtime.db.scalar("SELECT count(*) FROM acc_tokens WHERE label = ''")
    finally:
        runtime.close()


def test_failed_migration_leaves_no_trace(disk_settings):
    db = open_database(disk_settings)
    broken = Migration(NEW, "broken", ("CREATE TABLE half (x INTEGER)", "NOT SQL"))
    try:
        migrate(db)
        with pytest.raises(Exception):  # noqa: B017 - each driver has its own
            migrate(db, (*MIGRATIONS, broken))
        assert applied_versions(db) == ALL
        assert migrate(db, NEXT) == [NEW]
        names = db.fetchall("SELECT version FROM schema_migrations")
        assert sorted(r["version"] for r in names) == [*ALL, NEW]
        with pytest.raises(Exception):  # noqa: B017 - the half table never existed
            db.fetchall("SELECT x FROM half")
    finally:
        db.close()


def test_two_processes_at_once_apply_each_migration_once(disk_settings):
    dbs = [open_database(disk_settings) for _ in range(2)]
    results: list[list[int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run(db: Database) -> None:
        try:
            start.wait()
            with schema_lock(db):
                results.append(migrate(db, NEXT))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(db,)) for db in dbs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert not errors
        assert sorted(results) == [[], [*ALL, NEW]]
        assert applied_versions(dbs[0]) == [*ALL, NEW]
    finally:
        for db in dbs:
            db.close()


def test_store_newer_than_program_is_refused(disk_settings):
    runtime = Runtime.open(disk_settings)
    try:
        migrate(runtime.db, NEXT)
        with pytest.raises(SchemaTooNewError, match="请升级 gxtrack"):
            migrate(runtime.db)
    finally:
        runtime.close()


def test_versions_must_increase(runtime):
    with pytest.raises(ValueError, match="must increase"):
        migrate(runtime.db, (LABEL, *MIGRATIONS))


# The four kept stores as the release before migration 4 created them on first use.
PRE_KEPT_DDL = (
    "CREATE TABLE IF NOT EXISTS mail_outbox ("
    " id TEXT PRIMARY KEY, kind TEXT NOT NULL, week TEXT NOT NULL,"
    " recipient TEXT NOT NULL, addresses TEXT NOT NULL, subject TEXT NOT NULL,"
    " message TEXT NOT NULL, created_at TEXT NOT NULL,"
    " attempts INTEGER NOT NULL DEFAULT 0, last_attempt_at TEXT, last_error TEXT,"
    " sent_at TEXT, transport TEXT)",
    "CREATE INDEX IF NOT EXISTS mail_outbox_pending ON mail_outbox (sent_at)",
    "CREATE TABLE IF NOT EXISTS ledger_mappings ("
    " name TEXT PRIMARY KEY, mapping TEXT NOT NULL,"
    " saved_by TEXT NOT NULL, saved_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS job_runs ("
    " id TEXT PRIMARY KEY, job TEXT NOT NULL, started_at TEXT NOT NULL,"
    " finished_at TEXT, outcome TEXT, detail TEXT)",
    "CREATE TABLE IF NOT EXISTS audit_chain ("
    " position BIGINT PRIMARY KEY, originator_id TEXT NOT NULL,"
    " originator_version BIGINT NOT NULL, digest TEXT NOT NULL)",
)
KEPT = ("mail_outbox", "ledger_mappings", "job_runs", "audit_chain")


def test_kept_stores_are_made_by_migrations(disk_settings):
    db = open_database(disk_settings)
    try:
        migrate(db)
        for table in KEPT:
            assert db.scalar(f"SELECT count(*) FROM {table}") == 0, table
    finally:
        db.close()


def test_upgrade_adopts_kept_stores_made_on_first_use(disk_settings):
    db = open_database(disk_settings)
    try:
        # The old release: migrations 1-3, then each module made its table.
        before = tuple(m for m in MIGRATIONS if m.version < 4)
        assert migrate(db, before) == [1, 2, 3]
        with db.transaction() as cur:
            for statement in PRE_KEPT_DDL:
                cur.execute(statement)
            cur.execute(
                "INSERT INTO ledger_mappings (name, mapping, saved_by, saved_at)"
                " VALUES (?, ?, ?, ?)",
                ("default", '{"a": "name"}', "chief", "2025-01-01"),
            )
            cur.execute(
                "INSERT INTO audit_chain VALUES (?, ?, ?, ?)", (1, "x", 1, "d" * 64)
            )
        assert migrate(db)[0] == 4  # then any later migrations
        assert migrate(db) == []
        assert db.scalar("SELECT mapping FROM ledger_mappings") == '{"a": "name"}'
        assert db.scalar("SELECT digest FROM audit_chain") == "d" * 64
    finally:
        db.close()
