"""One stall judgement on every surface, the SQL against the domain, `cleared`,
exemptions and the policy in force per day; on every store."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from domain.clock import today
from domain.stall import StallTerms
from domain.stall_judgement import judge_on
from gxtrack.app.history import history
from gxtrack.errors import PermissionDeniedError, RuleViolationError
from gxtrack.readmodels.alerts.queries import list_stalled
from gxtrack.readmodels.pool.dashboard import stall_counts, stalled_projects
from gxtrack.readmodels.pool.queries import (
    PoolFilter,
    exemptions,
    list_projects,
    stalled_count,
)

TODAY = today()
D = timedelta(days=1)


def register(runtime, actor, days_ago, **overrides):
    fields = dict(
        name=f"【示例】项目{days_ago}",
        investor="某新能源有限公司",
        industry="green",
        zone="wzedz",
        planned_investment="500",
        stage_date=TODAY - timedelta(days=days_ago),
    )
    fields.update(overrides)
    return runtime.app.register_project(actor, **fields)


def surfaces(runtime, project_id, as_of=None):
    """What each read surface says of the project: (level, rule, days) or None."""
    day = as_of or TODAY
    listed = {
        i["project_id"]: (i["level"], i["rule"], i["days_in_stage"])
        for i in list_stalled(runtime.db, day)["items"]
    }
    pool = {
        i["id"]: i["stall"]
        and (
            i["stall"]["level"],
            i["stall"]["rule"],
            i["stall"]["days_in_stage"],
        )
        for i in list_projects(runtime.db, PoolFilter(as_of=as_of), page_size=200)[
            "items"
        ]
    }
    filtered = {
        i["id"]
        for i in list_projects(
            runtime.db, PoolFilter(as_of=as_of, stalled=True), page_size=200
        )["items"]
    }
    found = {
        "stalled": listed.get(project_id),
        "pool": pool.get(project_id),
        "filter": project_id in filtered,
    }
    if as_of is None:
        view = runtime.app.get_project(project_id)["stall"]
        found["project"] = view and (
            view["level"],
            view["rule"],
            view["days_in_stage"],
        )
        board = {p["id"]: p["stall_level"] for p in stalled_projects(runtime.db, 200)}
        found["dashboard"] = board.get(project_id)
    return found


def agree(found, expected):
    """Every surface says `expected` ((level, rule, days) or None)."""
    assert found["stalled"] == expected
    assert found["pool"] == expected
    assert found["filter"] is (expected is not None)
    if "project" in found:
        assert found["project"] == expected
        assert found["dashboard"] == (expected[0] if expected else None)


# (days in 在谈, planned 签约 days ago or None): each side of each boundary.
CASES = [
    (89, None),
    (90, None),
    (179, None),
    (180, None),
    (5, 30),
    (5, 31),
    (5, 60),
    (5, 61),
    (100, 61),
    (200, 40),
]


def test_every_surface_shows_the_domain_judgement_before_and_after_a_scan(
    runtime, officer, leader
):
    ids = {}
    for days, late in CASES:
        planned = {"signed": TODAY - timedelta(days=late)} if late else None
        p = register(
            runtime, officer, days, name=f"【示例】{days}-{late}", planned_dates=planned
        )
        ids[(days, late)] = p["id"]
    runtime.wait_for_read_models()

    def expected(days, late, on):
        planned = {"signed": TODAY - timedelta(days=late)} if late else {}
        verdict = judge_on(
            "negotiating", TODAY - timedelta(days=days), planned, on, StallTerms()
        )
        return verdict and (verdict.level, verdict.rule, verdict.days_in_stage)

    for (days, late), pid in ids.items():
        agree(surfaces(runtime, pid), expected(days, late, TODAY))
    # Not every case is stalled, and both rules and both levels occur.
    judged = [expected(d, late, TODAY) for d, late in CASES]
    assert None in judged
    assert {j[:2] for j in judged if j} == {
        ("yellow", "stage_threshold"),
        ("red", "stage_threshold"),
        ("yellow", "overdue"),
        ("red", "overdue"),
    }
    # A past day: the projects registered later are simply absent.
    past = TODAY - timedelta(days=3)
    for (days, late), pid in ids.items():
        if days >= 3:
            agree(surfaces(runtime, pid, past), expected(days, late, past))
    # The scan records the same judgement; the surfaces do not change.
    scan, _ = runtime.app.run_stall_scan(leader, TODAY)
    runtime.wait_for_read_models()
    flagged = {
        f["project_id"]: (f["level"], f["rule"], f["days_in_stage"])
        for f in scan["flagged"]
    }
    for (days, late), pid in ids.items():
        assert flagged.get(pid) == expected(days, late, TODAY)
        agree(surfaces(runtime, pid), expected(days, late, TODAY))
    counts = stall_counts(runtime.db)
    assert counts["by_level"] == {
        level: sum(1 for j in judged if j and j[0] == level)
        for level in ("red", "yellow")
    }
    assert stalled_count(runtime.db, TODAY)["total"] == len(scan["flagged"])


def test_cleared_lists_the_previous_scans_stalled_however_cleared(
    runtime, officer, leader
):
    moved = register(runtime, officer, 120, name="【示例】已签约")
    exempted = register(runtime, officer, 130, name="【示例】已暂缓")
    still = register(runtime, officer, 140, name="【示例】仍停滞")
    first, _ = runtime.app.run_stall_scan(leader, TODAY - timedelta(days=7))
    assert {f["project_id"] for f in first["flagged"]} == {
        moved["id"],
        exempted["id"],
        still["id"],
    }
    # One moves on, one is exempted; neither waits for a scan to be cleared.
    runtime.app.move_project(leader, moved["id"], "signed", TODAY)
    runtime.app.exempt_stall(leader, exempted["id"], "等待土地指标", TODAY + 30 * D)
    runtime.wait_for_read_models()
    assert surfaces(runtime, exempted["id"])["stalled"] is None
    second, _ = runtime.app.run_stall_scan(leader, TODAY)
    assert sorted(second["cleared"]) == sorted([moved["id"], exempted["id"]])
    assert second["flagged"] == []  # the third was flagged already
    assert second["stalled"] == 1


def test_a_scan_within_an_exemption_flags_nothing_whenever_granted(
    runtime, officer, leader, admin
):
    p = register(runtime, officer, 200, name="【示例】暂缓项目")
    until = TODAY + 10 * D
    with pytest.raises(PermissionDeniedError):
        runtime.app.exempt_stall(officer, p["id"], "原因", until)
    with pytest.raises(RuleViolationError) as caught:
        runtime.app.exempt_stall(leader, p["id"], "原因", TODAY)
    assert caught.value.field == "until"
    view = runtime.app.exempt_stall(leader, p["id"], "等待土地指标", until)
    assert view["stall"] is None and view["exemption"]["until"] == until.isoformat()
    item = [
        i for i in history(runtime.app, UUID(p["id"])) if i["type"] == "StallExempted"
    ]
    assert item[0]["reason"] == "等待土地指标" and item[0]["label"] == "暂缓预警"
    # A scan dated before the exemption was granted does not flag it either.
    scan, _ = runtime.app.run_stall_scan(leader, TODAY - 14 * D)
    assert p["id"] not in {f["project_id"] for f in scan["flagged"]}
    runtime.wait_for_read_models()
    # It expires by itself: judged stalled the day after `until`.
    assert surfaces(runtime, p["id"], until)["stalled"] is None
    after = list_stalled(runtime.db, until + D)["items"]
    assert [i["project_id"] for i in after] == [p["id"]]
    rows = exemptions(runtime.db, TODAY)
    assert rows[0]["exempt_reason"] == "等待土地指标" and rows[0]["active"]
    assert not exemptions(runtime.db, until + D)[0]["active"]


def test_each_day_is_judged_under_the_policy_in_force_that_day(
    runtime, officer, leader, admin
):
    p = register(runtime, officer, 100, name="【示例】规则变更")
    policy = runtime.app.stall_policy()
    runtime.app.change_stall_policy(
        admin, {"negotiating": 120}, expected_version=policy["version"]
    )
    runtime.wait_for_read_models()
    # Today the new threshold (120) governs; yesterday the old one (90) did.
    assert surfaces(runtime, p["id"])["stalled"] is None
    yesterday = list_stalled(runtime.db, TODAY - D)
    assert yesterday["policy_version"] == policy["version"]
    assert [i["project_id"] for i in yesterday["items"]] == [p["id"]]
    scan, _ = runtime.app.run_stall_scan(leader, TODAY - D)
    assert [f["project_id"] for f in scan["flagged"]] == [p["id"]]
    assert scan["policy_version"] == policy["version"]


def test_the_stalled_list_pages_with_a_total(runtime, officer):
    for days in range(95, 100):
        register(runtime, officer, days)
    runtime.wait_for_read_models()
    first = list_stalled(runtime.db, TODAY, page=1, page_size=2)
    last = list_stalled(runtime.db, TODAY, page=3, page_size=2)
    assert first["total"] == last["total"] == 5
    assert [i["days_in_stage"] for i in first["items"]] == [99, 98]
    assert [i["days_in_stage"] for i in last["items"]] == [95]
    beyond = list_stalled(runtime.db, TODAY, page=9, page_size=2)
    assert (beyond["total"], beyond["items"]) == (5, [])


# The node rule (node_overdue): (stage, days in it, planned 落地 days ago, the
# 环评 node's planned and done days ago); each side of each boundary.
NODE_CASES = [
    ("signed", 5, None, (0, None)),  # due today: not late
    ("signed", 5, None, (1, None)),  # one day late: yellow
    ("signed", 5, None, (60, None)),  # twice the grace: still yellow
    ("signed", 5, None, (61, None)),  # past it: red
    ("signed", 5, None, (61, 1)),  # done yesterday: open on a past day only
    ("signed", 5, 1, None),  # the 落地 gate a day late: the node rule
    ("signed", 5, 31, None),  # past the grace: the plan rule is named
    ("landed", 5, 1, (1, None)),  # the gate is done: only the node counts
    ("producing", 5, None, (2, None)),  # a producing project's node stalls it
    ("withdrawn", 5, None, (61, None)),  # a withdrawn project has none
]


def test_the_node_rule_is_the_same_on_every_surface_on_any_day(
    runtime, officer, leader
):
    from domain.milestones import gate_dates

    ids = {}
    for case in NODE_CASES:
        stage, days, gate, node = case
        code = "full_capacity" if stage == "producing" else "env_review"
        planned = {"landed": TODAY - timedelta(days=gate)} if gate else None
        opened = days if stage == "signed" else 20
        p = register(
            runtime,
            officer,
            opened,
            name=f"【示例】节点{len(ids)}",
            stage="signed",
            planned_dates=planned,
        )
        # A new project opens in 签约 at the latest: later stages are moves.
        moves = {"landed": ["landed"], "producing": ["landed", "producing"]}
        for n, later in enumerate(moves.get(stage, [])):
            day = TODAY - timedelta(days=days + len(moves[stage]) - 1 - n)
            runtime.app.move_project(leader, p["id"], later, day)
        if node:
            given = {"planned_on": TODAY - timedelta(days=node[0])}
            if node[1] is not None:
                given["done_on"] = TODAY - timedelta(days=node[1])
            runtime.app.update_milestone(officer, p["id"], code, given)
        if stage == "withdrawn":
            runtime.app.move_project(leader, p["id"], "withdrawn", TODAY, "企业撤资")
        ids[case] = p["id"]
    runtime.wait_for_read_models()

    def expected(case, on):
        stage, days, gate, node = case
        planned = {"landed": TODAY - timedelta(days=gate)} if gate else {}
        dates = gate_dates(stage, planned)
        if node:
            done = None if node[1] is None else TODAY - timedelta(days=node[1])
            dates.append((TODAY - timedelta(days=node[0]), done))
        verdict = judge_on(
            stage, TODAY - timedelta(days=days), planned, on, StallTerms(), None, dates
        )
        return verdict and (verdict.level, verdict.rule, verdict.days_in_stage)

    judged = {case: expected(case, TODAY) for case in NODE_CASES}
    assert {j[:2] for j in judged.values() if j} == {
        ("yellow", "node_overdue"),
        ("red", "node_overdue"),
        ("yellow", "overdue"),
    }
    for case, pid in ids.items():
        agree(surfaces(runtime, pid), judged[case])
    # A past day: the stage then, the node dates as known now (done after it
    # is still open on it).
    past = TODAY - 3 * D

    def then(case):  # withdrawn today: still in 签约 then
        return ("signed", *case[1:]) if case[0] == "withdrawn" else case

    for case, pid in ids.items():
        agree(surfaces(runtime, pid, past), expected(then(case), past))
    assert expected(("signed", 5, None, (61, 1)), past) == (
        "yellow",
        "node_overdue",
        58,
    )
    # The scan records the same; the counts are the surfaces'.
    scan, _ = runtime.app.run_stall_scan(leader, TODAY)
    flagged = {
        f["project_id"]: (f["level"], f["rule"], f["days_in_stage"])
        for f in scan["flagged"]
    }
    runtime.wait_for_read_models()
    for case, pid in ids.items():
        assert flagged.get(pid) == judged[case]
        agree(surfaces(runtime, pid), judged[case])
    counts = stalled_count(runtime.db, TODAY)
    assert counts["total"] == sum(1 for j in judged.values() if j)
    assert counts["by_level"] == {
        level: sum(1 for j in judged.values() if j and j[0] == level)
        for level in ("red", "yellow")
    }
    past_count = stalled_count(runtime.db, past)
    assert past_count["total"] == sum(1 for c in NODE_CASES if expected(then(c), past))
