"""The one stall judgement: exemptions (暂缓), their limits, and the policy per day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.errors import RuleViolationError
from domain.project import InvestmentProject
from domain.reference import ReferenceData
from domain.stall import StallTerms
from domain.stall_judgement import (
    PolicyVersion,
    exemption_until,
    judge_on,
    one_year_after,
    terms_in_force,
)

TODAY = date(2026, 3, 10)
D = timedelta(days=1)


@pytest.mark.parametrize(
    ("until", "ok"),
    [
        (TODAY - D, False),
        (TODAY, False),  # must be after today
        (TODAY + D, True),
        (date(2027, 3, 10), True),  # exactly a year ahead
        (date(2027, 3, 11), False),
    ],
)
def test_an_exemption_ends_after_today_and_within_a_year(until, ok):
    if ok:
        assert exemption_until(until, TODAY) == until
    else:
        with pytest.raises(RuleViolationError) as caught:
            exemption_until(until, TODAY)
        assert caught.value.field == "until"


def test_a_year_after_29_february_is_28_february():
    assert one_year_after(date(2028, 2, 29)) == date(2029, 2, 28)
    assert exemption_until(date(2029, 2, 28), date(2028, 2, 29))
    with pytest.raises(RuleViolationError):
        exemption_until(date(2029, 3, 1), date(2028, 2, 29))


def test_a_bad_until_names_the_field():
    with pytest.raises(RuleViolationError) as caught:
        exemption_until("2026-05-01", TODAY)
    assert caught.value.field == "until"


def test_an_exemption_covers_its_last_day_and_lapses_the_next():
    start = TODAY - timedelta(days=100)  # 在谈 100 days: yellow at 90
    until = TODAY + timedelta(days=5)
    terms = StallTerms()
    assert judge_on("negotiating", start, {}, until, terms, until) is None
    verdict = judge_on("negotiating", start, {}, until + D, terms, until)
    assert verdict is not None and verdict.level == "yellow"
    assert judge_on("negotiating", start, {}, TODAY, terms, None).days_in_stage == 100


def version(day: date, n: int, negotiating: int) -> PolicyVersion:
    return PolicyVersion(day, StallTerms({"negotiating": negotiating}, 30, n))


def test_the_policy_in_force_is_the_last_version_by_that_day():
    versions = [version(date(2026, 1, 5), 1, 90), version(date(2026, 3, 1), 2, 60)]
    assert terms_in_force(versions, date(2026, 2, 28)).version == 1
    assert terms_in_force(versions, date(2026, 3, 1)).version == 2
    # Before the first version was recorded, the first version governs.
    assert terms_in_force(versions, date(2025, 1, 1)).version == 1
    assert terms_in_force([], TODAY) == StallTerms()


def project(stage_date: date) -> InvestmentProject:
    return InvestmentProject.register(
        name="【示例】储能项目",
        investor="某公司",
        industry="green",
        zone="wzedz",
        planned_investment="100",
        stage_date=stage_date,
        actor="officer",
        officer="officer",
        reference=ReferenceData.with_defaults(),
        today=TODAY,
    )


def test_exempting_records_the_reason_and_clears_the_open_alert():
    p = project(TODAY - timedelta(days=100))
    assert p.review_stall(StallTerms(), TODAY, "2026-W11", "leader") == "flag"
    p.exempt_stall("等待土地指标", TODAY + timedelta(days=30), "leader", today=TODAY)
    events = p.collect_events()
    assert [type(e).__name__ for e in events[-2:]] == ["StallExempted", "StallCleared"]
    assert events[-2].reason == "等待土地指标"
    assert p.stall is None and p.exemption.until == TODAY + timedelta(days=30)
    # A scan within the exemption flags nothing; after it, the stall is back.
    assert p.review_stall(StallTerms(), TODAY, "2026-W11", "leader") is None
    later = TODAY + timedelta(days=31)
    assert p.review_stall(StallTerms(), later, "2026-W16", "leader") == "flag"


def test_a_project_that_never_stalls_is_not_exempted():
    p = project(TODAY - timedelta(days=100))
    p.move("signed", TODAY - timedelta(days=50), "officer", today=TODAY)
    p.move("landed", TODAY - timedelta(days=40), "officer", today=TODAY)
    p.move("producing", TODAY - timedelta(days=30), "officer", today=TODAY)
    with pytest.raises(RuleViolationError):
        p.exempt_stall("原因", TODAY + D, "leader", today=TODAY)
    with pytest.raises(RuleViolationError) as caught:
        project(TODAY).exempt_stall("", TODAY + D, "leader", today=TODAY)
    assert caught.value.field == "reason"


TERMS = StallTerms(thresholds={"signed": 100}, overdue_days=30)
SIGNED_ON = TODAY - 150 * D  # 150 days in stage: the stage rule's yellow


@pytest.mark.parametrize(
    ("node_late", "landing_late", "level", "rule"),
    [
        (None, None, "yellow", "stage_threshold"),
        (10, None, "yellow", "stage_threshold"),  # equal level: the stage rule
        (None, 40, "yellow", "stage_threshold"),  # and its threshold before the plan
        (61, None, "red", "node_overdue"),  # the more severe wins
        (None, 61, "red", "overdue"),
        (61, 61, "red", "overdue"),  # equal again: the stage rules first
    ],
)
def test_the_more_severe_rule_is_named_and_at_equal_level_the_stage_rules(
    node_late, landing_late, level, rule
):
    planned = {"landed": TODAY - landing_late * D if landing_late else None}
    nodes = [(TODAY - node_late * D, None)] if node_late else []
    verdict = judge_on("signed", SIGNED_ON, planned, TODAY, TERMS, None, nodes)
    assert (verdict.level, verdict.rule) == (level, rule)
