"""The stall roster: every project stalled on a day, judged once and kept until
the read models move on; lists, pages and counts are cut from it. On every store."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import today
from gxtrack.readmodels.pool import stalls
from gxtrack.readmodels.pool.judgement import judged, terms_on
from gxtrack.readmodels.pool.queries import (
    longest_stalled,
    stalled_count,
    stalled_projects,
)
from tests.application.test_stall_truth import register  # one sample project

TODAY = today()
D = timedelta(days=1)


def every_row_judged(runtime, day):
    """The domain's verdict on every pool row: the recompute the roster must equal."""
    terms = terms_on(runtime.db, day)
    rows = runtime.db.fetchall(
        "SELECT id, stage AS stage_code, stage_date AS stage_day, planned_signed,"
        " planned_landed, planned_producing, exempt_until FROM rm_projects"
    )
    return {r["id"]: v["level"] for r in rows if (v := judged(r, terms, day))}


def test_the_roster_equals_the_judgement_of_every_row(runtime, officer):
    for days in (10, 95, 100, 200, 400):
        register(runtime, officer, days)
    register(runtime, officer, 5, planned_dates={"signed": TODAY - 40 * D})
    register(runtime, officer, 20, zone="luzhi")
    runtime.wait_for_read_models()
    roster = stalls.roster(runtime.db, TODAY)
    assert {e[stalls.ID]: e[stalls.LEVEL] for e in roster} == every_row_judged(
        runtime, TODAY
    )
    # Kept: the same object until an event moves a read model.
    assert stalls.roster(runtime.db, TODAY) is roster
    listed = stalled_projects(runtime.db, TODAY)
    assert [i["id"] for i in listed["items"]] == [e[stalls.ID] for e in roster]
    assert all(
        i["stall"]["level"] == e[stalls.LEVEL]
        for i, e in zip(listed["items"], roster, strict=True)
    )


def test_pages_filters_and_counts_are_cut_from_the_roster(runtime, officer):
    red = register(runtime, officer, 400, name="【示例】红")
    yellow = register(runtime, officer, 100, name="【示例】黄")
    other = register(runtime, officer, 200, name="【示例】陆直", zone="luzhi")
    register(runtime, officer, 3, name="【示例】新")
    runtime.wait_for_read_models()
    db = runtime.db
    everything = [i["id"] for i in stalled_projects(db, TODAY)["items"]]
    assert everything == [red["id"], other["id"], yellow["id"]]  # red, then longest
    second = stalled_projects(db, TODAY, page=2, page_size=2)
    assert [i["id"] for i in second["items"]] == [yellow["id"]]
    assert second["total"] == 3
    zone = stalled_projects(db, TODAY, zone="wzedz", level="yellow")
    assert ([i["id"] for i in zone["items"]], zone["total"]) == ([yellow["id"]], 1)
    assert stalled_count(db, TODAY) == {
        "total": 3,
        "by_level": {"red": 2, "yellow": 1},
        "by_stage": {"negotiating": 3},
    }
    assert stalled_count(db, TODAY, zone="luzhi")["total"] == 1
    longest, total = longest_stalled(db, TODAY, 1)
    assert ([r["id"] for r in longest], total) == ([red["id"]], 3)


def test_an_event_moves_the_kept_roster(runtime, officer, leader):
    moved = register(runtime, officer, 150, name="【示例】将签约")
    exempted = register(runtime, officer, 160, name="【示例】将暂缓")
    runtime.wait_for_read_models()
    db = runtime.db
    assert stalled_count(db, TODAY)["total"] == 2
    assert stalled_projects(db, TODAY, page_size=50)["total"] == 2
    runtime.app.move_project(leader, moved["id"], "signed", TODAY)
    runtime.app.exempt_stall(leader, exempted["id"], "等待土地指标", TODAY + 30 * D)
    late = register(runtime, officer, 300, name="【示例】新登记")
    runtime.wait_for_read_models()
    assert stalled_count(db, TODAY)["total"] == 1
    listed = stalled_projects(db, TODAY, page_size=50)
    assert [i["id"] for i in listed["items"]] == [late["id"]]
    assert {e[stalls.ID] for e in stalls.roster(db, TODAY)} == set(
        every_row_judged(runtime, TODAY)
    )


def test_a_row_changed_after_the_roster_was_kept_is_judged_afresh(runtime, officer):
    p = register(runtime, officer, 150)
    runtime.wait_for_read_models()
    kept = stalls.roster(runtime.db, TODAY)
    # The page's rows are read after the roster: a verdict lifted meanwhile
    # shows as none (the lists drop such rows) rather than a stale one.
    with runtime.db.transaction() as cur:
        cur.execute(
            "UPDATE rm_projects SET exempt_until = ? WHERE id = ?",
            ((TODAY + 10 * D).isoformat(), p["id"]),
        )
    terms = terms_on(runtime.db, TODAY)
    rows = stalls.stall_rows(runtime.db, list(kept), TODAY, terms)
    assert [r["stall"] for r in rows] == [None]
