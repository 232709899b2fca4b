"""Project use cases on every store: permissions, versions, events, read models."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from domain.clock import today
from domain.permissions import Actor
from domain.users import Role
from gxtrack.app.history import history
from gxtrack.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RuleViolationError,
)
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects

DAY0 = today() - timedelta(days=100)


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


def test_register_move_and_read_back(runtime, officer):
    project = register(runtime, officer)
    assert project["version"] == 1
    assert project["officer"] == "officer"
    moved = runtime.app.move_project(
        officer, project["id"], "signed", DAY0 + timedelta(days=10), expected_version=1
    )
    assert (moved["stage"], moved["version"]) == ("signed", 2)
    runtime.wait_for_read_models()
    page = list_projects(runtime.db, PoolFilter())
    assert page["total"] == 1
    assert page["items"][0]["stage"] == "signed"
    assert page["items"][0]["version"] == 2
    assert page["items"][0]["planned_investment"] == "50000"
    items = history(runtime.app, __import__("uuid").UUID(project["id"]))
    assert [i["type"] for i in items] == ["Registered", "Signed"]
    assert items[1]["actor"] == "officer"
    assert items[1]["effective_date"] == (DAY0 + timedelta(days=10)).isoformat()


def test_version_views(runtime, officer):
    project = register(runtime, officer)
    runtime.app.move_project(officer, project["id"], "signed", DAY0)
    assert runtime.app.get_project(project["id"], version=1)["stage"] == "negotiating"
    assert runtime.app.get_project(project["id"])["stage"] == "signed"
    with pytest.raises(NotFoundError):
        runtime.app.get_project(project["id"], version=7)
    with pytest.raises(NotFoundError):
        runtime.app.get_project("not-a-uuid")
    with pytest.raises(NotFoundError):
        runtime.app.get_project("0b2a3f1e-0000-4000-8000-000000000000")


def test_stale_expected_version_is_a_conflict_and_changes_nothing(runtime, officer):
    project = register(runtime, officer)
    runtime.app.report_progress(
        officer, project["id"], DAY0, "对接中", expected_version=1
    )
    with pytest.raises(ConflictError):
        runtime.app.move_project(
            officer, project["id"], "signed", DAY0, expected_version=1
        )
    assert runtime.app.get_project(project["id"])["stage"] == "negotiating"


def test_officer_permissions(runtime, officer, leader):
    project = register(runtime, leader, officer="someone_else")
    # Not theirs, no zone scope: refused.
    with pytest.raises(PermissionDeniedError):
        runtime.app.move_project(officer, project["id"], "signed", DAY0)
    # Scoped to the project's zone: allowed.
    zoned = Actor("officer_wzedz", Role.OFFICER, "wzedz")
    runtime.app.move_project(zoned, project["id"], "signed", DAY0)
    runtime.app.move_project(zoned, project["id"], "landed", DAY0 + timedelta(days=1))
    # Backward moves are leader-only corrections.
    with pytest.raises(PermissionDeniedError):
        runtime.app.move_project(zoned, project["id"], "signed", DAY0, "录错")
    runtime.app.move_project(leader, project["id"], "signed", DAY0, "录错")
    # Reinstate is leader-only.
    runtime.app.move_project(zoned, project["id"], "withdrawn", DAY0, "撤资")
    with pytest.raises(PermissionDeniedError):
        runtime.app.reinstate_project(zoned, project["id"], "恢复")
    assert (
        runtime.app.reinstate_project(leader, project["id"], "恢复")["stage"]
        == "signed"
    )
    # Viewers and auditors change nothing.
    for role in (Role.VIEWER, Role.AUDITOR):
        with pytest.raises(PermissionDeniedError):
            register(runtime, Actor("v", role))
    # A zone-scoped officer registers only in their zone.
    with pytest.raises(PermissionDeniedError):
        register(runtime, zoned, zone="mudu")


def test_rule_violation_carries_the_field(runtime, officer):
    with pytest.raises(RuleViolationError) as caught:
        register(runtime, officer, planned_investment="-1")
    assert caught.value.field == "planned_investment"
    project = register(runtime, officer)
    with pytest.raises(RuleViolationError) as caught:
        runtime.app.move_project(officer, project["id"], "landed", DAY0)
    assert caught.value.field == "to"


def _race(runtime, command) -> list[str]:
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def write(text: str) -> None:
        barrier.wait()
        try:
            command(text)
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=write, args=(n,)) for n in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


def test_concurrent_writers_one_wins_one_conflicts(runtime, officer):
    project = register(runtime, officer)

    def revise(name: str) -> None:
        runtime.app.revise_project(
            officer, project["id"], {"name": name}, "更名", expected_version=1
        )

    assert _race(runtime, revise) == ["conflict", "ok"]
    events = list(runtime.app.events.get(__import__("uuid").UUID(project["id"])))
    assert [type(e).__name__ for e in events] == ["Registered", "DetailsRevised"]


def test_concurrent_progress_notes_are_both_kept(runtime, officer):
    project = register(runtime, officer)

    def note(text: str) -> None:
        runtime.app.report_progress(
            officer, project["id"], DAY0, text, expected_version=1
        )

    assert _race(runtime, note) == ["ok", "ok"]
    events = list(runtime.app.events.get(__import__("uuid").UUID(project["id"])))
    notes = sorted(e.note for e in events if type(e).__name__ == "ProgressReported")
    assert notes == sorted(["甲", "乙"])
    assert len(events) == 3


def test_reference_data_admin_only(runtime, admin, officer):
    with pytest.raises(PermissionDeniedError):
        runtime.app.add_reference_entry(officer, "industry", "materials", "新材料")
    data = runtime.app.add_reference_entry(admin, "industry", "materials", "新材料")
    assert {"code": "materials", "name": "新材料"} in data["industries"]
    project = register(runtime, officer, industry="新材料")
    assert project["industry"] == "materials"


def test_as_of_pool(runtime, officer):
    a = register(runtime, officer, name="甲", stage_date=date(2024, 1, 1))
    register(runtime, officer, name="乙", stage_date=date(2024, 3, 1))
    runtime.app.move_project(officer, a["id"], "signed", date(2024, 2, 1))
    runtime.wait_for_read_models()

    def stages(day):
        page = list_projects(runtime.db, PoolFilter(as_of=day), sort="name")
        return [(i["name"], i["stage"]) for i in page["items"]]

    assert stages(date(2023, 12, 31)) == []
    assert stages(date(2024, 1, 31)) == [("甲", "negotiating")]
    # On the boundary day the project counts in the stage it entered that day.
    assert stages(date(2024, 2, 1)) == [("甲", "signed")]
    assert stages(date(2024, 3, 1)) == [("乙", "negotiating"), ("甲", "signed")]


def test_a_withdrawn_project_is_frozen_but_for_progress_and_reinstatement(
    runtime, officer, leader
):
    project = register(runtime, officer, stage="signed")
    runtime.app.move_project(leader, project["id"], "withdrawn", DAY0, "撤资")
    refused = [
        lambda: runtime.app.revise_project(leader, project["id"], {"name": "新"}, "r"),
        lambda: runtime.app.revise_plan(leader, project["id"], {"landed": today()}),
        lambda: runtime.app.reassign_project(leader, project["id"], "someone", "r"),
        lambda: runtime.app.redate_stage(leader, project["id"], "signed", DAY0, "r"),
    ]
    for command in refused:
        with pytest.raises(RuleViolationError, match="已终止"):
            command()
    assert runtime.app.get_project(project["id"])["version"] == 2
    # An officer may not reinstate; a leader may, and the project thaws.
    with pytest.raises(PermissionDeniedError):
        runtime.app.reinstate_project(officer, project["id"], "恢复")
    runtime.app.report_progress(officer, project["id"], DAY0, "仍在联系")
    runtime.app.reinstate_project(leader, project["id"], "恢复")
    runtime.app.reassign_project(leader, project["id"], "someone", "交接")


def test_not_found_messages_name_the_kind_of_record(runtime):
    with pytest.raises(NotFoundError, match="^项目不存在: nope$"):
        runtime.app.get_project("nope")
    missing = "00000000-0000-0000-0000-000000000000"
    with pytest.raises(NotFoundError, match=f"^企业不存在: {missing}$"):
        runtime.app.get_enterprise(missing)
