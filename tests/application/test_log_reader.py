"""Reading the log: each aggregate's id made into one UUID, the cache of them bounded."""

from __future__ import annotations

from functools import partial
from uuid import UUID, uuid4

import pytest

from gxtrack.infra import event_log as log
from gxtrack.infra.event_log import Logged, changes_reader, reader


@pytest.fixture
def cache(monkeypatch) -> dict:
    uuids: dict = {}
    monkeypatch.setattr(log, "_UUIDS", uuids)
    monkeypatch.setattr(log, "_UUID_LIMIT", 3)
    return uuids


def _rows(ids: list[str], start: int = 1) -> list[tuple]:
    return [(start + i, text, 1, "t", b"") for i, text in enumerate(ids)]


def test_rows_become_logged_with_one_uuid_per_aggregate(cache):
    a, b = str(uuid4()), str(uuid4())
    read = log._with_uuids(_rows([a, b, a]))
    assert read == [
        Logged(1, UUID(a), 1, "t", b""),
        Logged(2, UUID(b), 1, "t", b""),
        Logged(3, UUID(a), 1, "t", b""),
    ]
    assert read[0].originator_id is read[2].originator_id
    again = log._with_uuids(_rows([a], 4))
    assert again[0].originator_id is read[0].originator_id


def test_the_cache_fills_to_its_limit_then_starts_afresh(cache):
    a, b, c, d = (str(uuid4()) for _ in range(4))
    first = log._with_uuids(_rows([a, b]))
    full = log._with_uuids(_rows([a, c]))  # three aggregates: at the limit, kept
    assert set(cache) == {a, b, c}
    assert full[0].originator_id is first[0].originator_id
    over = log._with_uuids(_rows([b, d]))  # a fourth: only this page's are kept
    assert set(cache) == {b, d}
    assert [r.originator_id for r in over] == [UUID(b), UUID(d)]
    assert over[0].originator_id is not first[1].originator_id


def test_a_page_of_more_aggregates_than_the_limit_is_still_read(cache):
    ids = [str(uuid4()) for _ in range(5)]
    read = log._with_uuids(_rows(ids))
    assert [r.originator_id for r in read] == [UUID(i) for i in ids]


def test_each_store_is_read_from_a_position_up_to_a_limit(runtime, admin):
    for i in range(6):  # more than the limit after the start
        runtime.app.add_user(admin, f"logged{i}", "officer")
    head = runtime.app.position()
    read = reader(runtime.app.recorder)
    expected = [
        Logged(n.id, n.originator_id, n.originator_version, n.topic, n.state)
        for n in runtime.app.recorder.select_notifications(start=2, limit=3)
    ]
    assert read(2, 3) == expected
    assert [n.id for n in expected] == [2, 3, 4]
    assert all(isinstance(n.originator_id, UUID) for n in read(1, head))
    assert read(head + 1, 10) == []


def test_each_store_is_read_by_its_fastest_reader(runtime):
    url = runtime.settings.database_url or ""
    read = reader(runtime.app.recorder)
    if url.startswith("memory"):
        assert not isinstance(read, partial)  # the library's, in memory
    elif url.startswith("postgresql"):
        assert read.func is log._read_postgres
        table = runtime.app.recorder.events_table_name
        assert read.args[1].endswith(f'"."{table}"')
    else:
        assert read.func is log._read_sqlite
        assert read.args[1] == runtime.app.recorder.events_table_name


def test_each_store_gives_what_changed_from_a_position_up_to_a_limit(runtime, admin):
    for i in range(6):
        runtime.app.add_user(admin, f"changed{i}", "officer")
    head = runtime.app.position()
    changes = changes_reader(runtime.app.recorder)
    expected = [
        (n.id, n.originator_id, n.originator_version)
        for n in runtime.app.recorder.select_notifications(start=2, limit=3)
    ]
    assert changes(2, 3) == expected
    assert [position for position, _, _ in expected] == [2, 3, 4]
    assert all(isinstance(aggregate, UUID) for _, aggregate, _ in changes(1, head))
    assert changes(head + 1, 10) == []
    url = runtime.settings.database_url or ""
    if url.startswith("postgresql"):
        assert changes.func is log._changes_postgres
    elif not url.startswith("memory"):
        assert changes.func is log._changes_sqlite
