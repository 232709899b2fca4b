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
