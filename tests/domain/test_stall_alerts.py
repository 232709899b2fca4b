"""A project's stall alert: flagged, escalated, answered, cleared, and its events."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.errors import RuleViolationError
from domain.project import InvestmentProject
from domain.stall import (
    StallAlert,
    StallAnswer,
    StallEscalation,
    StallTerms,
    StallVerdict,
    iso_week,
)
from tests.domain.test_project import new_project
from tests.domain.test_stall_rule import AS_OF


def project(stage_date: date) -> InvestmentProject:
    """The sample project, in 在谈 since `stage_date`, registered on AS_OF."""
    return new_project(stage_date=stage_date, today=AS_OF)


def test_review_flags_escalates_and_clears_with_the_policy_version():
    p = project(AS_OF - timedelta(days=90))
    terms = StallTerms(version=4)
    assert p.review_stall(terms, AS_OF, "2024-W27", "system") == "flag"
    assert p.stall.level == "yellow" and p.stall.policy_version == 4
    assert p.review_stall(terms, AS_OF, "2024-W27", "system") is None
    later = AS_OF + timedelta(days=90)
    assert p.review_stall(terms, later, "2024-W40", "system") == "flag"
    assert (p.stall.level, p.stall.since) == ("red", AS_OF)
    events = p.collect_events()
    flagged = [e for e in events if type(e).__name__ == "StallFlagged"]
    assert [(e.level, e.days_in_stage, e.policy_version) for e in flagged] == [
        ("yellow", 90, 4),
        ("red", 180, 4),
    ]


def test_moving_a_stalled_project_clears_the_stall_in_the_same_save():
    p = project(AS_OF - timedelta(days=100))
    p.review_stall(StallTerms(), AS_OF, "2024-W27", "system")
    p.move("signed", AS_OF, "officer", today=AS_OF)
    names = [type(e).__name__ for e in p.collect_events()]
    assert names[-2:] == ["Signed", "StallCleared"]
    assert p.stall is None
    # A project that was not stalled records no clear.
    q = project(AS_OF - timedelta(days=10))
    q.move("signed", AS_OF, "officer", today=AS_OF)
    assert [type(e).__name__ for e in q.collect_events()][-1] == "Signed"


def test_answer_and_escalate_need_a_stall_and_valid_input():
    p = project(AS_OF - timedelta(days=100))
    with pytest.raises(RuleViolationError):
        p.answer_stall("原因", "计划", AS_OF, "officer", today=AS_OF)
    with pytest.raises(RuleViolationError):
        p.escalate_stall("请尽快推进", "leader")
    p.review_stall(StallTerms(), AS_OF, "2024-W27", "system")
    with pytest.raises(RuleViolationError) as error:
        p.answer_stall(
            "原因", "计划", AS_OF - timedelta(days=1), "officer", today=AS_OF
        )
    assert error.value.field == "checkpoint"
    with pytest.raises(RuleViolationError) as error:
        p.answer_stall("", "计划", AS_OF, "officer", today=AS_OF)
    assert error.value.field == "cause"
    p.answer_stall(
        "土地指标未落实", "月底前协调自然资源局", AS_OF, "officer", today=AS_OF
    )
    assert p.stall.answer.checkpoint == AS_OF
    p.escalate_stall("列入督办", "leader")
    assert p.stall.escalation.actor == "leader"
    with pytest.raises(RuleViolationError):
        p.escalate_stall("再次督办", "leader")


def test_alert_as_dict_is_the_api_shape_with_iso_dates():
    verdict = StallVerdict("yellow", "overdue", 40, 30)
    alert = StallAlert.flagged(None, verdict, 3, "2024-W27", AS_OF)
    assert alert.as_dict() == {
        "level": "yellow",
        "rule": "overdue",
        "days_in_stage": 40,
        "threshold": 30,
        "policy_version": 3,
        "week": "2024-W27",
        "flagged_on": AS_OF.isoformat(),
        "since": AS_OF.isoformat(),
        "answer": None,
        "escalation": None,
    }
    answered = alert.answered(StallAnswer("原因", "计划", AS_OF, "officer"))
    escalated = answered.escalated(StallEscalation("督办", "leader"))
    assert escalated.as_dict()["answer"] == {
        "cause": "原因",
        "plan": "计划",
        "checkpoint": AS_OF.isoformat(),
        "actor": "officer",
    }
    assert escalated.as_dict()["escalation"] == {"reason": "督办", "actor": "leader"}
    assert list(escalated.as_dict()) == list(alert.as_dict())
    assert not answered.is_escalated and escalated.is_escalated
    assert alert.answer is None  # values: the original is unchanged


def test_a_raised_flag_keeps_since_and_starts_answer_and_escalation_afresh():
    first = StallAlert.flagged(
        None, StallVerdict("yellow", "stage_threshold", 90, 90), 1, "2024-W27", AS_OF
    )
    handled = first.answered(StallAnswer("c", "p", AS_OF, "o")).escalated(
        StallEscalation("r", "l")
    )
    later = AS_OF + timedelta(days=90)
    raised = StallAlert.flagged(
        handled, StallVerdict("red", "stage_threshold", 180, 90), 2, "2024-W40", later
    )
    assert (raised.since, raised.flagged_on) == (AS_OF, later)
    assert (raised.level, raised.days_in_stage, raised.policy_version) == (
        "red",
        180,
        2,
    )
    assert raised.week == "2024-W40"
    assert raised.answer is None and raised.escalation is None


def test_a_raised_flag_on_a_project_resets_its_answer_and_escalation():
    p = project(AS_OF - timedelta(days=100))
    p.review_stall(StallTerms(), AS_OF, "2024-W27", "system")
    p.answer_stall("c", "p", AS_OF, "officer", today=AS_OF)
    p.escalate_stall("督办", "leader")
    later = AS_OF + timedelta(days=90)
    assert p.review_stall(StallTerms(), later, "2024-W40", "system") == "flag"
    assert (p.stall.level, p.stall.since, p.stall.flagged_on) == ("red", AS_OF, later)
    assert p.stall.answer is None and not p.stall.is_escalated
    p.escalate_stall("再次督办", "leader")  # a new flag may be escalated again
    assert p.stall.escalation == StallEscalation("再次督办", "leader")


def test_stall_event_judges_read_model_facts_without_the_aggregate():
    facts = {
        "stage": "negotiating",
        "stage_date": AS_OF - timedelta(days=95),
        "planned_dates": {},
        "stall_level": None,
    }
    pid = "6f1c8a52-3c1e-4a43-9d0e-2b7f1f0c9a11"
    flag = InvestmentProject.stall_event(
        pid,
        7,
        facts,
        StallTerms({"negotiating": 60}, 30, 3),
        AS_OF,
        "2024-W27",
        "system",
    )
    assert type(flag) is InvestmentProject.StallFlagged
    assert (str(flag.originator_id), flag.originator_version) == (pid, 8)
    assert (flag.level, flag.rule, flag.days_in_stage, flag.threshold) == (
        "yellow",
        "stage_threshold",
        95,
        60,
    )
    assert (flag.policy_version, flag.week, flag.as_of, flag.actor) == (
        3,
        "2024-W27",
        AS_OF,
        "system",
    )
    same = {**facts, "stall_level": "yellow"}
    assert (
        InvestmentProject.stall_event(
            pid, 8, same, StallTerms(), AS_OF, "2024-W27", "system"
        )
        is None
    )
    ended = {**same, "stage_date": AS_OF - timedelta(days=5)}
    clear = InvestmentProject.stall_event(
        pid, 8, ended, StallTerms(), AS_OF, "2024-W27", "system"
    )
    assert type(clear) is InvestmentProject.StallCleared
    assert (clear.originator_version, clear.reason, clear.week) == (
        9,
        "不再满足停滞条件",
        "2024-W27",
    )
    assert (clear.as_of, clear.actor) == (AS_OF, "system")
    # Applied to the project, each does what review_stall would have done.
    p = project(facts["stage_date"])
    flagged = InvestmentProject.stall_event(
        p.id, p.version, facts, StallTerms(), AS_OF, "2024-W27", "system"
    )
    flagged.mutate(p)
    assert (p.stall.level, p.stall.since, p.stall.week) == ("yellow", AS_OF, "2024-W27")


def test_review_stall_records_the_verdict_and_a_clear_with_its_reason():
    p = project(AS_OF - timedelta(days=100))
    assert p.review_stall(StallTerms(version=2), AS_OF, "2024-W27", "bot") == "flag"
    flagged = p.collect_events()[-1]
    assert (flagged.rule, flagged.threshold, flagged.week, flagged.as_of) == (
        "stage_threshold",
        90,
        "2024-W27",
        AS_OF,
    )
    assert flagged.actor == "bot"
    assert p.stall.as_dict()["flagged_on"] == AS_OF.isoformat()
    loose = StallTerms(thresholds={"negotiating": 200}, version=3)
    assert p.review_stall(loose, AS_OF, "2024-W28", "bot") == "clear"
    cleared = p.collect_events()[-1]
    assert type(cleared).__name__ == "StallCleared"
    assert (cleared.reason, cleared.week, cleared.as_of, cleared.actor) == (
        "不再满足停滞条件",
        "2024-W28",
        AS_OF,
        "bot",
    )
    assert p.stall is None


def test_a_move_clears_the_stall_with_the_new_stage_named():
    p = project(AS_OF - timedelta(days=100))
    p.review_stall(StallTerms(), AS_OF, "2024-W27", "system")
    day = AS_OF - timedelta(days=3)
    p.withdraw(day, "撤资", "officer", today=AS_OF)
    cleared = p.collect_events()[-1]
    assert (cleared.reason, cleared.week, cleared.as_of, cleared.actor) == (
        "阶段已变更为终止",
        iso_week(day),
        day,
        "officer",
    )


def test_answer_and_escalation_are_recorded_as_given():
    p = project(AS_OF - timedelta(days=100))
    p.review_stall(StallTerms(), AS_OF, "2024-W27", "system")
    later = AS_OF + timedelta(days=14)
    p.answer_stall(" 原因 ", " 计划 ", later, "officer", today=AS_OF)
    answered = p.collect_events()[-1]
    assert (answered.cause, answered.plan, answered.checkpoint, answered.actor) == (
        "原因",
        "计划",
        later,
        "officer",
    )
    assert p.stall.answer == StallAnswer("原因", "计划", later, "officer")
    p.escalate_stall(" 列入督办 ", "leader")
    escalated = p.collect_events()[-1]
    assert (escalated.reason, escalated.actor) == ("列入督办", "leader")
    assert p.stall.escalation == StallEscalation("列入督办", "leader")
    assert p.stall.answer.cause == "原因"  # escalating keeps the answer
