"""The database layer's dialect operations behave alike on every store, and no
module outside gxtrack/infra asks which database it is on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gxtrack.infra.postgres import format_placeholders

ROOT = Path(__file__).resolve().parents[2]
# Asking which database this is: the only answers outside gxtrack/infra are
# the eventsourcing persistence module chosen for the event store.
ASKING = re.compile(r"\bdb\.kind\b|\bis_postgres\b|[!=]= \"(postgres|sqlite)\"")
ALLOWED = {"gxtrack/app/application.py", "gxtrack/settings.py"}


def test_placeholders_outside_quotes_only():
    assert format_placeholders("SELECT a FROM t WHERE b = ? AND c = ?") == (
        "SELECT a FROM t WHERE b = %s AND c = %s"
    )
    assert format_placeholders("SELECT '?', 'it''s ?', \"q?\" WHERE a = ?") == (
        "SELECT '?', 'it''s ?', \"q?\" WHERE a = %s"
    )
    assert format_placeholders("SELECT '50%' WHERE a LIKE ?") == (
        "SELECT '50%%' WHERE a LIKE %s"
    )
    body = "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$"
    assert format_placeholders(body) == body


def test_literals_and_parameters_read_back_alike(runtime):
    row = runtime.db.fetchone(
        "SELECT '?' AS mark, 'it''s 50%' AS text, ? AS given", ("x?%",)
    )
    assert row == {"mark": "?", "text": "it's 50%", "given": "x?%"}


def test_text_aggregate_keeps_the_order_asked(runtime):
    db = runtime.db
    with db.transaction() as cur:
        cur.execute("CREATE TABLE agg_probe (n INTEGER PRIMARY KEY, t TEXT)")
        cur.executemany(
            "INSERT INTO agg_probe (n, t) VALUES (?, ?)",
            [(3, "c"), (1, "a"), (2, "b")],
        )
    joined = db.concat_agg("t", "n")
    got = db.scalar(
        f"SELECT {joined} FROM (SELECT n, t FROM agg_probe ORDER BY n) AS ordered"
    )
    assert got == "abc"


def test_roomy_sorts_leave_the_transaction_usable(runtime):
    with runtime.db.transaction() as cur:
        runtime.db.roomy_sorts(cur)
        assert cur.tuples("SELECT 1") == [(1,)]


@pytest.mark.parametrize("folder", ["gxtrack", "web", "jobs", "domain"])
def test_no_module_outside_infra_asks_which_database(folder):
    askers = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name.startswith("gxtrack/infra/") or name in ALLOWED:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if ASKING.search(line):
                askers.append(f"{name}:{number}: {line.strip()}")
    assert not askers


def test_a_lone_read_on_a_sqlite_file_is_one_call_into_sqlite(tmp_path):
    from gxtrack.infra.sqlite import SQLiteDatabase

    db = SQLiteDatabase(tmp_path / "one.db")
    try:
        with db.transaction() as cur:
            cur.execute("CREATE TABLE t (a INTEGER)")
            cur.execute("INSERT INTO t (a) VALUES (1), (2)")
        traced = []
        db.connection().set_trace_callback(traced.append)
        assert db.fetchall("SELECT a FROM t ORDER BY a") == [{"a": 1}, {"a": 2}]
        assert db.tuples("SELECT COUNT(*) FROM t") == [(2,)]
        # No BEGIN/COMMIT around them: each is a call that queues for the
        # interpreter's lock under load.
        assert traced == ["SELECT a FROM t ORDER BY a", "SELECT COUNT(*) FROM t"]
        with db.transaction() as cur:  # inside a transaction, a read joins it
            cur.execute("INSERT INTO t (a) VALUES (3)")
            assert db.tuples("SELECT COUNT(*) FROM t") == [(3,)]
    finally:
        db.close()
