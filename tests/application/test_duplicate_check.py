"""The duplicate check before a registration does not wait for the read models:
it reads the pool as applied and the projects saved since then from the log,
so it answers as if it had waited."""

from __future__ import annotations

from datetime import date

import pytest

from gxtrack.app import projects as project_use_cases
from gxtrack.app.projects import DuplicateProjectError

NAME = "【示例】储能电池项目"
INVESTOR = "【示例】某新能源有限公司"


def register(runtime, actor, confirm=None, **overrides):
    fields = dict(
        name=NAME,
        investor=INVESTOR,
        industry="green",
        zone="wzedz",
        planned_investment="5000",
        stage_date=date(2026, 1, 5),
    )
    fields.update(overrides)
    return runtime.app.register_project(actor, confirm_duplicate=confirm, **fields)


def pool_behind(runtime) -> bool:
    return runtime.projections.positions()["pool"] < runtime.app.position()


def test_a_registration_the_pool_has_not_applied_is_a_duplicate(runtime, leader):
    first = register(runtime, leader)
    assert pool_behind(runtime)
    with pytest.raises(DuplicateProjectError) as refused:
        register(runtime, leader, confirm=False, investor=" 【示例】某新能源有限公司")
    assert [d["id"] for d in refused.value.duplicates] == [first["id"]]
    assert refused.value.duplicates[0]["stage"] == "negotiating"
    assert pool_behind(runtime)  # answered without applying the log


def test_a_rename_or_withdrawal_the_pool_has_not_applied_counts(runtime, leader):
    renamed = register(runtime, leader)
    withdrawn = register(runtime, leader, name="【示例】光伏组件项目")
    runtime.wait_for_read_models()  # both in the pool under their first names
    runtime.app.revise_project(
        leader, renamed["id"], {"name": "【示例】储能系统项目"}, "更正名称"
    )
    runtime.app.move_project(
        leader, withdrawn["id"], "withdrawn", date(2026, 2, 1), "投资方放弃"
    )
    assert pool_behind(runtime)
    # Under their old names in the pool's rows, no longer in the log.
    register(runtime, leader, confirm=False)
    register(runtime, leader, confirm=False, name="【示例】光伏组件项目")
    with pytest.raises(DuplicateProjectError) as refused:
        register(runtime, leader, confirm=False, name="【示例】储能系统项目")
    assert [d["id"] for d in refused.value.duplicates] == [renamed["id"]]


def test_far_behind_it_waits_for_the_pool(runtime, leader, monkeypatch):
    monkeypatch.setattr(project_use_cases, "DUPLICATE_TAIL", 2)
    first = register(runtime, leader)
    for n in range(3):
        register(runtime, leader, name=f"【示例】其他项目{n}")
    with pytest.raises(DuplicateProjectError) as refused:
        register(runtime, leader, confirm=False)
    assert [d["id"] for d in refused.value.duplicates] == [first["id"]]
    assert not pool_behind(runtime)  # it caught the read models up first


def test_a_reinstatement_the_pool_has_not_applied_counts(runtime, leader):
    project = register(runtime, leader)
    runtime.app.move_project(
        leader, project["id"], "withdrawn", date(2026, 2, 1), "投资方放弃"
    )
    runtime.wait_for_read_models()
    again = register(runtime, leader, confirm=False)  # a withdrawn one is no duplicate
    runtime.app.reinstate_project(leader, project["id"], "投资方重启洽谈")
    assert pool_behind(runtime)
    with pytest.raises(DuplicateProjectError) as refused:
        register(runtime, leader, confirm=False)
    found = sorted(d["id"] for d in refused.value.duplicates)
    assert found == sorted([project["id"], again["id"]])
