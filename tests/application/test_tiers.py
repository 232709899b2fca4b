"""Tier use cases on every store: designations, tiers on dates, the expiry job,
the cultivation pool, targets counted from events, projects by enterprise tier."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from domain.uscc import check_character
from gxtrack.app.history import history
from gxtrack.errors import NotFoundError, PermissionDeniedError, RuleViolationError
from gxtrack.readmodels.cultivation.queries import (
    CandidateFilter,
    list_candidates,
    targets_report,
)
from gxtrack.readmodels.enterprises.queries import (
    due_for_review,
    enterprise_projects,
    list_enterprises,
    tier_counts,
)
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects, summary


def code(n: int) -> str:
    body = f"91320506MA1{n:06d}"
    return body + check_character(body)


def register(runtime, actor, n: int, zone: str = "mudu") -> str:
    return runtime.app.register_enterprise(
        actor, code(n), f"示例企业{n}", industry="robotics", zone=zone
    )["id"]


def event_types(runtime, ent_id: str) -> list[str]:
    return [i["type"] for i in history(runtime.app, UUID(ent_id))]


def test_tier_on_dates_through_award_renewal_lapse_revocation(runtime, leader):
    a = register(runtime, leader, 1)
    b = register(runtime, leader, 2)
    app = runtime.app
    # a: SRDI 2021-07-01, renewed 2024-06-01 (to 2027-05-31), revoked 2025-09-01.
    app.award_designation(leader, a, "innovative_sme", date(2020, 3, 1))
    srdi = app.award_designation(leader, a, "srdi", date(2021, 7, 1), batch="第三批")
    award_id = srdi["designations"][-1]["award_id"]
    app.review_designation(leader, a, award_id, date(2024, 6, 1), True)
    # b: SRDI 2022-01-01, never renewed: lapses after 2024-12-31.
    app.award_designation(leader, b, "srdi", date(2022, 1, 1))
    app.revoke_designation(leader, a, award_id, date(2025, 9, 1), "数据造假")
    runtime.wait_for_read_models()

    def counts(day: date) -> dict[str, int]:
        return tier_counts(runtime.db, day)["by_tier"]

    assert counts(date(2020, 2, 29))["innovative_sme"] == 0
    assert counts(date(2020, 3, 1))["innovative_sme"] == 1
    assert counts(date(2021, 7, 1)) == {
        "innovative_sme": 0,
        "srdi": 1,
        "little_giant": 0,
        "single_champion": 0,
    }
    assert counts(date(2024, 12, 31))["srdi"] == 2
    assert counts(date(2025, 1, 1))["srdi"] == 1  # b lapsed: a drop
    assert counts(date(2025, 8, 31))["srdi"] == 1
    assert counts(date(2025, 9, 1))["srdi"] == 0  # a revoked
    listed = list_enterprises(runtime.db, tier="srdi", as_of=date(2024, 7, 1))
    assert {i["id"] for i in listed["items"]} == {a, b}
    none = list_enterprises(runtime.db, tier="none", as_of=date(2025, 10, 1))
    assert none["total"] == 2
    with pytest.raises(RuleViolationError) as caught:
        list_enterprises(runtime.db, tier="high_tech")
    assert caught.value.field == "tier"
    shown = app.get_enterprise(a, as_of=date(2025, 9, 1))
    assert shown["tier"] is None
    assert [d["status"] for d in shown["designations"]] == ["expired", "revoked"]
    row = runtime.db.fetchone(
        "SELECT valid_until, last_reviewed_on, revoke_reason FROM rm_designations"
        " WHERE enterprise_id = ? AND award_id = ?",
        (a, award_id),
    )
    assert row == {
        "valid_until": "2025-08-31",
        "last_reviewed_on": "2024-06-01",
        "revoke_reason": "数据造假",
    }


def test_failed_review_and_permissions(runtime, leader, officer):
    ent = register(runtime, officer, 3)
    app = runtime.app
    with pytest.raises(PermissionDeniedError):
        app.award_designation(officer, ent, "srdi", date(2023, 1, 1))
    award = app.award_designation(leader, ent, "srdi", date(2023, 1, 1))
    award_id = award["designations"][0]["award_id"]
    with pytest.raises(PermissionDeniedError):
        app.review_designation(
            officer, ent, award_id, date(2024, 1, 1), False, reason="x"
        )
    app.review_designation(
        leader, ent, award_id, date(2024, 1, 1), False, reason="研发投入不达标"
    )
    runtime.wait_for_read_models()
    assert tier_counts(runtime.db, date(2023, 12, 31))["by_tier"]["srdi"] == 1
    assert tier_counts(runtime.db, date(2024, 1, 1))["by_tier"]["srdi"] == 0
    assert due_for_review(runtime.db, date(2023, 11, 1)) == []
    assert event_types(runtime, ent) == [
        "Registered",
        "DesignationAwarded",
        "DesignationReviewed",
    ]


def test_expiry_job_on_a_controllable_clock(runtime, leader):
    a = register(runtime, leader, 4)
    b = register(runtime, leader, 5)
    app = runtime.app
    app.award_designation(leader, a, "srdi", date(2022, 7, 1))  # to 2025-06-30
    app.award_designation(leader, a, "high_tech", date(2023, 1, 1))  # to 2025-12-31
    rev = app.award_designation(leader, b, "little_giant", date(2022, 1, 1))
    app.revoke_designation(
        leader, b, rev["designations"][0]["award_id"], date(2023, 1, 1), "撤销"
    )
    runtime.wait_for_read_models()
    # Due for re-review within 90 days of 2025-04-15: a's SRDI only.
    due = due_for_review(runtime.db, date(2025, 4, 15))
    assert [(d["enterprise_id"], d["designation"], d["days_left"]) for d in due] == [
        (a, "srdi", 76)
    ]
    # The last valid day: nothing lapses.
    assert runtime.app.record_expiries_due(as_of=date(2025, 6, 30))["expired"] == []
    # The day after: one DesignationExpired, effective that day.
    first = runtime.app.record_expiries_due(as_of=date(2025, 7, 1))
    assert [(e["enterprise_id"], e["designation"]) for e in first["expired"]] == [
        (a, "srdi")
    ]
    # Twice on the same day, or a day later: nothing new.
    assert runtime.app.record_expiries_due(as_of=date(2025, 7, 1))["expired"] == []
    assert runtime.app.record_expiries_due(as_of=date(2025, 7, 2))["expired"] == []
    assert event_types(runtime, a).count("DesignationExpired") == 1
    expired = history(runtime.app, UUID(a))[-1]
    assert expired["effective_date"] == "2025-07-01"
    # A stale pre-filter (a second job that read before the first saved) still
    # records nothing: each aggregate decides for itself.
    again = app.record_expiries(leader, [a, b], date(2025, 7, 1))
    assert again["expired"] == []
    # Revoked awards never "expire".
    assert "DesignationExpired" not in event_types(runtime, b)
    later = runtime.app.record_expiries_due(as_of=date(2026, 1, 1))
    assert [e["designation"] for e in later["expired"]] == ["high_tech"]
    rows = runtime.db.fetchall(
        "SELECT designation, expired_recorded FROM rm_designations"
        " WHERE enterprise_id = ? ORDER BY award_id",
        (a,),
    )
    assert [r["expired_recorded"] for r in rows] == [1, 1]
    with pytest.raises(RuleViolationError) as caught:
        runtime.app.record_expiries_due(as_of=date(2999, 1, 1))
    assert caught.value.field == "as_of"


def test_cultivation_pool_lists_open_candidacies_first_with_their_enterprise(
    runtime, leader, officer
):
    a = register(runtime, officer, 11, zone="mudu")
    b = register(runtime, officer, 12, zone="luzhi")
    c = register(runtime, officer, 13, zone="mudu")
    app = runtime.app
    app.list_candidate(officer, a, "srdi", 2025)
    app.list_candidate(officer, b, "srdi", 2026)
    app.list_candidate(officer, c, "little_giant", 2026)
    app.award_designation(leader, a, "srdi", date(2025, 5, 1))  # a's is closed
    runtime.wait_for_read_models()
    rows = list_candidates(runtime.db, CandidateFilter())["items"]
    assert [(r["enterprise_id"], r["status"]) for r in rows] == [
        (c, "open"),
        (b, "open"),
        (a, "promoted"),
    ]
    assert (rows[1]["name"], rows[1]["uscc"], rows[1]["zone"]) == (
        "示例企业12",
        code(12),
        "luzhi",
    )
    assert rows[1]["industry"] == "robotics"
    in_mudu = list_candidates(runtime.db, CandidateFilter(zone="mudu"))["items"]
    assert [r["enterprise_id"] for r in in_mudu] == [c, a]


def test_cultivation_pool(runtime, leader, officer):
    a = register(runtime, officer, 6, zone="mudu")
    b = register(runtime, officer, 7, zone="luzhi")
    app = runtime.app
    app.list_candidate(officer, a, "srdi", 2025)
    app.list_candidate(leader, code(7), "little_giant", 2026, officer="officer_b")
    with pytest.raises(NotFoundError):
        app.list_candidate(leader, code(99), "srdi", 2025)
    runtime.wait_for_read_models()
    pool = list_candidates(runtime.db, CandidateFilter(status="open"))
    assert [(i["enterprise_id"], i["designation"]) for i in pool["items"]] == [
        (a, "srdi"),
        (b, "little_giant"),
    ]
    assert list_candidates(runtime.db, CandidateFilter(zone="luzhi"))["total"] == 1
    assert list_candidates(runtime.db, CandidateFilter(officer="officer"))["total"] == 1
    assert list_candidates(runtime.db, CandidateFilter(year=2026))["total"] == 1
    assert (
        list_candidates(runtime.db, CandidateFilter(designation="srdi"))["total"] == 1
    )
    with pytest.raises(RuleViolationError):
        list_candidates(runtime.db, CandidateFilter(status="done"))
    # Promotion: the award closes the candidacy.
    app.award_designation(leader, a, "srdi", date(2025, 5, 1))
    # Withdrawal: only a leader or the responsible officer.
    with pytest.raises(PermissionDeniedError):
        app.withdraw_candidacy(officer, b, "c1", "企业迁出")
    app.withdraw_candidacy(leader, b, "c1", "企业迁出")
    runtime.wait_for_read_models()
    rows = list_candidates(runtime.db, CandidateFilter())["items"]
    assert {(r["enterprise_id"], r["status"], r["reason"]) for r in rows} == {
        (a, "promoted", ""),
        (b, "withdrawn", "企业迁出"),
    }
    assert "CandidacyPromoted" in event_types(runtime, a)
    version = runtime.db.scalar("SELECT version FROM rm_enterprises WHERE id = ?", (a,))
    assert version == app.get_enterprise(a)["version"] == 4


def test_targets_counted_from_award_events(runtime, admin, leader):
    app = runtime.app
    zones = ("mudu", "mudu", "luzhi", "luzhi")
    ids = [register(runtime, leader, 10 + n, zone=z) for n, z in enumerate(zones)]
    with pytest.raises(PermissionDeniedError):
        app.set_target(leader, 2025, "srdi", 3)
    app.set_target(admin, 2025, "srdi", 3)
    app.set_target(admin, 2025, "srdi", 1, zone="甪直镇")  # by Chinese name
    app.set_target(admin, 2025, "little_giant", 1)
    assert app.set_target(admin, 2025, "srdi", 3)["version"] == 4  # no-op
    with pytest.raises(RuleViolationError) as caught:
        app.set_target(admin, 2025, "srdi", 2, zone="火星")
    assert caught.value.field == "zone"
    # Certified in 2025: ids[0] (mudu) and ids[2] (luzhi, revoked later, still
    # certified that year); ids[1] was certified on the last day of 2024.
    app.award_designation(leader, ids[0], "srdi", date(2025, 2, 1))
    app.award_designation(leader, ids[1], "srdi", date(2024, 12, 31))
    third = app.award_designation(leader, ids[2], "srdi", date(2025, 6, 1))
    app.revoke_designation(
        leader, ids[2], third["designations"][0]["award_id"], date(2025, 8, 1), "撤销"
    )
    runtime.wait_for_read_models()

    def line(report, designation, zone):
        return next(
            i
            for i in report["items"]
            if (i["designation"], i["zone"]) == (designation, zone)
        )

    report = targets_report(runtime.db, 2025, as_of=date(2025, 12, 31))
    whole = line(report, "srdi", None)
    assert (whole["target"], whole["achieved"]) == (3, 2)
    assert {e["enterprise_id"] for e in whole["enterprises"]} == {ids[0], ids[2]}
    luzhi = line(report, "srdi", "luzhi")
    assert (luzhi["target"], luzhi["achieved"]) == (1, 1)
    assert luzhi["enterprises"][0]["revoked_on"] == "2025-08-01"
    assert line(report, "little_giant", None)["achieved"] == 0
    assert report["items"][0]["designation"] == "little_giant"  # highest first
    assert report["achieved_by_designation"] == {"srdi": 2}
    # As of a date inside the year: only awards certified by then.
    early = targets_report(runtime.db, 2025, as_of=date(2025, 3, 1))
    assert line(early, "srdi", None)["achieved"] == 1
    assert line(early, "srdi", "luzhi")["achieved"] == 0
    assert targets_report(runtime.db, 2024)["items"] == []
    assert app.get_targets(2025)["targets"][0]["designation"] == "little_giant"
    assert app.get_targets(2030) == {"year": 2030, "targets": [], "version": 0}


def test_projects_by_enterprise_and_tier(runtime, leader, officer):
    app = runtime.app
    a = register(runtime, officer, 20)
    b = register(runtime, officer, 21)
    app.award_designation(leader, a, "little_giant", date(2024, 1, 1))
    base = dict(
        investor="示例投资方",
        industry="robotics",
        zone="mudu",
        stage_date=date(2025, 1, 1),
    )
    app.register_project(
        officer,
        name="【示例】一期",
        planned_investment="1200.5",
        enterprise_id=a,
        **base,
    )
    app.register_project(
        officer, name="【示例】二期", planned_investment="800", enterprise_id=a, **base
    )
    app.register_project(
        officer, name="【示例】其他", planned_investment="50", enterprise_id=b, **base
    )
    app.register_project(officer, name="【示例】无企业", planned_investment="9", **base)
    runtime.wait_for_read_models()
    projects = enterprise_projects(runtime.db, a)
    assert (projects["total"], projects["investment"]) == (2, "2000.5")
    giants = list_projects(runtime.db, PoolFilter(tier="little_giant"))
    assert giants["total"] == 2
    before = list_projects(
        runtime.db, PoolFilter(tier="little_giant", as_of=date(2025, 1, 1))
    )
    assert before["total"] == 2
    assert list_projects(runtime.db, PoolFilter(tier="none"))["total"] == 2
    assert summary(runtime.db, PoolFilter(tier="little_giant"))["total"] == {
        "count": 2,
        "investment": "2000.5",
    }
    with pytest.raises(RuleViolationError) as caught:
        list_projects(runtime.db, PoolFilter(tier="gold"))
    assert caught.value.field == "tier"
