"""Bulk writes: many-row inserts write exactly the rows given, on every store,
and on SQLite in a few statements when asked to; a bulk load (SQLite) sorts on
disk."""

from __future__ import annotations

import sqlite3

import pytest

from gxtrack.bootstrap import Runtime
from gxtrack.infra.db import TOGETHER_MAX_ROWS, UNNEST_MIN_ROWS
from gxtrack.infra.sqlite import SQLiteDatabase
from tests.conftest import pg_settings


def test_executemany_of_many_rows_writes_each_row(runtime):
    db = runtime.db
    rows = [
        (f"id-{n:04d}", n * 10_000_000_000, None if n % 3 else f"备注{n}", n)
        for n in range(UNNEST_MIN_ROWS * 3)
    ]
    with db.transaction(bulk=True) as cur:
        cur.execute(
            "CREATE TABLE bulk_probe (id TEXT PRIMARY KEY, amount BIGINT NOT NULL,"
            " note TEXT, n INTEGER, gone TEXT)"
        )
        cur.executemany(
            "INSERT INTO bulk_probe (id, amount, note, n, gone)"
            " VALUES (?, ?, ?, ?, NULL)",
            rows,
        )
        # A read in the same batch sees them (PostgreSQL pipelines the batch).
        assert cur.tuples("SELECT COUNT(*) FROM bulk_probe") == [(len(rows),)]
    stored = db.fetchall("SELECT id, amount, note, n, gone FROM bulk_probe ORDER BY id")
    assert [(r["id"], r["amount"], r["note"], r["n"]) for r in stored] == rows
    assert {r["gone"] for r in stored} == {None}


def test_a_failed_many_row_insert_leaves_nothing(runtime):
    db = runtime.db
    with db.transaction() as cur:
        cur.execute("CREATE TABLE bulk_unique (id TEXT PRIMARY KEY)")
    rows = [(f"k{n}",) for n in range(UNNEST_MIN_ROWS)] + [("k0",)]
    try:
        with db.transaction(bulk=True) as cur:
            cur.executemany("INSERT INTO bulk_unique (id) VALUES (?)", rows)
            cur.tuples("SELECT COUNT(*) FROM bulk_unique")
    except Exception as error:  # the driver's own integrity error
        assert "unique" in str(error).lower() or "duplicate" in str(error).lower()
    else:
        raise AssertionError("a duplicate key was accepted")
    assert db.fetchall("SELECT id FROM bulk_unique") == []


PROBE = "CREATE TABLE together_probe (id TEXT PRIMARY KEY, n INTEGER, note TEXT)"
INSERT_PROBE = "INSERT INTO together_probe (id, n, note) VALUES (?, ?, NULL)"


def test_insert_together_writes_each_row(runtime):
    # Not a power of two: statements of several lengths.
    rows = [(f"id-{n:04d}", n) for n in range(TOGETHER_MAX_ROWS + 45)]
    with runtime.db.transaction(bulk=True) as cur:
        cur.execute(PROBE)
        cur.insert_together(INSERT_PROBE, rows)
        cur.insert_together(INSERT_PROBE, [("one", 1)])
    stored = runtime.db.fetchall("SELECT id, n, note FROM together_probe ORDER BY id")
    assert [(r["id"], r["n"]) for r in stored] == sorted([*rows, ("one", 1)])
    assert {r["note"] for r in stored} == {None}


def test_insert_together_is_a_few_statements_under_sqlites_limit(sqlite_settings):
    runtime = Runtime.open(sqlite_settings)
    rows = [(f"id-{n:04d}", n) for n in range(300)]
    try:
        with runtime.db.transaction() as cur:
            cur.execute(PROBE)
            conn = cur.raw.connection
            statements: list[str] = []
            conn.set_trace_callback(statements.append)
            cur.insert_together(INSERT_PROBE, rows[:100])  # 64 + 32 + 4 rows
            # At most 50 parameters a statement: 16 rows of two each.
            conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 50)
            cur.insert_together(INSERT_PROBE, rows[100:])  # 12 × 16 + 8
            conn.set_trace_callback(None)
        assert len(statements) == 3 + 13
        count = runtime.db.scalar("SELECT COUNT(*) FROM together_probe")
        assert count == len(rows)
    finally:
        runtime.close()


