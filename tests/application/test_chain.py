"""The hash chain: tampering with stored events in a real database is detected."""

from __future__ import annotations

import sqlite3
import weakref
from datetime import date

import pytest

from gxtrack.audit import chain
from gxtrack.audit import verify as verify_module
from gxtrack.audit.chain import link_digest
from gxtrack.audit.chain_follower import ChainBrokenError
from gxtrack.audit.verify import anchor, notifications, verify
from gxtrack.bootstrap import Runtime
from gxtrack.settings import Settings
from tests.conftest import _conninfo


@pytest.fixture
def store(durable_settings: Settings):
    """A Runtime on a real database file (or PostgreSQL schema), with raw access."""
    runtime = Runtime.open(durable_settings)
    yield runtime, RawEvents(runtime)
    runtime.close()


class RawEvents:
    """Direct SQL on the stored events, as an intruder with database access."""

    def __init__(self, runtime: Runtime) -> None:
        recorder = runtime.app.recorder
        self.table = recorder.events_table_name
        if runtime.settings.is_postgres:
            import psycopg

            schema = recorder.datastore.schema
            self.conn = psycopg.connect(
                _conninfo(), options=f"-c search_path={schema}", autocommit=True
            )
            self.id, self.mark = "notification_id", "%s"
        else:
            path = runtime.settings.data_dir / "events.db"
            self.conn = sqlite3.connect(path, isolation_level=None)
            self.id, self.mark = "rowid", "?"

    def run(self, sql: str, *params) -> list:
        cur = self.conn.cursor()
        cur.execute(sql.replace("?", self.mark), params)
        return cur.fetchall() if cur.description else []

    def alter(self, position: int, old: bytes, new: bytes) -> None:
        (state,) = self.run(
            f"SELECT state FROM {self.table} WHERE {self.id} = ?", position
        )[0]
        assert old in bytes(state)
        self.run(
            f"UPDATE {self.table} SET state = ? WHERE {self.id} = ?",
            bytes(state).replace(old, new),
            position,
        )

    def delete(self, position: int) -> None:
        self.run(f"DELETE FROM {self.table} WHERE {self.id} = ?", position)

    def swap(self, first: int, second: int) -> None:
        self.run(f"UPDATE {self.table} SET {self.id} = -1 WHERE {self.id} = ?", first)
        self.run(
            f"UPDATE {self.table} SET {self.id} = ? WHERE {self.id} = ?", first, second
        )
        self.run(f"UPDATE {self.table} SET {self.id} = ? WHERE {self.id} = -1", second)


def _history(runtime, leader):
    app = runtime.app
    pid = app.register_project(
        leader,
        name="【示例】链测试",
        investor="某投资方",
        industry="ngit",
        zone="mudu",
        planned_investment="1000",
        stage_date=date(2025, 1, 1),
    )["id"]
    app.move_project(leader, pid, "signed", date(2025, 2, 1))
    app.move_project(leader, pid, "landed", date(2025, 3, 1))
    app.report_progress(leader, pid, date(2025, 3, 2), "厂房装修")
    runtime.wait_for_read_models()
    events = {
        (str(n.originator_id), n.originator_version): n.id for n in notifications(app)
    }
    return pid, events


def test_chain_is_kept_and_verifies(store, leader):
    runtime, _raw = store
    pid, events = _history(runtime, leader)
    rows = runtime.db.fetchall("SELECT * FROM audit_chain ORDER BY position")
    assert [r["position"] for r in rows] == sorted(events.values())
    result = verify(runtime.app, runtime.db)
    assert result.ok and result.checked == len(events) and result.unchained == 0
    assert result.head_digest == rows[-1]["digest"]
    # A rebuild of every read model keeps the chain (and re-checks it).
    runtime.projections.rebuild()
    assert runtime.db.fetchall("SELECT * FROM audit_chain ORDER BY position") == rows


