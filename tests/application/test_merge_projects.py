"""Merging a duplicate project: both aggregates, every read model, permissions."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest

from domain.clock import today
from gxtrack.app.history import history
from gxtrack.errors import NotFoundError, PermissionDeniedError, RuleViolationError
from gxtrack.readmodels.alerts.queries import alert_metrics
from gxtrack.readmodels.milestones.queries import completed_investment
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects, summary
from gxtrack.readmodels.stage_facts.queries import pool_as_known

DAY0 = today() - timedelta(days=400)  # long enough in 在谈 to stall


def register(runtime, actor, **overrides):
    fields = dict(
        name="储能电池项目",
        investor="宁德某新能源有限公司",
        industry="green",
        zone="wzedz",
        planned_investment="50000",
        stage_date=DAY0,
    )
    fields.update(overrides)
    return runtime.app.register_project(actor, **fields)


@pytest.fixture
def pair(runtime, leader):
    survivor = register(runtime, leader)
    duplicate = register(runtime, leader, name="储能电池项目 ")
    return survivor, duplicate


def totals(runtime):
    runtime.wait_for_read_models()
    db = runtime.db
    month = today().strftime("%Y-%m")
    return {
        "pool": summary(db, PoolFilter())["total"]["count"],
        "listed": list_projects(db, PoolFilter())["total"],
        "as_of": summary(db, PoolFilter(as_of=DAY0 + timedelta(days=1)))["total"][
            "count"
        ],
        "known": len(pool_as_known(db, today())),
        "alerts": alert_metrics(db)["open"],
        "investment": completed_investment(db, month, month),
    }


def test_a_merge_drops_the_duplicate_from_every_count(runtime, leader, pair):
    survivor, duplicate = pair
    month = today().strftime("%Y-%m")
    for p in pair:
        runtime.app.report_investment(leader, p["id"], month, "100")
    runtime.app.run_stall_scan(leader)
    before = totals(runtime)
    assert before == {
        "pool": 2,
        "listed": 2,
        "as_of": 2,
        "known": 2,
        "alerts": 2,
        "investment": "200",
    }

    runtime.app.merge_project(
        leader, duplicate["id"], survivor["id"], "同一项目登记两次"
    )

    assert totals(runtime) == {
        "pool": 1,
        "listed": 1,
        "as_of": 1,
        "known": 1,
        "alerts": 1,
        "investment": "100",
    }
    page = list_projects(runtime.db, PoolFilter())
    assert [i["id"] for i in page["items"]] == [survivor["id"]]


def test_both_histories_and_views_show_the_merge(runtime, leader, pair):
    survivor, duplicate = pair
    merged = runtime.app.merge_project(
        leader, duplicate["id"], survivor["id"], "重复登记"
    )
    assert merged["merged_into"] == survivor["id"]
    assert merged["merged_into_name"] == survivor["name"]
    assert runtime.app.get_project(survivor["id"])["absorbed"] == [duplicate["id"]]

    dup_history = history(runtime.app, UUID(duplicate["id"]))
    assert dup_history[0]["type"] == "Registered"  # its own history stays readable
    assert dup_history[-1]["type"] == "MergedInto"
    assert (dup_history[-1]["actor"], dup_history[-1]["reason"]) == (
        "leader",
        "重复登记",
    )
    last = history(runtime.app, UUID(survivor["id"]))[-1]
    assert last["type"] == "DuplicateAbsorbed" and last["reason"] == "重复登记"


def test_a_merged_project_refuses_every_further_command(runtime, leader, pair):
    survivor, duplicate = pair
    runtime.app.merge_project(leader, duplicate["id"], survivor["id"], "重复登记")
    with pytest.raises(RuleViolationError) as refused:
        runtime.app.report_progress(leader, duplicate["id"], today(), "进展")
    assert refused.value.code == "project_merged"
    with pytest.raises(RuleViolationError) as twice:
        runtime.app.merge_project(leader, duplicate["id"], survivor["id"], "再次")
    assert twice.value.code == "already_merged"
    assert runtime.app.get_project(duplicate["id"])["version"] == 2


def test_only_leaders_merge(runtime, leader, officer, admin, pair):
    survivor, duplicate = pair
    with pytest.raises(PermissionDeniedError):
        runtime.app.merge_project(officer, duplicate["id"], survivor["id"], "重复")
    assert runtime.app.get_project(duplicate["id"])["merged_into"] is None
    runtime.app.merge_project(admin, duplicate["id"], survivor["id"], "重复")


def test_refusals_name_the_field(runtime, leader, pair):
    survivor, duplicate = pair
    runtime.app.move_project(leader, survivor["id"], "withdrawn", today(), "不再跟进")
    cases = {
        survivor["id"]: "merge_target_closed",  # withdrawn
        duplicate["id"]: "merge_into_itself",
        "00000000-0000-0000-0000-000000000000": None,  # unknown survivor
    }
    for into, code in cases.items():
        with pytest.raises(RuleViolationError) as refused:
            runtime.app.merge_project(leader, duplicate["id"], into, "重复")
        assert refused.value.field == "into"
        if code:
            assert refused.value.code == code
    with pytest.raises(NotFoundError):
        runtime.app.merge_project(leader, "nope", survivor["id"], "重复")
    assert date.today()  # nothing recorded on either: both still at their version
    assert runtime.app.get_project(duplicate["id"])["version"] == 1


def test_the_activity_log_shows_the_merge_on_both(runtime, leader, pair):
    from gxtrack.readmodels.activity.queries import ActivityFilter, activity_page

    survivor, duplicate = pair
    runtime.app.merge_project(leader, duplicate["id"], survivor["id"], "重复登记")
    runtime.wait_for_read_models()
    page = activity_page(runtime.db, ActivityFilter(actor="leader"), 1, 10)
    newest = {(i["type"], i["id"], i["reason"]) for i in page["items"][:2]}
    assert newest == {
        ("MergedInto", duplicate["id"], "重复登记"),
        ("DuplicateAbsorbed", survivor["id"], "重复登记"),
    }


def test_a_rebuild_leaves_the_duplicate_out_as_the_live_projection_did(
    runtime, leader, pair
):
    survivor, duplicate = pair
    month = today().strftime("%Y-%m")
    for p in pair:
        runtime.app.report_investment(leader, p["id"], month, "100")
    runtime.app.run_stall_scan(leader)
    runtime.app.merge_project(leader, duplicate["id"], survivor["id"], "重复登记")
    live = totals(runtime)
    runtime.projections.rebuild()
    assert totals(runtime) == live
