"""The kept stall roster is patched after events: only the projects they changed
are judged again. Patched, it must equal a full pass after every kind of event
(stage move, withdrawal, node change, exemption, reassignment, registration,
merge), on today and on a past day; its counts must equal counts made afresh;
a policy change makes a full pass. On every store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clock import today
from gxtrack.readmodels.pool import stalls
from gxtrack.readmodels.pool.queries import stalled_count
from tests.application.test_stall_truth import register  # one sample project

TODAY = today()
D = timedelta(days=1)
PAST = TODAY - 30 * D
FILTERS = [(None, None), (None, "luzhi"), ("officer", None), ("officer2", "wzedz")]


@pytest.fixture
def full_passes(monkeypatch):
    """How many full passes the roster made (patches are not counted)."""
    calls: list[object] = []
    real = stalls._full

    def counted(db, as_of):
        calls.append(as_of)
        return real(db, as_of)

    monkeypatch.setattr(stalls, "_full", counted)
    return calls


def asked(runtime):
    """Roster and counts of today and of a past day, as views ask them."""
    for day in (TODAY, PAST):
        stalls.roster(runtime.db, day)
        for officer, zone in FILTERS:
            stalled_count(runtime.db, day, officer, zone)


def same_as_a_full_pass(runtime):
    """The kept (patched) roster and counts equal those of a pass made afresh."""
    runtime.wait_for_read_models()
    for day in (TODAY, PAST):
        terms = stalls.terms_on(runtime.db, day)
        fresh = sorted(stalls._judge(runtime.db, day, terms), key=stalls.order)
        assert stalls.roster(runtime.db, day) == tuple(fresh)
        for officer, zone in FILTERS:
            picked = stalls._picked(fresh, officer, zone)
            assert stalled_count(runtime.db, day, officer, zone) == stalls._counted(
                picked
            )


def test_a_patched_roster_equals_a_full_pass_after_each_event(
    runtime, officer, leader, admin, full_passes
):
    app = runtime.app
    moved = register(runtime, officer, 150, name="【示例】将签约")
    withdrawn = register(runtime, officer, 400, name="【示例】将终止")
    node = register(runtime, officer, 20, name="【示例】节点", stage="signed")
    exempted = register(runtime, officer, 200, name="【示例】将暂缓", zone="luzhi")
    handed = register(runtime, officer, 100, name="【示例】将移交")
    twin = register(
        runtime, officer, 300, name="【示例】重复登记", investor="另一投资方"
    )
    register(runtime, officer, 5, name="【示例】新近")
    runtime.wait_for_read_models()
    asked(runtime)
    assert len(full_passes) == 2  # today and the past day, once each
    same_as_a_full_pass(runtime)

    app.move_project(leader, moved["id"], "signed", TODAY)
    same_as_a_full_pass(runtime)
    app.move_project(leader, withdrawn["id"], "withdrawn", TODAY, reason="撤资")
    same_as_a_full_pass(runtime)
    app.update_milestone(
        officer, node["id"], "env_review", {"planned_on": TODAY - 9 * D}
    )
    same_as_a_full_pass(runtime)
    assert node["id"] in {e[stalls.ID] for e in stalls.roster(runtime.db, TODAY)}
    app.exempt_stall(leader, exempted["id"], "等待土地指标", TODAY + 30 * D)
    same_as_a_full_pass(runtime)
    app.reassign_project(leader, handed["id"], "officer2", reason="调岗")
    same_as_a_full_pass(runtime)
    late = register(runtime, officer, 300, name="【示例】新登记", zone="luzhi")
    same_as_a_full_pass(runtime)
    assert late["id"] in {e[stalls.ID] for e in stalls.roster(runtime.db, TODAY)}
    app.merge_project(leader, twin["id"], late["id"], reason="重复登记")
    same_as_a_full_pass(runtime)
    app.report_progress(leader, handed["id"], TODAY, "推进中")
    same_as_a_full_pass(runtime)
    # Every event above was patched in: no further full pass.
    assert len(full_passes) == 2

    policy = app.stall_policy()
    app.change_stall_policy(
        admin, {"negotiating": 250}, expected_version=policy["version"]
    )
    same_as_a_full_pass(runtime)
    assert TODAY in full_passes[2:]  # the new terms judge every project again


def test_a_roster_kept_from_today_is_judged_afresh_once_the_day_is_past(
    runtime, officer, leader, full_passes, monkeypatch
):
    """Today's roster judges the pool rows; a past day's the stage then."""
    moved = register(runtime, officer, 150, name="【示例】次日签约")
    register(runtime, officer, 200, name="【示例】仍停滞")
    runtime.wait_for_read_models()
    assert len(stalls.roster(runtime.db, TODAY)) == 2
    monkeypatch.setattr(stalls, "today", lambda: TODAY + D)  # midnight
    runtime.app.move_project(leader, moved["id"], "signed", TODAY)
    runtime.wait_for_read_models()
    kept = stalls.roster(runtime.db, TODAY)
    assert len(full_passes) == 2
    terms = stalls.terms_on(runtime.db, TODAY)
    assert kept == tuple(
        sorted(stalls._judge(runtime.db, TODAY, terms), key=stalls.order)
    )
