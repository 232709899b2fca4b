"""Kept figures: fresh by default; a fitted figure may lag while it is refreshed.

The forecast and the what-if's spans take seconds at 100k projects. With a
stale allowance a view gets the kept value at once and a background thread
computes its successor; without one (the default, and every other figure) an
event makes the next view compute afresh.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from domain.clock import today
from gxtrack.bootstrap import Runtime
from gxtrack.readmodels.engine import memo
from gxtrack.settings import Settings


@pytest.fixture
def rt(sqlite_settings):
    runtime = Runtime.open(sqlite_settings)
    yield runtime
    runtime.close()


def register(runtime, actor, name):
    runtime.app.register_project(
        actor,
        name=name,
        investor="示例投资方",
        industry="green",
        zone="wzedz",
        planned_investment="5000",
        stage_date=today() - timedelta(days=10),
    )
    runtime.wait_for_read_models()


class Counter:
    def __init__(self) -> None:
        self.calls = 0
        self.gate = threading.Event()
        self.gate.set()

    def __call__(self) -> int:
        self.gate.wait(5)
        self.calls += 1
        return self.calls


def test_without_an_allowance_an_event_means_a_fresh_value(rt, leader) -> None:
    compute = Counter()
    assert memo.memoized(rt.db, "k", compute) == 1
    assert memo.memoized(rt.db, "k", compute) == 1  # kept: nothing moved
    register(rt, leader, "甲项目")
    assert memo.memoized(rt.db, "k", compute) == 2


def later(monkeypatch, seconds: float) -> None:
    """Kept values look `seconds` older than they are."""
    clock = memo._now
    monkeypatch.setattr(memo, "_now", lambda: clock() + seconds)


def test_a_young_kept_value_is_served_after_an_event_without_a_refit(
    rt, leader
) -> None:
    compute = Counter()
    assert memo.memoized(rt.db, "k", compute, stale_for=60) == 1
    register(rt, leader, "甲项目")
    assert memo.memoized(rt.db, "k", compute, stale_for=60) == 1
    assert memo.settled(rt.db)
    assert compute.calls == 1


def test_a_kept_value_half_the_allowance_old_is_served_and_refreshed_behind(
    rt, leader, monkeypatch
) -> None:
    compute = Counter()
    assert memo.memoized(rt.db, "k", compute, stale_for=60) == 1
    register(rt, leader, "甲项目")
    later(monkeypatch, 30)
    compute.gate.clear()  # hold the refresh: the view must not wait for it
    assert memo.memoized(rt.db, "k", compute, stale_for=60) == 1
    assert memo.memoized(rt.db, "k", compute, stale_for=60) == 1  # one refresh
    compute.gate.set()
    assert memo.settled(rt.db)
    assert compute.calls == 2
    assert memo.memoized(rt.db, "k", compute, stale_for=60) == 2


def test_a_value_older_than_the_allowance_is_not_served(
    rt, leader, monkeypatch
) -> None:
    compute = Counter()
    assert memo.memoized(rt.db, "k", compute, stale_for=60) == 1
    register(rt, leader, "甲项目")
    later(monkeypatch, 60)  # computed 60 s ago: the view computes afresh itself
    assert memo.memoized(rt.db, "k", compute, stale_for=60) == 2


def test_the_setting_reads_from_the_environment() -> None:
    assert Settings.from_env({}).stale_figures_seconds == 600
    assert Settings.from_env({"GXTRACK_STALE_FIGURES": "0"}).stale_figures_seconds == 0


@pytest.mark.parametrize("allowance", [0, 60])
def test_the_forecast_and_what_if_spans_follow_the_setting(
    tmp_path, leader, allowance, monkeypatch
) -> None:
    settings = Settings(data_dir=tmp_path / "var", stale_figures_seconds=allowance)
    runtime = Runtime.open(settings)
    try:
        forecast, spans = runtime.app.forecast(), runtime.app._spans()
        register(runtime, leader, "甲项目")
        assert (runtime.app.forecast() is forecast) == bool(allowance)
        assert (runtime.app._spans() is spans) == bool(allowance)
        later(monkeypatch, allowance / 2)
        runtime.app.forecast(), runtime.app._spans()  # the refits start
        assert memo.settled(runtime.db)
        assert runtime.app.forecast() is not forecast
        assert runtime.app._spans() is not spans
    finally:
        runtime.close()
