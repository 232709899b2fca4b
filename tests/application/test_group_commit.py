"""Group commit (gxtrack.infra.group_commit, gxtrack.infra.event_recorder): saves
arriving together share a transaction, and each still succeeds or fails alone."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from gxtrack.bootstrap import Runtime
from gxtrack.infra.event_recorder import PostgresEventRecorder, SQLiteEventRecorder
from gxtrack.infra.group_commit import GroupCommit, Pending
from tests.conftest import pg_settings


def test_saves_arriving_while_a_group_is_written_go_together_in_the_next():
    groups: list[list[str]] = []
    first_in = threading.Event()
    release = threading.Event()

    def write(group: list[Pending]) -> None:
        groups.append([p.work for p in group])
        if len(groups) == 1:
            first_in.set()
            release.wait(5)
        for pending in group:
            if pending.work == "conflict":
                pending.error = IntegrityError("changed meanwhile")
            else:
                pending.result = pending.work.upper()

    commit = GroupCommit(write)
    results: dict[str, object] = {}

    def save(work: str) -> None:
        try:
            results[work] = commit.submit(work)
        except IntegrityError as error:
            results[work] = error

    first = threading.Thread(target=save, args=("a",))
    first.start()
    assert first_in.wait(5)
    others = [threading.Thread(target=save, args=(w,)) for w in ("b", "conflict", "c")]
    for thread in others:
        thread.start()
    while len(commit._queue) < 3:  # all three wait behind the first group
        time.sleep(0.001)
    release.set()
    for thread in [first, *others]:
        thread.join(5)
    assert groups[0] == ["a"]
    assert sorted(groups[1]) == ["b", "c", "conflict"] and len(groups) == 2
    assert results["a"] == "A" and results["b"] == "B" and results["c"] == "C"
    assert isinstance(results["conflict"], IntegrityError)


def test_a_group_that_fails_to_be_written_fails_each_of_its_saves():
    def write(group: list[Pending]) -> None:
        group[0].result = "written, then the commit failed"
        raise OSError("disk full")

    commit = GroupCommit(write)
    with pytest.raises(OSError, match="disk full"):
        commit.submit("a")
    assert not commit._busy  # the next save leads again, not waits forever
    with pytest.raises(OSError):
        commit.submit("b")


def _events(count: int, aggregate: uuid.UUID | None = None) -> list[StoredEvent]:
    return [
        StoredEvent(aggregate or uuid.uuid4(), version, "gxtrack.tests:Saved", b"{}")
        for version in range(1, count + 1)
    ]


@pytest.fixture
def recorder(durable_settings):
    """The recorder of each store that groups saves (not the in-memory one)."""
    runtime = Runtime.open(durable_settings)
    assert isinstance(
        runtime.app.recorder, (SQLiteEventRecorder, PostgresEventRecorder)
    )
    yield runtime.app.recorder
    runtime.close()


def _stored(recorder, start: int) -> list[tuple[uuid.UUID, int]]:
    return [
        (n.originator_id, n.originator_version)
        for n in recorder.select_notifications(start=start, limit=1000)
    ]


def test_a_conflict_in_a_group_fails_that_save_alone(recorder):
    before = (recorder.max_notification_id() or 0) + 1
    taken = _events(1)
    recorder.insert_events(taken)
    first, second = _events(2), _events(3)
    # The conflicting save records one new event before its recorded one fails.
    conflicting = [*_events(1), taken[0]]
    group = [Pending((e, {})) for e in (first, conflicting, second)]
    recorder._write_group(group)
    assert isinstance(group[1].error, IntegrityError)
    stored = _stored(recorder, before)
    expected = [taken[0], *first, *second]
    assert stored == [(e.originator_id, e.originator_version) for e in expected]
    ids = [n.id for n in recorder.select_notifications(start=before, limit=1000)]
    assert group[0].result == ids[1:3] and group[2].result == ids[3:]


def test_concurrent_saves_are_each_recorded_once_with_their_ids(recorder):
    before = (recorder.max_notification_id() or 0) + 1
    saves = {n: _events(2) for n in range(60)}
    returned: dict[int, list[int]] = {}

    def save(numbers: range) -> None:
        for n in numbers:
            returned[n] = list(recorder.insert_events(saves[n]))

    threads = [threading.Thread(target=save, args=(range(k, 60, 6),)) for k in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    by_id = {
        n.id: (n.originator_id, n.originator_version)
        for n in recorder.select_notifications(start=before, limit=1000)
    }
    assert len(by_id) == 120
    for n, events in saves.items():
        assert [by_id[i] for i in returned[n]] == [
            (e.originator_id, e.originator_version) for e in events
        ]


@pytest.mark.postgres
def test_a_group_is_one_statement_on_postgresql(pg_schema, tmp_path, monkeypatch):
    """The table's lock is held by the server alone: no round trip of the
    client's falls between taking it and the commit."""
    import psycopg

    runtime = Runtime.open(pg_settings(pg_schema, tmp_path))
    try:
        recorder = runtime.app.recorder
        sent: list[str] = []
        real = psycopg.Cursor.execute

        def execute(self, query, *args, **kwargs):
            sent.append(str(query))
            return real(self, query, *args, **kwargs)

        monkeypatch.setattr(psycopg.Cursor, "execute", execute)
        group = [Pending((_events(2), {})) for _ in range(3)]
        recorder._write_group(group)
        monkeypatch.undo()
        assert len(sent) == 1
        assert all(len(p.outcome()) == 2 for p in group)
    finally:
        runtime.close()