def test_altered_event_is_the_first_broken_link(store, leader):
    runtime, raw = store
    pid, events = _history(runtime, leader)
    signed = events[(pid, 2)]
    raw.alter(signed, b"2025-02-01", b"2025-01-01")
    problem = verify(runtime.app, runtime.db).problem
    assert problem["kind"] == "altered"
    assert (
        problem["position"],
        problem["originator_id"],
        problem["originator_version"],
    ) == (signed, pid, 2)
    # A rebuild over the tampered log stops rather than bless it.
    with pytest.raises(ChainBrokenError, match=str(signed)):
        runtime.projections.rebuild()


def test_rebuild_rechecks_the_kept_chain_and_equals_the_incremental_build(
    store, leader
):
    runtime, _raw = store
    _history(runtime, leader)
    rows = runtime.db.fetchall("SELECT * FROM audit_chain ORDER BY position")
    pool = runtime.db.fetchall("SELECT * FROM rm_projects")
    runtime.projections.rebuild()
    assert runtime.db.fetchall("SELECT * FROM audit_chain ORDER BY position") == rows
    assert runtime.db.fetchall("SELECT * FROM rm_projects") == pool


def test_rebuild_over_a_tampered_log_unbuilds_the_read_models(store, leader):
    runtime, raw = store
    pid, events = _history(runtime, leader)
    signed = events[(pid, 2)]
    raw.alter(signed, b"2025-02-01", b"2025-01-01")
    with pytest.raises(ChainBrokenError, match=str(signed)):
        runtime.projections.rebuild()
    # Nothing built from the tampered log is left to serve, and following the
    # log again stops at the tampered batch, as a replay in one process does.
    assert set(runtime.projections.positions().values()) == {0}
    assert runtime.db.fetchall("SELECT * FROM rm_projects") == []
    with pytest.raises(ChainBrokenError, match=str(signed)):
        runtime.projections.run()
    assert runtime.db.fetchall("SELECT * FROM rm_projects") == []


def test_deleted_event_is_detected(store, leader):
    runtime, raw = store
    pid, events = _history(runtime, leader)
    landed = events[(pid, 3)]
    raw.delete(landed)
    problem = verify(runtime.app, runtime.db).problem
    assert problem["kind"] == "deleted"
    assert (problem["position"], problem["originator_version"]) == (landed, 3)
    # Deleting the newest event is caught too (the chain remembers it).
    raw.run(f"DELETE FROM {raw.table} WHERE {raw.id} > ?", landed)
    problem = verify(runtime.app, runtime.db).problem
    assert problem["kind"] == "deleted" and problem["position"] == landed


def test_reordered_events_are_detected(store, leader):
    runtime, raw = store
    pid, events = _history(runtime, leader)
    signed, landed = events[(pid, 2)], events[(pid, 3)]
    raw.swap(signed, landed)
    problem = verify(runtime.app, runtime.db).problem
    assert problem["kind"] == "altered"
    assert (problem["position"], problem["originator_version"]) == (signed, 3)
    assert f"{pid} v2" in problem["message"]


def test_rewritten_chain_is_caught_by_an_earlier_anchor(store, leader):
    runtime, raw = store
    pid, events = _history(runtime, leader)
    earlier = anchor(runtime.app, runtime.db)
    assert earlier["position"] == max(events.values())
    # The intruder alters an event and recomputes the whole chain to match.
    raw.alter(events[(pid, 2)], b"2025-02-01", b"2025-01-01")
    digest = "0" * 64
    with runtime.db.transaction() as cur:
        for n in notifications(runtime.app):
            digest = link_digest(digest, n)
            cur.execute(
                "UPDATE audit_chain SET digest = ? WHERE position = ?", (digest, n.id)
            )
    assert verify(runtime.app, runtime.db).ok
    problem = verify(runtime.app, runtime.db, [earlier]).problem
    assert problem["kind"] == "rewritten" and problem["position"] == earlier["position"]
    # An anchor beyond the end of the log means events were cut off.
    later = {"position": earlier["position"] + 5, "digest": earlier["digest"]}
    assert verify(runtime.app, runtime.db, [later]).problem["kind"] == "truncated"


