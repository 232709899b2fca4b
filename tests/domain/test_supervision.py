"""督办 rules: timing at its boundary days, numbers per year, the lifecycle on a project."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.errors import RuleViolationError
from domain.project import InvestmentProject
from domain.reference import ReferenceData
from domain.supervision import (
    Status,
    SupervisionNumbers,
    check_due_on,
    clean_units,
    number_text,
    numbers_id,
    supervision_id,
    timing,
)

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (-1, "overdue"),
        (0, "due_soon"),
        (1, "due_soon"),
        (3, "due_soon"),
        (4, "on_time"),
        (30, "on_time"),
    ],
)
def test_timing_at_its_boundaries(days_left: int, expected: str) -> None:
    assert timing(TODAY + timedelta(days=days_left), TODAY) == expected


def test_a_closed_supervision_is_timed_on_the_day_it_was_closed() -> None:
    due = TODAY
    assert timing(due, TODAY + timedelta(days=9), closed_on=TODAY) == "due_soon"
    assert timing(due, TODAY + timedelta(days=9), closed_on=TODAY + timedelta(1)) == (
        "overdue"
    )
    # Asked before it was closed, it is timed on the day asked.
    assert timing(due, TODAY - timedelta(days=5), closed_on=TODAY) == "on_time"


def test_numbers_count_per_year_from_one() -> None:
    numbers = SupervisionNumbers(year=2026)
    assert numbers.id == numbers_id(2026) == SupervisionNumbers.create_id(2026)
    assert numbers_id(2027) != numbers_id(2026)
    assert [numbers.take("p1", "leader"), numbers.take("p2", "leader")] == [1, 2]
    assert SupervisionNumbers(year=2027).take("p3", "leader") == 1
    assert number_text(2026, 3) == "督办〔2026〕3号"
    assert supervision_id(2026, 3) != supervision_id(2027, 3)
    assert supervision_id(2026, 3) == supervision_id(2026, 3)


def test_numbers_replayed_from_events_continue_where_they_stopped() -> None:
    numbers = SupervisionNumbers(year=2026)
    numbers.take("p1", "leader")
    numbers.take("p2", "leader")
    copy = None
    for e in numbers.collect_events():
        copy = e.mutate(copy)
    assert copy.take("p3", "leader") == 3


def test_due_date_from_today_to_a_year_ahead() -> None:
    assert check_due_on(TODAY, TODAY) == TODAY
    assert check_due_on(TODAY + timedelta(days=366), TODAY)
    for bad in (TODAY - timedelta(days=1), TODAY + timedelta(days=367)):
        with pytest.raises(RuleViolationError) as error:
            check_due_on(bad, TODAY)
        assert error.value.field == "due_on"


def test_units_are_stripped_deduplicated_and_limited() -> None:
    assert clean_units([" 区发改局 ", "", "区资规分局", "区发改局"]) == [
        "区发改局",
        "区资规分局",
    ]
    assert clean_units(None) == []
    with pytest.raises(RuleViolationError) as error:
        clean_units([f"单位{i}" for i in range(11)])
    assert error.value.field == "units"
    with pytest.raises(RuleViolationError) as error:
        clean_units(["x" * 201])
    assert error.value.field == "units.0"


def project() -> InvestmentProject:
    return InvestmentProject.register(
        name="【示例】项目",
        investor="某公司",
        industry="robotics",
        zone="mudu",
        planned_investment="100",
        officer="officer1",
        actor="officer1",
        reference=ReferenceData.with_defaults(),
        today=TODAY,
    )


def issued(p: InvestmentProject, due_in: int = 5) -> str:
    sid = supervision_id(2026, 1)
    p.issue_supervision(
        sid,
        number_text(2026, 1),
        "请于期限内解决用地问题",
        TODAY + timedelta(days=due_in),
        ["区资规分局", "区发改局"],
        "leader1",
        today=TODAY,
    )
    return str(sid)


def test_the_lifecycle_issue_reply_send_back_reply_close() -> None:
    p = project()
    sid = issued(p)
    s = p.supervision(sid)
    assert (s.number, s.status, s.units, s.issued_by, s.issued_on) == (
        "督办〔2026〕1号",
        Status.OPEN,
        ("区资规分局", "区发改局"),
        "leader1",
        TODAY,
    )
    p.reply_supervision(sid, "已对接资规分局", "officer1")
    assert p.supervision(sid).status is Status.REPLIED
    assert p.supervision(sid).reply == "已对接资规分局"
    p.send_back_supervision(sid, "回复不具体", "leader1")
    assert p.supervision(sid).status is Status.RETURNED
    p.reply_supervision(sid, "已取得用地指标", "officer1")
    p.close_supervision(sid, "同意办结", "leader1", today=TODAY)
    assert p.supervision(sid).status is Status.CLOSED
    assert p.supervision(sid).closed_on == TODAY
    kinds = [type(e).__name__ for e in p.collect_events()]
    assert kinds == [
        "Registered",
        "SupervisionIssued",
        "SupervisionReplied",
        "SupervisionSentBack",
        "SupervisionReplied",
        "SupervisionClosed",
    ]


def test_state_is_rebuilt_by_replaying_the_events() -> None:
    p = project()
    sid = issued(p)
    p.reply_supervision(sid, "已推进", "officer1")
    copy = None
    for e in p.collect_events():
        copy = e.mutate(copy)
    assert copy.supervision(sid) == p.supervision(sid)
    assert InvestmentProject.supervisions == {}  # the class default stays empty


def test_closing_twice_is_refused() -> None:
    p = project()
    sid = issued(p)
    p.close_supervision(sid, "", "leader1", today=TODAY)
    with pytest.raises(RuleViolationError, match="已办结"):
        p.close_supervision(sid, "", "leader1", today=TODAY)
    with pytest.raises(RuleViolationError, match="已办结"):
        p.reply_supervision(sid, "补充", "officer1")


def test_only_a_replied_supervision_is_sent_back() -> None:
    p = project()
    sid = issued(p)
    with pytest.raises(RuleViolationError, match="只有已回复"):
        p.send_back_supervision(sid, "重办", "leader1")
    p.reply_supervision(sid, "已推进", "officer1")
    with pytest.raises(RuleViolationError) as error:
        p.send_back_supervision(sid, " ", "leader1")
    assert error.value.field == "note"


def test_a_reply_needs_a_note_and_an_issue_a_requirement() -> None:
    p = project()
    sid = issued(p)
    with pytest.raises(RuleViolationError) as error:
        p.reply_supervision(sid, "  ", "officer1")
    assert error.value.field == "note"
    with pytest.raises(RuleViolationError) as error:
        p.issue_supervision(
            supervision_id(2026, 2), "n", "", TODAY, [], "leader1", today=TODAY
        )
    assert error.value.field == "requirement"
    with pytest.raises(RuleViolationError) as error:
        p.reply_supervision("no-such-id", "x", "officer1")
    assert error.value.field == "id"


def test_no_supervision_on_a_withdrawn_project() -> None:
    p = project()
    p.withdraw(TODAY, "投资方撤资", "officer1", today=TODAY)
    with pytest.raises(RuleViolationError, match="已终止"):
        issued(p)


def test_quiet_days_are_a_versioned_term_of_the_stall_policy() -> None:
    from domain.stall import DEFAULT_QUIET_DAYS, StallPolicy

    policy = StallPolicy.with_defaults()
    assert policy.terms().quiet_days == DEFAULT_QUIET_DAYS == 30
    policy.change("admin", quiet_days=14, reason="加密跟踪")
    assert (policy.terms().quiet_days, policy.terms().version) == (14, 2)
    with pytest.raises(RuleViolationError) as error:
        policy.change("admin", quiet_days=0)
    assert error.value.field == "quiet_days"
    with pytest.raises(RuleViolationError, match="没有变化"):
        policy.change("admin", quiet_days=14)
    copy = None
    for e in policy.collect_events():
        copy = e.mutate(copy)
    assert copy.quiet_days == 14


def test_a_planned_date_is_late_from_the_day_after_it() -> None:
    from domain.worklist import late_plan

    plan = {"signed": TODAY}
    assert late_plan("negotiating", plan, TODAY) is None
    late = late_plan("negotiating", plan, TODAY + timedelta(days=1))
    assert (late.stage, late.planned_on, late.days_late) == ("signed", TODAY, 1)
    assert (
        late_plan("signed", plan, TODAY + timedelta(days=9)) is None
    )  # 开工 unplanned
    assert late_plan("producing", {"producing": TODAY}, TODAY + timedelta(9)) is None


@pytest.mark.parametrize(("days", "quiet"), [(29, False), (30, True), (31, True)])
def test_quiet_after_the_policy_days_without_progress(days: int, quiet: bool) -> None:
    from domain.worklist import is_quiet, quiet_for

    as_of = TODAY + timedelta(days=days)
    stage_on = TODAY - timedelta(days=100)
    assert is_quiet("signed", TODAY, stage_on, as_of, 30) is quiet
    # With no note, the stage's date counts; a later stage date counts too.
    assert is_quiet("signed", None, TODAY, as_of, 30) is quiet
    assert quiet_for(TODAY - timedelta(days=5), TODAY, as_of) == days
    assert not is_quiet("producing", None, stage_on, as_of, 30)


@pytest.mark.parametrize(
    ("kind", "day", "first", "last"),
    [
        ("week", date(2026, 3, 1), date(2026, 2, 23), date(2026, 3, 1)),  # a Sunday
        ("week", date(2026, 3, 2), date(2026, 3, 2), date(2026, 3, 8)),  # a Monday
        ("month", date(2024, 2, 10), date(2024, 2, 1), date(2024, 2, 29)),
        ("month", date(2026, 12, 31), date(2026, 12, 1), date(2026, 12, 31)),
        ("quarter", date(2026, 3, 31), date(2026, 1, 1), date(2026, 3, 31)),
        ("quarter", date(2026, 10, 1), date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_periods_at_their_edges(kind, day, first, last) -> None:
    from domain.scorecard import period_of

    period = period_of(kind, day)
    assert (period.first, period.last) == (first, last)


def test_zones_rank_by_points_then_stalled_share_then_answer_time() -> None:
    from domain.scorecard import period_of, rank

    def row(zone, signed=0, landed=0, producing=0, share=0.0, answer=None):
        new = {"signed": signed, "landed": landed, "producing": producing}
        return {
            "zone": zone,
            "new": new,
            "stalled_share": share,
            "median_answer_hours": answer,
        }

    ranked = rank(
        [
            row("a", signed=3),  # 3 points
            row("b", producing=1),  # 3 points, same share: faster answer wins
            row("c", landed=1, share=0.5),  # 2 points
            row("d", landed=1, share=0.1),  # 2 points, smaller share
            row("e"),
            row("f", signed=3, answer=2.0),
        ]
    )
    assert [(r["zone"], r["points"], r["rank"]) for r in ranked] == [
        ("f", 3, 1),
        ("a", 3, 2),
        ("b", 3, 3),
        ("d", 2, 4),
        ("c", 2, 5),
        ("e", 0, 6),
    ]
    assert [r["board"] for r in ranked] == ["red", "red", "", "", "black", "black"]
    assert [r["board"] for r in rank([row("x"), row("y", signed=1)])] == [
        "red",
        "black",
    ]
    assert rank([row("x")])[0]["board"] == ""
    with pytest.raises(RuleViolationError) as error:
        period_of("year", TODAY)
    assert error.value.field == "period"
