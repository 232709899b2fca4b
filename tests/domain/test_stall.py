"""The stall policy at its boundary days, the policy aggregate, and project events."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.errors import RuleViolationError
from domain.project import InvestmentProject
from domain.reference import ReferenceData
from domain.stages import FORWARD, Stage
from domain.stall import (
    DEFAULT_THRESHOLDS,
    StallAlert,
    StallAnswer,
    StallEscalation,
    StallPolicy,
    StallTerms,
    StallVerdict,
    iso_week,
    judge,
    level_rank,
    stall_change,
)

AS_OF = date(2024, 7, 1)


def verdict_at(stage: str, days: int, planned=None, terms=None):
    return judge(stage, AS_OF - timedelta(days=days), planned or {}, AS_OF, terms)


@pytest.mark.parametrize(
    ("stage", "threshold"), [("negotiating", 90), ("signed", 180), ("landed", 365)]
)
def test_stage_threshold_boundaries(stage, threshold):
    assert verdict_at(stage, threshold - 1) is None
    yellow = verdict_at(stage, threshold)
    assert (yellow.level, yellow.rule) == ("yellow", "stage_threshold")
    assert (yellow.days_in_stage, yellow.threshold) == (threshold, threshold)
    assert verdict_at(stage, 2 * threshold - 1).level == "yellow"
    red = verdict_at(stage, 2 * threshold)
    assert (red.level, red.rule, red.days_in_stage) == (
        "red",
        "stage_threshold",
        2 * threshold,
    )


@pytest.mark.parametrize("stage", ["producing", "withdrawn"])
def test_terminal_stages_never_stall(stage):
    assert verdict_at(stage, 5000, {"producing": AS_OF - timedelta(days=400)}) is None


def test_overdue_at_30_and_31_days_past_the_planned_next_stage():
    planned = {"signed": AS_OF - timedelta(days=30)}
    assert verdict_at("negotiating", 10, planned) is None
    planned = {"signed": AS_OF - timedelta(days=31)}
    late = verdict_at("negotiating", 10, planned)
    assert (late.level, late.rule, late.days_in_stage, late.threshold) == (
        "yellow",
        "overdue",
        10,
        30,
    )
    # Red when more than twice the grace past; only the next stage's date counts.
    assert (
        verdict_at("negotiating", 10, {"signed": AS_OF - timedelta(days=60)}).level
        == "yellow"
    )
    assert (
        verdict_at("negotiating", 10, {"signed": AS_OF - timedelta(days=61)}).level
        == "red"
    )
    assert (
        verdict_at("negotiating", 10, {"landed": AS_OF - timedelta(days=400)}) is None
    )
    assert (
        verdict_at("signed", 10, {"landed": AS_OF - timedelta(days=31)}).rule
        == "overdue"
    )


def test_the_more_severe_rule_wins_and_ties_name_the_stage_rule():
    overdue = {"signed": AS_OF - timedelta(days=61)}  # red overdue
    assert verdict_at("negotiating", 100, overdue).rule == "overdue"
    assert verdict_at("negotiating", 180, overdue).rule == "stage_threshold"
    mild = {"signed": AS_OF - timedelta(days=31)}
    assert verdict_at("negotiating", 95, mild).rule == "stage_threshold"


def test_a_stage_entered_after_the_as_of_date_is_not_stalled():
    assert judge("negotiating", AS_OF + timedelta(days=1), {}, AS_OF) is None


def test_custom_terms_and_the_change_rule():
    terms = StallTerms({"negotiating": 10, "signed": 20, "landed": 30}, 5, 3)
    assert verdict_at("negotiating", 9, terms=terms) is None
    assert verdict_at("negotiating", 10, terms=terms).level == "yellow"
    yellow = verdict_at("negotiating", 10, terms=terms)
    red = verdict_at("negotiating", 20, terms=terms)
    assert stall_change(None, yellow) == "flag"
    assert stall_change("yellow", red) == "flag"
    assert stall_change("yellow", yellow) is None
    assert stall_change("red", yellow) is None  # a falling level keeps its alert
    assert stall_change("red", None) == "clear"
    assert stall_change(None, None) is None


def test_iso_week_crosses_the_year():
    assert iso_week(date(2024, 12, 30)) == "2025-W01"
    assert iso_week(date(2024, 7, 1)) == "2024-W27"


def test_policy_changes_are_versioned_and_checked():
    policy = StallPolicy.with_defaults()
    assert policy.terms().version == 1
    policy.change("admin", {"negotiating": "60"}, reason="加快推进")
    assert policy.version == 2
    assert policy.terms().thresholds["negotiating"] == 60
    assert policy.terms().thresholds["signed"] == 180
    names = [type(e).__name__ for e in policy.collect_events()]
    assert names == ["Created", "PolicyChanged"]
    for bad, field in [
        ({"producing": 10}, "thresholds"),
        ({"signed": 0}, "thresholds.signed"),
        ({"signed": "abc"}, "thresholds.signed"),
    ]:
        with pytest.raises(RuleViolationError) as error:
            policy.change("admin", bad)
        assert error.value.field == field
    with pytest.raises(RuleViolationError):
        policy.change("admin", {"negotiating": 60})  # nothing changed
    with pytest.raises(RuleViolationError) as error:
        policy.change("admin", overdue_days=-1)
    assert error.value.field == "overdue_days"


def project(stage_date: date) -> InvestmentProject:
    return InvestmentProject.register(
        name="【示例】智能装备项目",
        investor="苏州某科技有限公司",
        industry="robotics",
        zone="mudu",
        planned_investment="1000",
        officer="officer",
        actor="officer",
        reference=ReferenceData.with_defaults(),
        stage_date=stage_date,
        today=AS_OF,
    )


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


def test_level_ranks_and_an_overdue_stage_entered_today():
    assert [level_rank(None), level_rank("yellow"), level_rank("red")] == [0, 1, 2]
    overdue = judge("negotiating", AS_OF, {"signed": AS_OF - timedelta(31)}, AS_OF)
    assert (overdue.level, overdue.rule, overdue.days_in_stage) == (
        "yellow",
        "overdue",
        0,
    )
    assert judge("negotiating", AS_OF + timedelta(1), {}, AS_OF) is None


def test_policy_terms_carry_the_grace_and_version():
    policy = StallPolicy.with_defaults()
    assert policy.terms() == StallTerms(DEFAULT_THRESHOLDS, 30, 1)
    assert policy.overdue_days == 30
    policy.change("admin", overdue_days="0")
    assert policy.terms() == StallTerms(DEFAULT_THRESHOLDS, 0, 2)
    policy.change("admin", {"landed": 3650}, overdue_days="")  # "" keeps the grace
    assert policy.terms().overdue_days == 0
    assert policy.terms().thresholds["landed"] == 3650
    changed = policy.collect_events()[-1]
    assert (changed.before, changed.thresholds, changed.overdue_days) == (
        {"thresholds": DEFAULT_THRESHOLDS, "overdue_days": 0, "quiet_days": 30},
        {**DEFAULT_THRESHOLDS, "landed": 3650},
        0,
    )
    assert (changed.reason, changed.actor) == ("", "admin")
    policy.change("admin", {"signed": 1}, reason=" 收紧 ")
    assert (policy.collect_events()[-1].reason, policy.thresholds["signed"]) == (
        "收紧",
        1,
    )


@pytest.mark.parametrize(
    ("change", "message", "field"),
    [
        ({"thresholds": {"signed": 0}}, "须在 1–3650 天之间", "thresholds.signed"),
        ({"thresholds": {"signed": 3651}}, "须在 1–3650 天之间", "thresholds.signed"),
        (
            {"thresholds": {"signed": True}},
            "必须是整数天数",
            "thresholds.signed",
        ),
        (
            {"thresholds": {"signed": "2.5"}},
            "必须是整数天数",
            "thresholds.signed",
        ),
        ({"overdue_days": -1}, "须在 0–3650 天之间", "overdue_days"),
        (
            {"overdue_days": None, "thresholds": {}},
            "预警规则没有变化",
            "_schema",
        ),
        (
            {"thresholds": {"producing": 10}},
            "未知阶段: producing（只有 在谈/签约/落地 有阈值）",
            "thresholds",
        ),
        (
            {"reason": "x" * 2001, "overdue_days": 5},
            "最多 2000 个字符",
            "reason",
        ),
    ],
)
def test_a_refused_policy_change_says_why(change, message, field):
    with pytest.raises(RuleViolationError) as refused:
        StallPolicy.with_defaults().change("admin", **change)
    assert (refused.value.message, refused.value.field) == (message, field)


def test_the_forward_path_ends_at_production_and_withdrawn_is_off_it():
    assert [s.next() for s in FORWARD] == [
        Stage.SIGNED,
        Stage.LANDED,
        Stage.PRODUCING,
        None,
    ]
    assert Stage.WITHDRAWN.next() is None and Stage.WITHDRAWN.rank == -1
    assert [s.rank for s in FORWARD] == [0, 1, 2, 3]
