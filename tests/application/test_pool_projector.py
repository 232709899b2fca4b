"""The pool row follows a project's stage moves, whether events come one by one,
several in a batch, or replayed by a rebuild."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clock import today
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects

DAY0 = today() - timedelta(days=60)


def _item(runtime, pid):
    (item,) = list_projects(runtime.db, PoolFilter(ids=[pid]))["items"]
    return item


def _withdrawn_and_reinstated(runtime, leader, sync_each: bool):
    app = runtime.app
    step = runtime.wait_for_read_models if sync_each else (lambda: None)
    pid = app.register_project(
        leader,
        name="【示例】恢复项目",
        investor="示例投资方",
        industry="green",
        zone="wzedz",
        planned_investment="100",
        stage_date=DAY0,
    )["id"]
    step()
    app.move_project(leader, pid, "signed", DAY0 + timedelta(days=5))
    step()
    app.move_project(leader, pid, "withdrawn", DAY0 + timedelta(days=9), "撤资")
    step()
    app.reinstate_project(leader, pid, "恢复", on=DAY0 + timedelta(days=20))
    runtime.wait_for_read_models()
    return pid


@pytest.mark.parametrize("sync_each", [True, False], ids=["followed", "one-batch"])
def test_a_reinstated_project_no_longer_shows_its_withdrawal(
    runtime, leader, sync_each
):
    pid = _withdrawn_and_reinstated(runtime, leader, sync_each)
    item = _item(runtime, pid)
    assert item["stage"] == "signed"
    assert item["stage_date"] == (DAY0 + timedelta(days=5)).isoformat()
    assert item["stage_dates"] == {
        "negotiating": DAY0.isoformat(),
        "signed": (DAY0 + timedelta(days=5)).isoformat(),
    }
    runtime.projections.rebuild(["pool"])
    assert _item(runtime, pid) == item


def test_a_withdrawn_project_shows_its_withdrawal(runtime, leader):
    app = runtime.app
    pid = _withdrawn_and_reinstated(runtime, leader, sync_each=True)
    app.move_project(leader, pid, "withdrawn", DAY0 + timedelta(days=30), "撤资")
    runtime.wait_for_read_models()
    item = _item(runtime, pid)
    assert item["stage"] == "withdrawn"
    assert item["stage_dates"]["withdrawn"] == (DAY0 + timedelta(days=30)).isoformat()


def _history(runtime, pid):
    return [
        (r["stage"], str(r["entered_on"]), r["left_on"] and str(r["left_on"]))
        for r in runtime.db.fetchall(
            "SELECT stage, entered_on, left_on FROM rm_stage_history"
            " WHERE project_id = ? ORDER BY seq",
            (pid,),
        )
    ]


def _intervals(timeline):
    entries = timeline.entries
    return [
        (
            e.stage.value,
            e.day.isoformat(),
            entries[i + 1].day.isoformat() if i + 1 < len(entries) else None,
        )
        for i, e in enumerate(entries)
    ]


@pytest.mark.parametrize("sync_each", [True, False], ids=["followed", "one-batch"])
def test_the_stage_history_is_the_aggregates_timeline(runtime, leader, sync_each):
    from domain.project import InvestmentProject
    from tests.reliability.workload import run_workload

    app = runtime.app
    step = runtime.wait_for_read_models if sync_each else None
    ids = run_workload(app, projects=12, commands=150, seed=3, after_each=step)
    # Signed, withdrawn and reinstated all on one day, then the signing
    # re-dated: only the entry the domain moves may move in the history.
    pid = app.register_project(
        leader,
        name="【示例】同日终止又恢复",
        investor="示例投资方",
        industry="green",
        zone="wzedz",
        planned_investment="100",
        stage_date=DAY0,
    )["id"]
    day = DAY0 + timedelta(days=9)
    app.move_project(leader, pid, "signed", day)
    app.move_project(leader, pid, "withdrawn", day, "撤资")
    app.reinstate_project(leader, pid, "恢复", on=day)
    app.redate_stage(leader, pid, "signed", DAY0 + timedelta(days=2), "日期更正")
    runtime.wait_for_read_models()
    for project_id in [*ids, pid]:
        project = app.load(InvestmentProject, project_id)
        assert _history(runtime, project_id) == _intervals(project.timeline)
    assert _history(runtime, pid) == [
        ("negotiating", DAY0.isoformat(), (DAY0 + timedelta(days=2)).isoformat()),
        ("signed", (DAY0 + timedelta(days=2)).isoformat(), day.isoformat()),
        ("withdrawn", day.isoformat(), day.isoformat()),
        ("signed", day.isoformat(), None),
    ]
