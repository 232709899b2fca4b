"""runtime.wait_for_read_models(): inline catch-up in embedded mode, waiting on a follower otherwise."""

from __future__ import annotations

import dataclasses
import time

import pytest

from gxtrack.bootstrap import Runtime
from gxtrack.errors import ProjectionTimeoutError
from gxtrack.readmodels.engine.follower import ProjectionFollower
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects


def _register(runtime: Runtime, actor, name: str = "【示例】同步项目") -> str:
    return runtime.app.register_project(
        actor,
        name=name,
        investor="示例投资方",
        industry="green",
        zone="wzedz",
        planned_investment="10",
    )["id"]


def test_inline_sync_makes_the_command_visible(runtime, officer):
    pid = _register(runtime, officer)
    assert list_projects(runtime.db, PoolFilter())["total"] == 0  # not yet applied
    runtime.wait_for_read_models()
    assert [i["id"] for i in list_projects(runtime.db, PoolFilter())["items"]] == [pid]


@pytest.fixture
def waiting(runtime):
    """The same stores, but this process never applies events itself."""
    settings = dataclasses.replace(
        runtime.settings, inline_projections=False, projection_wait_seconds=0.3
    )
    return dataclasses.replace(runtime, settings=settings)


def test_sync_times_out_with_a_clear_message_without_a_follower(waiting, officer):
    _register(waiting, officer)
    started = time.monotonic()
    with pytest.raises(ProjectionTimeoutError) as caught:
        waiting.wait_for_read_models()
    assert 0.3 <= time.monotonic() - started < 5
    assert caught.value.message == (
        "数据已保存，但列表尚未更新（投影进程未在 0.3 秒内追上），请稍后刷新"
    )
    assert caught.value.status == 503
    assert list_projects(waiting.db, PoolFilter())["total"] == 0


def test_sync_waits_for_the_follower(waiting, officer):
    follower = ProjectionFollower(waiting.projections, poll_seconds=0.02)
    follower.start()
    try:
        settings = dataclasses.replace(waiting.settings, projection_wait_seconds=10)
        patient = dataclasses.replace(waiting, settings=settings)
        for n in range(3):
            pid = _register(patient, officer, f"【示例】同步{n}")
            patient.wait_for_read_models()
            ids = {i["id"] for i in list_projects(patient.db, PoolFilter())["items"]}
            assert pid in ids
    finally:
        follower.stop()


def _counted(monkeypatch, engine, method: str) -> list[int]:
    calls: list[int] = []
    real = getattr(engine, method)

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, method, counted)
    return calls


def test_a_command_goes_straight_to_the_batch(runtime, officer, monkeypatch):
    pid = _register(runtime, officer)
    looks = _counted(monkeypatch, runtime.projections, "lowest")
    runtime.projections.wait_for(runtime.app.position(), timeout=5, inline=True)
    assert looks == []  # the batch's own positions said it was done
    assert [i["id"] for i in list_projects(runtime.db, PoolFilter())["items"]] == [pid]


def test_waiting_with_nothing_new_runs_no_batch(runtime, officer, monkeypatch):
    _register(runtime, officer)
    runtime.wait_for_read_models()
    batches = _counted(monkeypatch, runtime.projections, "try_batch")
    runtime.wait_for_read_models()
    assert batches == []


def test_a_bulk_write_shows_the_projection_process_catching_up(waiting, officer):
    """Waiting on another process after an import: its progress is shown, up
    to the head, and a process that keeps moving is never given up on."""
    for n in range(4):
        _register(waiting, officer, f"【示例】批量{n}")
    head = waiting.projections.head()
    shown: list[tuple[int, int]] = []
    follower = ProjectionFollower(waiting.projections, poll_seconds=0.02)
    waiting.projections.batch_size = 1  # a batch per event: several steps
    follower.start()
    try:
        waiting.catch_up_with_progress(lambda done, total: shown.append((done, total)))
    finally:
        follower.stop()
    assert shown[-1] == (head, head)
    assert all(total == head for _, total in shown)
    assert [done for done, _ in shown] == sorted(done for done, _ in shown)
    assert list_projects(waiting.db, PoolFilter())["total"] == 4


def test_a_bulk_write_nobody_applies_times_out_with_the_clear_message(waiting, officer):
    _register(waiting, officer)
    with pytest.raises(ProjectionTimeoutError) as caught:
        waiting.catch_up_with_progress(lambda done, total: None)
    assert "投影进程未在 0.3 秒内追上" in caught.value.message
