"""A past date's summary from the monthly sums equals the intervals containing it.

`rm_stage_months` is kept by database triggers on `rm_stage_history`
(gxtrack/readmodels/pool/stage_months.py): every way an interval changes
(corrections, re-dated stages, revised zone or investment) must leave sums from
which any day's pool comes out as the history itself says.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest

from gxtrack.bootstrap import Runtime
from gxtrack.readmodels.pool.queries import PoolFilter, summary
from tests.conftest import pg_settings
from tests.reliability.workload import run_workload

UNIT = Decimal(10000)


def _expected(intervals, on: date, **only) -> dict:
    """By stage, industry, zone and in all: (count, investment) on `on`."""
    day = on.isoformat()
    sums: dict = {"by_stage": Counter(), "by_industry": Counter(), "by_zone": Counter()}
    money: dict = {key: Counter() for key in sums}
    for row in intervals:
        if not (row["entered_on"] <= day and (row["left_on"] or "9") > day):
            continue
        if any(row[key] != value for key, value in only.items()):
            continue
        for key, column in (
            ("by_stage", "stage"),
            ("by_industry", "industry"),
            ("by_zone", "zone"),
        ):
            sums[key][row[column]] += 1
            money[key][row[column]] += int(row["investment"])
    return {
        key: {k: (n, money[key][k]) for k, n in counts.items() if n}
        for key, counts in sums.items()
    }


def _actual(result: dict) -> dict:
    return {
        key: {
            k: (cell["count"], int(Decimal(cell["investment"]) * UNIT))
            for k, cell in result[key].items()
            if cell["count"]
        }
        for key in ("by_stage", "by_industry", "by_zone")
    }


@pytest.fixture
def history(runtime):
    run_workload(runtime.app, projects=15, commands=260, seed=3, after_each=None)
    runtime.wait_for_read_models()
    return runtime.db.fetchall("SELECT * FROM rm_stage_history")


def _days(intervals) -> list[date]:
    """Every edge, the day before it, and the first and last day of its month."""
    days: set[date] = set()
    for row in intervals:
        for text in (row["entered_on"], row["left_on"]):
            if text:
                edge = date.fromisoformat(text)
                first = edge.replace(day=1)
                last = (first + timedelta(days=32)).replace(day=1) - timedelta(1)
                days |= {edge, edge - timedelta(1), first, last}
    return sorted(days)


def test_summary_as_of_every_edge_equals_the_history(runtime, history):
    assert any(r["left_on"] for r in history)  # closed intervals, not only open
    months = {r["entered_on"][:7] for r in history}
    assert len(months) >= 3  # the sums of earlier months are used
    for on in _days(history):
        result = summary(runtime.db, PoolFilter(as_of=on))
        assert _actual(result) == _expected(history, on), on


def test_summary_as_of_with_filters_equals_the_history(runtime, history):
    one = history[0]
    for on in _days(history)[::3]:
        for only in (
            {"stage": one["stage"]},
            {"zone": one["zone"], "industry": one["industry"]},
        ):
            result = summary(runtime.db, PoolFilter(as_of=on, **only))
            assert _actual(result) == _expected(history, on, **only), (on, only)


def test_rebuilt_sums_equal_the_followed_ones(runtime, history):
    before = runtime.db.fetchall("SELECT * FROM rm_stage_months")
    assert before and all(r["n"] or r["investment"] for r in before)
    runtime.projections.rebuild(["pool"])
    after = runtime.db.fetchall("SELECT * FROM rm_stage_months")
    key = lambda r: (r["stage"], r["industry"], r["zone"], r["month"])  # noqa: E731
    assert sorted(after, key=key) == sorted(before, key=key)


def test_no_interval_ends_before_it_begins(history):
    # The aggregate keeps its own timeline, so a re-dated stage stays within
    # the interval around it (a withdrawal later undone included).
    assert len(history) > 40
    assert [r for r in history if r["left_on"] and r["left_on"] < r["entered_on"]] == []


def test_a_store_with_the_former_row_trigger_sums_each_change_once(pg_schema, tmp_path):
    # Earlier releases kept the sums on PostgreSQL by a row trigger of this
    # name; left beside the statement triggers it would count twice.
    settings = pg_settings(pg_schema, tmp_path)
    runtime = Runtime.open(settings)
    with runtime.db.transaction() as cur:
        cur.execute(
            "CREATE FUNCTION former_follow() RETURNS trigger LANGUAGE plpgsql"
            " AS $$ BEGIN UPDATE rm_stage_months SET n = n + 1000; RETURN NULL;"
            " END $$"
        )
        cur.execute(
            "CREATE TRIGGER rm_stage_history_follow AFTER INSERT OR UPDATE"
            " ON rm_stage_history FOR EACH ROW EXECUTE FUNCTION former_follow()"
        )
    runtime.close()
    runtime = Runtime.open(settings)
    try:
        run_workload(runtime.app, projects=6, commands=60, seed=5, after_each=None)
        runtime.wait_for_read_models()
        intervals = runtime.db.fetchall("SELECT * FROM rm_stage_history")
        for on in _days(intervals)[::4]:
            result = summary(runtime.db, PoolFilter(as_of=on))
            assert _actual(result) == _expected(intervals, on), on
    finally:
        runtime.close()
