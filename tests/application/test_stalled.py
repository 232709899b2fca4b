"""The stall scan, the alert lifecycle and the policy on every store."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from uuid import UUID

import pytest

from domain.clock import today
from domain.stall import iso_week
from gxtrack.app.history import history
from gxtrack.errors import ConflictError, PermissionDeniedError, RuleViolationError
from gxtrack.readmodels.alerts.queries import (
    alert_metrics,
    list_alerts,
    list_scans,
    list_stalled,
)
from gxtrack.readmodels.pool.queries import scan_candidates

TODAY = today()


def register(runtime, actor, days_ago, **overrides):
    fields = dict(
        name="【示例】储能电池项目",
        investor="某新能源有限公司",
        industry="green",
        zone="wzedz",
        planned_investment="50000",
        stage_date=TODAY - timedelta(days=days_ago),
    )
    fields.update(overrides)
    return runtime.app.register_project(actor, **fields)


def pool_row(runtime, project_id):
    return runtime.db.fetchone(
        "SELECT stall_level, stall_rule, stall_days, stall_since, version"
        " FROM rm_projects WHERE id = ?",
        (project_id,),
    )


def types(runtime, project_id):
    return [i["type"] for i in history(runtime.app, UUID(project_id))]


def test_scan_flags_records_the_week_once_and_lists(runtime, officer, leader):
    fresh = register(runtime, officer, 10, name="【示例】新项目")
    yellow = register(runtime, officer, 90, name="【示例】黄色项目")
    red = register(runtime, officer, 180, name="【示例】红色项目")
    late = register(
        runtime,
        officer,
        5,
        name="【示例】逾期项目",
        planned_dates={"signed": TODAY - timedelta(days=31)},
    )
    scan, created = runtime.app.run_stall_scan(leader, TODAY)
    assert created and scan["week"] == iso_week(TODAY)
    flagged = {f["project_id"]: f for f in scan["flagged"]}
    assert set(flagged) == {yellow["id"], red["id"], late["id"]}
    assert flagged[red["id"]] == {
        "project_id": red["id"],
        "level": "red",
        "days_in_stage": 180,
        "rule": "stage_threshold",
    }
    assert flagged[late["id"]]["rule"] == "overdue"
    assert scan["cleared"] == []
    runtime.wait_for_read_models()
    assert pool_row(runtime, yellow["id"])["stall_level"] == "yellow"
    assert pool_row(runtime, fresh["id"])["stall_level"] is None
    assert types(runtime, yellow["id"]) == ["Registered", "StallFlagged"]
    flag = history(runtime.app, UUID(yellow["id"]))[1]
    assert (flag["label"], flag["actor"]) == ("停滞预警", "leader")
    assert flag["effective_date"] == TODAY.isoformat()
    assert flag["data"]["policy_version"] == 1 and flag["data"]["threshold"] == 90
    assert runtime.app.get_project(red["id"])["stall"]["level"] == "red"
    # The same week again records nothing new and returns the first result.
    before = runtime.app.position()
    again, created = runtime.app.run_stall_scan(leader, TODAY)
    assert not created and again == scan
    assert runtime.app.position() == before
    # The list for the scan's date is the scan's list, most severe first.
    items = list_stalled(runtime.db, TODAY)["items"]
    assert [i["project_id"] for i in items][0] == red["id"]
    assert {i["project_id"] for i in items} == set(flagged)
    assert set(items[0]) >= {
        "project_id",
        "name",
        "stage",
        "level",
        "days_in_stage",
        "rule",
        "officer",
    }
    assert list_scans(runtime.db)["items"][0]["flagged"] == 3


def test_escalation_records_a_new_flag_and_clear_on_move(runtime, officer, leader):
    p = register(runtime, officer, 170)
    runtime.app.run_stall_scan(leader, TODAY - timedelta(days=7))
    scan, _ = runtime.app.run_stall_scan(leader, TODAY)
    assert scan["flagged"] == [] and scan["cleared"] == []  # still yellow: nothing new
    runtime.app.revise_plan(officer, p["id"], {"signed": TODAY - timedelta(days=80)})
    # Not the current week: scans take any past as-of date, one per week.
    scan, created = runtime.app.run_stall_scan(leader, TODAY - timedelta(days=14))
    assert created and [f["level"] for f in scan["flagged"]] == ["red"]
    runtime.wait_for_read_models()
    alerts = list_alerts(runtime.db, project_id=p["id"])["items"]
    assert [(a["level"], a["is_open"]) for a in alerts] == [
        ("red", True),
        ("yellow", False),
    ]
    # Moving the stalled project clears the alert in the same save.
    moved = runtime.app.move_project(officer, p["id"], "signed", TODAY)
    assert moved["stall"] is None
    assert types(runtime, p["id"])[-2:] == ["Signed", "StallCleared"]
    runtime.wait_for_read_models()
    assert pool_row(runtime, p["id"])["stall_level"] is None
    assert all(
        a["cleared_at"] for a in list_alerts(runtime.db, project_id=p["id"])["items"]
    )
    assert list_stalled(runtime.db)["items"] == []


def test_scan_clears_projects_no_longer_stalled(runtime, officer, leader, admin):
    p = register(runtime, officer, 100)
    runtime.app.run_stall_scan(leader, TODAY - timedelta(days=7))
    runtime.app.change_stall_policy(admin, {"negotiating": 120})
    scan, _ = runtime.app.run_stall_scan(leader, TODAY)
    assert scan["cleared"] == [p["id"]] and scan["flagged"] == []
    runtime.wait_for_read_models()
    assert pool_row(runtime, p["id"])["stall_level"] is None


def test_policy_change_is_recorded_and_flags_carry_its_version(
    runtime, officer, leader, admin
):
    assert runtime.app.stall_policy()["version"] == 1
    with pytest.raises(PermissionDeniedError):
        runtime.app.change_stall_policy(leader, {"negotiating": 30})
    with pytest.raises(RuleViolationError):
        runtime.app.change_stall_policy(admin, {"negotiating": 0})
    policy = runtime.app.change_stall_policy(admin, {"negotiating": 30}, reason="试行")
    assert policy["version"] == 2 and policy["thresholds"]["negotiating"] == 30
    with pytest.raises(ConflictError):
        runtime.app.change_stall_policy(admin, {"signed": 100}, expected_version=1)
    p = register(runtime, officer, 30)
    scan, _ = runtime.app.run_stall_scan(leader, TODAY)
    assert scan["policy_version"] == 2
    events = list(runtime.app.events.get(UUID(p["id"])))
    assert events[-1].policy_version == 2 and events[-1].threshold == 30
    runtime.wait_for_read_models()
    assert list_alerts(runtime.db)["items"][0]["policy_version"] == 2
    assert list_stalled(runtime.db)["policy_version"] == 2


def test_answer_and_escalate_permissions_and_events(runtime, officer, leader):
    from domain.permissions import Actor
    from domain.users import Role

    p = register(runtime, officer, 100)
    with pytest.raises(RuleViolationError):  # not stalled yet
        runtime.app.answer_stall(officer, p["id"], "原因", "计划", TODAY)
    runtime.app.run_stall_scan(leader, TODAY)
    other = Actor("other_officer", Role.OFFICER)
    with pytest.raises(PermissionDeniedError):
        runtime.app.answer_stall(other, p["id"], "原因", "计划", TODAY)
    with pytest.raises(PermissionDeniedError):
        runtime.app.escalate_stall(officer, p["id"], "督办")
    with pytest.raises(ConflictError):
        runtime.app.answer_stall(
            officer, p["id"], "原因", "计划", TODAY, expected_version=1
        )
    answered = runtime.app.answer_stall(
        officer,
        p["id"],
        "用地指标未落实",
        "月底前协调",
        TODAY + timedelta(days=14),
        expected_version=2,
    )
    assert answered["stall"]["answer"]["cause"] == "用地指标未落实"
    escalated = runtime.app.escalate_stall(
        leader, p["id"], "列入区重点督办", expected_version=3
    )
    assert escalated["stall"]["escalation"]["actor"] == "leader"
    items = history(runtime.app, UUID(p["id"]))
    assert [i["type"] for i in items] == [
        "Registered",
        "StallFlagged",
        "StallAnswered",
        "StallEscalated",
    ]
    assert [i["label"] for i in items][2:] == ["预警回复", "督办"]
    assert items[3]["reason"] == "列入区重点督办"
    runtime.wait_for_read_models()
    alert = list_alerts(runtime.db, open_only=True)["items"][0]
    assert alert["cause"] == "用地指标未落实" and alert["escalated_by"] == "leader"
    assert alert["response_hours"] is not None
    metrics = alert_metrics(runtime.db)
    assert (
        metrics["alerts"],
        metrics["answered"],
        metrics["escalated"],
        metrics["open"],
    ) == (1, 1, 1, 1)
    listed = list_stalled(runtime.db)["items"][0]
    assert listed["alert"]["escalation_reason"] == "列入区重点督办"


def test_scan_refuses_officers_and_future_dates(runtime, officer, leader):
    with pytest.raises(PermissionDeniedError):
        runtime.app.run_stall_scan(officer)
    with pytest.raises(RuleViolationError) as error:
        runtime.app.run_stall_scan(leader, TODAY + timedelta(days=1))
    assert error.value.field == "as_of"


def test_projections_rebuild_to_the_same_alerts(runtime, officer, leader):
    p = register(runtime, officer, 200)
    runtime.app.run_stall_scan(leader, TODAY)
    runtime.app.answer_stall(officer, p["id"], "原因", "计划", TODAY)
    runtime.wait_for_read_models()
    before = list_alerts(runtime.db)["items"]
    runtime.projections.rebuild(["stalled", "pool"])
    assert list_alerts(runtime.db)["items"] == before
    assert pool_row(runtime, p["id"])["stall_level"] == "red"


def test_a_project_changed_after_the_pool_was_read_is_judged_from_its_events(
    runtime, officer, leader
):
    p = register(runtime, officer, 100)
    runtime.wait_for_read_models()
    # The scan reads the pool without catching up: it lags one event behind
    # (its version is stale), as if the project changed between the pool read
    # and the save.
    runtime.app.pool_rows = partial(scan_candidates, runtime.db)
    runtime.app.report_progress(officer, p["id"], TODAY, "对接中")
    scan, created = runtime.app.run_stall_scan(leader, TODAY)
    assert created and [f["project_id"] for f in scan["flagged"]] == [p["id"]]
    assert types(runtime, p["id"]) == ["Registered", "ProgressReported", "StallFlagged"]


def test_two_scans_of_the_same_week_at_once_record_it_once(runtime, officer, leader):
    import threading

    for n in range(5):
        register(runtime, officer, 100 + n, name=f"【示例】项目{n}")
    results: list = []

    def scan() -> None:
        results.append(runtime.app.run_stall_scan(leader, TODAY))

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(created for _, created in results) == [False, True]
    assert results[0][0] == results[1][0]
    flags = [
        e
        for p in runtime.db.fetchall("SELECT id FROM rm_projects")
        for e in runtime.app.events.get(UUID(p["id"]))
        if type(e).__name__ == "StallFlagged"
    ]
    assert len(flags) == 5


def test_alerts_of_one_officer_carry_their_projects(
    runtime, officer, leader, monkeypatch
):
    from gxtrack.readmodels.pool import queries as pool

    mine = [
        register(runtime, officer, 100 + n, name=f"【示例】我的项目{n}")
        for n in range(3)
    ]
    theirs = register(runtime, leader, 200, name="【示例】别人的项目", officer="other")
    runtime.app.run_stall_scan(leader, TODAY)
    runtime.wait_for_read_models()
    listed = list_alerts(runtime.db, officer="officer")["items"]
    assert {a["project_id"] for a in listed} == {p["id"] for p in mine}
    assert {(a["name"], a["officer"], a["stage"], a["zone"]) for a in listed} == {
        (p["name"], "officer", "negotiating", "wzedz") for p in mine
    }
    assert [a["flagged_at"] for a in listed] == sorted(
        (a["flagged_at"] for a in listed), reverse=True
    )
    everyone = list_alerts(runtime.db)["items"]
    assert theirs["id"] in {a["project_id"] for a in everyone}
    assert list_alerts(runtime.db, officer="officer", limit=2)["items"] == listed[:2]
    # Officers with more projects than one lookup holds: the same newest first.
    monkeypatch.setattr(pool, "LOOKUP_CHUNK", 1)
    assert list_alerts(runtime.db, officer="officer")["items"] == listed
    assert list_alerts(runtime.db, officer="officer", limit=2)["items"] == listed[:2]
    assert list_alerts(runtime.db, officer="nobody")["items"] == []


def test_the_scan_judges_every_stage_that_can_stall(runtime, officer, leader):
    def project_in(stage: str, days: int) -> str:
        """A project that entered `stage` `days` ago, by the forward stages."""
        p = register(runtime, officer, days + 10, name=f"【示例】{stage}")
        for step in ("signed", "landed", "producing"):
            if step in STEPS_TO[stage]:
                runtime.app.move_project(
                    officer, p["id"], step, TODAY - timedelta(days=days)
                )
        return p["id"]

    # Each at its stage's threshold: a producing project never stalls.
    stalled = {
        project_in("negotiating", 90),
        project_in("signed", 180),
        project_in("landed", 365),
    }
    project_in("producing", 700)
    scan, _ = runtime.app.run_stall_scan(leader, TODAY)
    assert {f["project_id"] for f in scan["flagged"]} == stalled
    assert scan["judged"] == 3


STEPS_TO = {
    "negotiating": (),
    "signed": ("signed",),
    "landed": ("signed", "landed"),
    "producing": ("signed", "landed", "producing"),
}


def test_the_scan_judges_every_stallable_stage(runtime, officer, leader):
    from domain.stall import RED_FACTOR, STALLABLE_STAGES

    assert [s.value for s in STALLABLE_STAGES] == ["negotiating", "signed", "landed"]
    negotiating = register(runtime, officer, 91)
    signed = register(runtime, officer, 181, stage="signed")
    landed = register(runtime, officer, 400, stage="signed")
    runtime.app.move_project(
        officer, landed["id"], "landed", TODAY - timedelta(days=366)
    )
    scan, _ = runtime.app.run_stall_scan(leader, TODAY)
    flagged = {f["project_id"]: f["level"] for f in scan["flagged"]}
    assert flagged == {
        negotiating["id"]: "yellow",
        signed["id"]: "yellow",
        landed["id"]: "yellow",
    }
    assert runtime.app.stall_policy()["red_factor"] == RED_FACTOR == 2


def test_a_project_view_judges_by_the_policy_changed_since_the_last_view(
    runtime, officer, admin
):
    """The policy's versions are kept between views; a change (here by this
    process, as by another) is seen by the very next view."""
    p = register(runtime, officer, 100)
    before = runtime.app.get_project(p["id"])["stall"]
    assert before is not None and before["days_in_stage"] == 100
    runtime.app.change_stall_policy(admin, {"negotiating": 120})
    assert runtime.app.get_project(p["id"])["stall"] is None
    runtime.app.change_stall_policy(admin, {"negotiating": 90})
    assert runtime.app.get_project(p["id"])["stall"]["threshold"] == 90
