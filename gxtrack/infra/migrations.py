"""Versioned schema migrations for the tables that cannot be rebuilt.

The event log belongs to eventsourcing and the read models are rebuilt from it
(`gxtrack projections rebuild`), so neither needs migrations. What lives only in
SQL — credentials, the mail outbox, saved ledger mappings, job runs, the hash
chain — changes through the numbered migrations below, each applied once, in
order, recorded in `schema_migrations`.

Every process runs `migrate()` at start (Runtime.setup, `gxtrack init`); a
schema lock makes a second process starting at the same time wait and then
find nothing left to do: the store's "schema" lock (gxtrack.infra.lock).
Migrations never edit a released entry: add one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from gxtrack.errors import GxtrackError
from gxtrack.infra.db import Cursor, Database


@dataclass(frozen=True)
class Migration:
    """One schema change: a version number, a description and its statements."""

    version: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    # Version 1 is the credential schema as first released (before migrations
    # existed), so its IF NOT EXISTS adopts a store created by that release.
    Migration(
        1,
        "credentials: password hashes and API token digests",
        (
            "CREATE TABLE IF NOT EXISTS acc_passwords ("
            " name TEXT PRIMARY KEY, hash TEXT NOT NULL, updated_at TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS acc_tokens ("
            " digest TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL,"
            " revoked INTEGER NOT NULL DEFAULT 0)",
            "CREATE INDEX IF NOT EXISTS acc_tokens_name ON acc_tokens (name)",
        ),
    ),
    Migration(
        2,
        "failed logins, counted across every web worker",
        (
            "CREATE TABLE acc_login_failures ("
            " name TEXT NOT NULL, address TEXT NOT NULL,"
            " failed_at DOUBLE PRECISION NOT NULL)",
            "CREATE INDEX acc_login_failures_key"
            " ON acc_login_failures (name, address, failed_at)",
            "CREATE INDEX acc_login_failures_at ON acc_login_failures (failed_at)",
        ),
    ),
    Migration(
        3,
        "hash-chain verifications, so the audit page need not walk the whole log",
        (
            "CREATE TABLE audit_verifications ("
            " verified_at TEXT NOT NULL, kind TEXT NOT NULL, ok INTEGER NOT NULL,"
            " checked BIGINT NOT NULL, head_position BIGINT NOT NULL,"
            " head_digest TEXT NOT NULL, problem TEXT,"
            " seconds DOUBLE PRECISION NOT NULL)",
            "CREATE INDEX audit_verifications_at ON audit_verifications (verified_at)",
        ),
    ),
    # Four stores their modules used to create on first use. IF NOT EXISTS
    # adopts the tables a store made by those releases already has.
    Migration(
        4,
        "kept stores: mail outbox, ledger mappings, job runs, hash chain",
        (
            "CREATE TABLE IF NOT EXISTS mail_outbox ("
            " id TEXT PRIMARY KEY, kind TEXT NOT NULL, week TEXT NOT NULL,"
            " recipient TEXT NOT NULL, addresses TEXT NOT NULL,"
            " subject TEXT NOT NULL, message TEXT NOT NULL,"
            " created_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
            " last_attempt_at TEXT, last_error TEXT, sent_at TEXT, transport TEXT)",
            "CREATE INDEX IF NOT EXISTS mail_outbox_pending ON mail_outbox (sent_at)",
            "CREATE TABLE IF NOT EXISTS ledger_mappings ("
            " name TEXT PRIMARY KEY, mapping TEXT NOT NULL,"
            " saved_by TEXT NOT NULL, saved_at TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS job_runs ("
            " id TEXT PRIMARY KEY, job TEXT NOT NULL, started_at TEXT NOT NULL,"
            " finished_at TEXT, outcome TEXT, detail TEXT)",
            # Never dropped by a rebuild: a replay checks each digest against it.
            "CREATE TABLE IF NOT EXISTS audit_chain ("
            " position BIGINT PRIMARY KEY, originator_id TEXT NOT NULL,"
            " originator_version BIGINT NOT NULL, digest TEXT NOT NULL)",
        ),
    ),
    # Secrets stay out of the event log: channels are settings, not decisions.
    Migration(
        20,
        "alert channels: DingTalk / WeCom robots and signed webhooks",
        (
            "CREATE TABLE alert_channels ("
            " name TEXT PRIMARY KEY, kind TEXT NOT NULL, url TEXT NOT NULL,"
            " secret TEXT NOT NULL, zone TEXT, created_at TEXT NOT NULL)",
        ),
    ),
    Migration(
        21,
        "the outbox carries channel messages too (the channel they go to)",
        ("ALTER TABLE mail_outbox ADD COLUMN channel TEXT",),
    ),
    Migration(
        30,
        "in-app notifications read by each user (kept across read-model rebuilds)",
        (
            "CREATE TABLE notification_reads ("
            " user_name TEXT NOT NULL, notification_id TEXT NOT NULL,"
            " read_at TEXT NOT NULL, PRIMARY KEY (user_name, notification_id))",
        ),
    ),
    Migration(
        31,
        "the hash chain's length as last counted, so a new process need not count it",
        (
            "CREATE TABLE audit_chain_length ("
            " id INTEGER PRIMARY KEY, position BIGINT NOT NULL,"
            " digest TEXT NOT NULL, count BIGINT NOT NULL)",
        ),
    ),
)

TABLE_DDL = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


class SchemaTooNewError(GxtrackError):
    """The store was migrated by a newer gxtrack than this one."""

    status = 503


@contextmanager
def schema_lock(db: Database) -> Iterator[None]:
    """Hold the store's schema lock: one process at a time changes tables.

    The store's "schema" lock (gxtrack.infra.lock), waited for: an advisory
    lock on PostgreSQL, a file lock next to the SQLite files.
    """
    with db.lock("schema"):
        yield


def applied_versions(db: Database) -> list[int]:
    """The versions recorded in schema_migrations, oldest first."""
    with db.transaction() as cur:
        cur.execute(TABLE_DDL)
        rows = cur.fetchall("SELECT version FROM schema_migrations ORDER BY version")
    return [int(r["version"]) for r in rows]


def _apply(cur: Cursor, migration: Migration) -> None:
    for statement in migration.statements:
        cur.execute(statement)
    cur.execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
        (migration.version, migration.name, datetime.now(UTC).isoformat()),
    )


def migrate(db: Database, migrations: Sequence[Migration] = MIGRATIONS) -> list[int]:
    """Apply the pending migrations in order, each in its own transaction.

    Returns the versions applied now (empty when the store is up to date).
    Call it under `schema_lock` when other processes may start at once.
    """
    versions = [m.version for m in migrations]
    if versions != sorted(set(versions)):
        raise ValueError(f"migration versions must increase: {versions}")
    done = set(applied_versions(db))
    newest = max(versions, default=0)
    if done and max(done) > newest:
        raise SchemaTooNewError(
            f"数据库结构版本 {max(done)} 高于本程序支持的 {newest}，请升级 gxtrack"
        )
    applied = []
    for migration in migrations:
        if migration.version in done:
            continue
        with db.transaction() as cur:
            _apply(cur, migration)
        applied.append(migration.version)
    return applied
