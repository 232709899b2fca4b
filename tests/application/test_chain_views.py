"""The audit page's bounded walks and the full walk started in the background."""

from __future__ import annotations

import time

import pytest

from gxtrack.app import audit_status
from gxtrack.audit.record import FULL, latest
from tests.application.test_chain import _history, store  # noqa: F401 - fixture


@pytest.fixture(name="small_views")
def small_views_fixture(monkeypatch):
    """Views walk at most 2 events, so a short log is "long" for them."""
    monkeypatch.setattr(audit_status, "VIEW_WALK", 2)


def test_a_view_walks_at_most_its_bound_and_the_next_goes_on(
    store,  # noqa: F811
    leader,
    small_views,
):
    runtime, raw = store
    pid, events = _history(runtime, leader)
    head = runtime.app.position()
    assert head > 4
    first = runtime.app.audit_status(leader)
    assert (first["ok"], first["walk"], first["checked"]) == (True, "partial", 2)
    assert first["head_position"] == 2 and first["pending"] == head - 2
    assert first["last_full"] is None
    # An event past the first view's bound, altered: a later view finds it.
    signed = events[(pid, 2)]
    assert signed > 2
    raw.alter(signed, b"2025-02-01", b"2025-02-02")
    seen = []
    for _ in range(head):
        status = runtime.app.audit_status(leader)
        seen.append(status["walk"])
        if not status["ok"]:
            break
    assert not status["ok"] and status["problem"]["position"] == signed
    # The log is too long for one view: the failure is shown as recorded,
    # without walking, until a full walk finds the log whole again.
    kept = runtime.app.audit_status(leader)
    assert (kept["ok"], kept["walk"], kept["checked"]) == (False, "kept", 0)
    assert kept["problem"]["position"] == signed
    raw.alter(signed, b"2025-02-02", b"2025-02-01")
    assert runtime.app.audit_status(leader)["walk"] == "kept"
    assert runtime.app.verify_chain().ok
    after = runtime.app.audit_status(leader)
    assert (after["ok"], after["walk"], after["pending"]) == (True, "incremental", 0)


def test_views_walk_the_whole_log_step_by_step(store, leader, small_views):  # noqa: F811
    runtime, _raw = store
    _history(runtime, leader)
    head = runtime.app.position()
    walked = 0
    while True:
        status = runtime.app.audit_status(leader)
        assert status["ok"]
        walked += status["checked"]
        if status["walk"] != "partial":
            break
    assert walked == head and status["pending"] == 0


def _finished(runtime, leader, run_id: str) -> dict:
    for _ in range(500):
        run = runtime.app.chain_verify_run(leader, run_id)
        if run["finished_at"]:
            return run
        time.sleep(0.02)
    raise AssertionError("the background walk did not finish")


def test_the_full_walk_runs_in_the_background_and_is_kept(store, leader):  # noqa: F811
    runtime, raw = store
    pid, events = _history(runtime, leader)
    run_id = runtime.app.start_chain_verify(leader)
    run = _finished(runtime, leader, run_id)
    assert run["outcome"] == "ok"
    full = latest(runtime.db, FULL)
    assert full["ok"] and full["checked"] == runtime.app.position()
    # Tampered: the next background walk fails and the page reports it.
    raw.alter(events[(pid, 1)], "某投资方".encode(), "某投资人".encode())
    failed = _finished(runtime, leader, runtime.app.start_chain_verify(leader))
    assert failed["outcome"] == "failed"
    status = runtime.app.audit_status(leader)
    assert not status["ok"] and status["problem"]["position"] == events[(pid, 1)]


def test_background_walk_is_for_audit_readers_and_known_runs(
    store,  # noqa: F811
    leader,
    officer,
):
    from domain.errors import PermissionDeniedError
    from gxtrack.errors import NotFoundError

    runtime, _raw = store
    with pytest.raises(PermissionDeniedError):
        runtime.app.start_chain_verify(officer)
    with pytest.raises(NotFoundError):
        runtime.app.chain_verify_run(leader, "no-such-run")