def test_events_not_yet_chained_are_reported_not_failed(store, leader):
    runtime, _raw = store
    _history(runtime, leader)
    runtime.app.reference()
    runtime.app.add_user(leader.__class__.system(), "auditor1", "auditor")
    result = verify(runtime.app, runtime.db)
    assert result.ok and result.unchained == 1


def test_event_slipped_into_the_log_is_detected(store, leader):
    runtime, raw = store
    pid, events = _history(runtime, leader)
    (topic, state) = raw.run(
        f"SELECT topic, state FROM {raw.table} WHERE {raw.id} = ?", events[(pid, 2)]
    )[0]
    forged = "0b2a3f1e-0000-4000-8000-000000000000"
    oid = forged if runtime.settings.is_postgres else forged.replace("-", "")
    raw.run(
        f"INSERT INTO {raw.table} ({raw.id}, originator_id, originator_version,"
        " topic, state) VALUES (0, ?, 1, ?, ?)",
        oid,
        topic,
        state,
    )
    problem = verify(runtime.app, runtime.db).problem
    assert problem["kind"] == "inserted"
    assert (problem["position"], problem["originator_id"]) == (0, forged)


def test_audit_page_walks_only_new_events_after_a_good_check(store, leader):
    runtime, raw = store
    pid, events = _history(runtime, leader)
    head = runtime.app.position()

    first = runtime.app.audit_status(leader)
    assert (first["ok"], first["walk"], first["checked"]) == (True, "full", head)
    assert first["last_full"]["checked"] == head

    runtime.app.report_progress(leader, pid, date(2025, 3, 9), "设备进场")
    runtime.wait_for_read_models()
    second = runtime.app.audit_status(leader)
    assert (second["ok"], second["walk"], second["checked"]) == (True, "incremental", 1)
    assert second["head_position"] == head + 1
    # A view with nothing new to check keeps no row.
    kept = runtime.db.scalar("SELECT COUNT(*) AS n FROM audit_verifications")
    assert runtime.app.audit_status(leader)["checked"] == 0
    assert runtime.db.scalar("SELECT COUNT(*) AS n FROM audit_verifications") == kept

    # A new event altered after it was chained: the next view sees it.
    runtime.app.report_progress(leader, pid, date(2025, 3, 16), "设备调试")
    runtime.wait_for_read_models()
    raw.alter(head + 2, "设备调试".encode(), "设备安装".encode())
    third = runtime.app.audit_status(leader)
    assert not third["ok"] and third["problem"]["position"] == head + 2

    # After a failure every view walks the whole log, and keeps failing.
    raw.alter(head + 2, "设备安装".encode(), "设备调试".encode())
    assert runtime.app.audit_status(leader)["walk"] == "full"


def test_an_old_event_altered_after_a_check_fails_the_next_full_walk(store, leader):
    from gxtrack.audit.record import latest

    runtime, raw = store
    pid, events = _history(runtime, leader)
    registered = events[(pid, 1)]
    assert runtime.app.audit_status(leader)["ok"]
    raw.alter(registered, "某投资方".encode(), "某投资人".encode())
    # The nightly job's full walk finds it; from then on the page reports it.
    assert not runtime.app.verify_chain().ok
    assert latest(runtime.db)["ok"] is False
    status = runtime.app.audit_status(leader)
    assert (status["ok"], status["walk"]) == (False, "full")
    assert status["problem"]["position"] == registered


def test_chain_kept_by_an_older_release_is_rechecked_not_rewritten(store, leader):
    runtime, _raw = store
    _pid, events = _history(runtime, leader)
    rows = runtime.db.fetchall("SELECT * FROM audit_chain ORDER BY position")
    # The release before the chain's table moved into the migrations recorded
    # another DDL for the chain follower: its position starts again from zero.
    with runtime.db.transaction() as cur:
        cur.execute(
            "UPDATE rm_schema SET ddl_hash = ? WHERE projection = ?",
            ("0123456789abcdef", "audit_chain"),
        )
    reopened = Runtime.open(runtime.settings)
    try:
        assert reopened.projections.positions()["audit_chain"] == 0
        reopened.wait_for_read_models()
        assert reopened.projections.positions()["audit_chain"] == max(events.values())
        kept = reopened.db.fetchall("SELECT * FROM audit_chain ORDER BY position")
        assert kept == rows
    finally:
        reopened.close()