def test_a_bulk_load_sorts_on_disk_and_then_in_memory_again(tmp_path):
    db = SQLiteDatabase(tmp_path / "bulk.db")

    def temp_store() -> int:
        return db.connection().execute("PRAGMA temp_store").fetchone()[0]

    try:
        assert temp_store() == 2  # MEMORY: a request's small sorts
        with db.bulk_load():
            assert temp_store() == 1  # FILE: a rebuild's index builds
        assert temp_store() == 2
    finally:
        db.close()


def test_each_query_in_a_pipelined_batch_answers_for_itself(runtime):
    with runtime.db.transaction() as cur:
        cur.execute(PROBE)
        cur.executemany(INSERT_PROBE, [(f"p{n}", n) for n in range(10)])
    with runtime.db.transaction(bulk=True) as cur:
        assert cur.tuples("SELECT SUM(n) FROM together_probe") == [(45,)]
        cur.executemany(
            "UPDATE together_probe SET n = n + 1 WHERE id = ?",
            [(f"p{n}",) for n in range(10)],
        )
        assert cur.tuples("SELECT SUM(n) FROM together_probe") == [(55,)]
        cur.execute("UPDATE together_probe SET note = 'x' WHERE n > 5")
        assert cur.tuples("SELECT COUNT(note) FROM together_probe") == [(5,)]
        assert cur.tuples("SELECT COUNT(*) FROM together_probe") == [(10,)]


@pytest.mark.postgres
def test_a_pipelined_query_waits_only_for_statements_sent_before_it(
    pg_schema, tmp_path, monkeypatch
):
    import psycopg

    runtime = Runtime.open(pg_settings(pg_schema, tmp_path))
    waits: list[int] = []
    real = psycopg.Pipeline.sync

    def sync(self) -> None:
        waits.append(1)
        real(self)

    monkeypatch.setattr(psycopg.Pipeline, "sync", sync)
    try:
        with runtime.db.transaction() as cur:
            cur.execute(PROBE)
        with runtime.db.transaction(bulk=True) as cur:
            # A batch's first query (its positions) has nothing to wait for.
            assert cur.tuples("SELECT COUNT(*) FROM together_probe") == [(0,)]
            assert waits == []
            cur.executemany(INSERT_PROBE, [("a", 1), ("b", 2)])
            assert cur.tuples("SELECT SUM(n) FROM together_probe") == [(3,)]
            assert len(waits) == 1
            assert cur.tuples("SELECT COUNT(*) FROM together_probe") == [(2,)]
            assert len(waits) == 1
    finally:
        runtime.close()


UPSERT_PROBE = "CREATE TABLE upsert_probe (id TEXT PRIMARY KEY, n INTEGER NOT NULL)"


def test_many_row_upserts_do_what_one_row_at_a_time_would(runtime):
    db = runtime.db
    count = UNNEST_MIN_ROWS * 2
    with db.transaction() as cur:
        cur.execute(UPSERT_PROBE)
        cur.executemany(
            "INSERT INTO upsert_probe (id, n) VALUES (?, ?)",
            [(f"k{i}", i) for i in range(0, count, 2)],  # the even keys
        )
    with db.transaction(bulk=True) as cur:
        # Nothing on a conflict: the kept rows stay, each repeated key once.
        cur.executemany(
            "INSERT INTO upsert_probe (id, n) VALUES (?, ?)"
            " ON CONFLICT (id) DO NOTHING",
            [(f"k{i}", -1) for i in range(count)] + [("k1", -2)],
        )
        # An update, rows distinct by key: added to what is kept.
        cur.executemany(
            "INSERT INTO upsert_probe (id, n) VALUES (?, ?)"
            " ON CONFLICT (id) DO UPDATE SET n = upsert_probe.n + excluded.n",
            [(f"k{i}", 1000) for i in range(count)],
            distinct=True,
        )
        # Not said to be distinct: a repeated key is updated twice, in order.
        cur.executemany(
            "INSERT INTO upsert_probe (id, n) VALUES (?, ?)"
            " ON CONFLICT (id) DO UPDATE SET n = upsert_probe.n + excluded.n",
            [(f"k{i % 10}", 1) for i in range(count)],
        )
    rows = dict(db.tuples("SELECT id, n FROM upsert_probe"))
    expected = {
        f"k{i}": (i if i % 2 == 0 else -1) + 1000 + (count // 10 if i < 10 else 0)
        for i in range(count)
    }
    assert rows == expected