def test_anchor_counts_the_chain_as_it_grows_and_recounts_a_changed_head(store, leader):
    runtime, _raw = store
    pid, events = _history(runtime, leader)
    assert anchor(runtime.app, runtime.db)["count"] == len(events)
    # Later events are added to the length counted before (not counted again).
    runtime.app.report_progress(leader, pid, date(2025, 3, 9), "设备进场")
    runtime.app.report_progress(leader, pid, date(2025, 3, 16), "试生产")
    runtime.wait_for_read_models()
    grown = anchor(runtime.app, runtime.db)
    assert grown["count"] == len(events) + 2
    assert grown["position"] == max(events.values()) + 2
    # The head counted to is gone (a chain cut short): counted afresh.
    with runtime.db.transaction() as cur:
        cur.execute("DELETE FROM audit_chain WHERE position = ?", (grown["position"],))
    assert anchor(runtime.app, runtime.db)["count"] == len(events) + 1
    # A kept head whose digest was rewritten: counted afresh, not added to.
    with runtime.db.transaction() as cur:
        cur.execute(
            "DELETE FROM audit_chain WHERE position = ?", (min(events.values()),)
        )
        cur.execute(
            "UPDATE audit_chain SET digest = ? WHERE position = ?",
            ("f" * 64, grown["position"] - 1),
        )
    assert anchor(runtime.app, runtime.db)["count"] == len(events)


def test_a_new_process_counts_on_from_the_stored_length_if_its_head_still_holds(
    store, leader, monkeypatch
):
    runtime, _raw = store
    pid, events = _history(runtime, leader)
    counted = anchor(runtime.app, runtime.db)
    stored = runtime.db.fetchall(
        "SELECT position, digest, count FROM audit_chain_length"
    )
    assert [tuple(row.values()) for row in stored] == [
        (counted["position"], counted["digest"], len(events))
    ]
    # A new process knows nothing in memory: it adds to what was stored (here
    # marked by a count no COUNT(*) would give) the rows after its head.
    monkeypatch.setattr(chain, "_lengths", weakref.WeakKeyDictionary())
    with runtime.db.transaction() as cur:
        cur.execute("UPDATE audit_chain_length SET count = count + 1000")
    runtime.app.report_progress(leader, pid, date(2025, 3, 9), "设备进场")
    runtime.wait_for_read_models()
    assert anchor(runtime.app, runtime.db)["count"] == len(events) + 1001
    # A stored head whose digest no longer matches its row: counted afresh.
    monkeypatch.setattr(chain, "_lengths", weakref.WeakKeyDictionary())
    with runtime.db.transaction() as cur:
        cur.execute("UPDATE audit_chain_length SET digest = ?, count = 5", ("f" * 64,))
    assert anchor(runtime.app, runtime.db)["count"] == len(events) + 1


def test_the_walk_reads_what_the_library_reads_across_pages_and_gaps(
    store, leader, monkeypatch
):
    runtime, raw = store
    _pid, events = _history(runtime, leader)
    head = max(events.values())
    raw.delete(3)  # a gap inside the walk
    monkeypatch.setattr(verify_module, "PAGE", 2)
    recorder = runtime.app.recorder

    def library(start, stop):
        return [
            (n.id, n.originator_id, n.originator_version, n.topic, bytes(n.state))
            for n in recorder.select_notifications(start=start, limit=10_000, stop=stop)
        ]

    for start, stop in [(None, None), (None, 4), (2, None), (2, 4), (4, head - 1)]:
        walked = [
            (n.id, n.originator_id, n.originator_version, n.topic, bytes(n.state))
            for n in notifications(runtime.app, stop=stop, start=start)
        ]
        assert walked == library(start, stop), (start, stop)
