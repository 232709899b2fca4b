"""The project aggregate's stage rules, allowed and refused, with the events."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.errors import RuleViolationError
from domain.project import InvestmentProject
from domain.reference import ReferenceData
from domain.stages import Stage

TODAY = date(2024, 6, 30)


def new_project(**overrides) -> InvestmentProject:
    fields = dict(
        name="智能装备产业化项目",
        investor="苏州某科技有限公司",
        industry="robotics",
        zone="mudu",
        planned_investment="12000.5",
        officer="officer",
        actor="officer",
        reference=ReferenceData.with_defaults(),
        stage_date=date(2024, 1, 10),
        today=TODAY,
    )
    fields.update(overrides)
    return InvestmentProject.register(**fields)


def event_names(project: InvestmentProject) -> list[str]:
    return [type(e).__name__ for e in project.collect_events()]


def test_register_records_exact_money_and_resolves_chinese_names():
    project = new_project(industry="机器人与智能制造", zone="木渎镇")
    assert project.planned_investment == Decimal("12000.5")
    assert (project.industry, project.zone) == ("robotics", "mudu")
    assert project.stage is Stage.NEGOTIATING
    [registered] = project.collect_events()
    assert type(registered).__name__ == "Registered"
    assert registered.actor == "officer"
    assert registered.stage_date == date(2024, 1, 10)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": " "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"investor": "x" * 201}, "investor"),
        ({"planned_investment": "0"}, "planned_investment"),
        ({"planned_investment": "-5"}, "planned_investment"),
        ({"planned_investment": "abc"}, "planned_investment"),
        ({"industry": "steel"}, "industry"),
        ({"zone": "火星"}, "zone"),
        ({"stage": "landed"}, "stage"),
        ({"stage_date": date(2024, 7, 1)}, "stage_date"),
        ({"priority": "national"}, "priority"),
        (
            {"planned_dates": {"signed": date(2025, 1, 1), "landed": date(2024, 9, 1)}},
            "planned_dates",
        ),
    ],
)
def test_register_refuses_bad_input_naming_the_field(overrides, field):
    with pytest.raises(RuleViolationError) as caught:
        new_project(**overrides)
    assert caught.value.field == field


def test_register_as_signed():
    project = new_project(stage="signed", stage_date=date(2024, 2, 1))
    assert project.stage is Stage.SIGNED
    assert project.stage_dates == {"signed": date(2024, 2, 1)}


def test_forward_moves_one_step_at_a_time_with_events():
    project = new_project()
    project.move("signed", date(2024, 2, 1), "officer", today=TODAY)
    project.move("landed", date(2024, 3, 1), "officer", today=TODAY)
    project.move("producing", date(2024, 6, 30), "officer", today=TODAY)
    assert project.stage is Stage.PRODUCING
    assert event_names(project) == [
        "Registered",
        "Signed",
        "Landed",
        "ProductionStarted",
    ]
    assert project.stage_dates["landed"] == date(2024, 3, 1)
    assert project.version == 4


def test_skipping_a_stage_is_refused():
    project = new_project()
    with pytest.raises(RuleViolationError, match="不能跳过") as caught:
        project.move("landed", date(2024, 2, 1), "officer", today=TODAY)
    assert caught.value.field == "to"
    assert project.stage is Stage.NEGOTIATING


def test_moving_to_the_current_stage_is_refused():
    with pytest.raises(RuleViolationError):
        new_project().move("negotiating", date(2024, 2, 1), "o", today=TODAY)


def test_date_in_the_future_is_refused_today_is_allowed():
    project = new_project()
    with pytest.raises(RuleViolationError, match="晚于今天") as caught:
        project.move("signed", date(2024, 7, 1), "officer", today=TODAY)
    assert caught.value.field == "date"
    project.move("signed", TODAY, "officer", today=TODAY)
    assert project.stage is Stage.SIGNED


def test_date_before_the_previous_stage_is_refused_same_day_is_allowed():
    project = new_project()
    with pytest.raises(RuleViolationError, match="早于"):
        project.move("signed", date(2024, 1, 9), "officer", today=TODAY)
    project.move("signed", date(2024, 1, 10), "officer", today=TODAY)
    assert project.stage_date == date(2024, 1, 10)


def test_withdrawal_needs_a_reason_and_freezes_the_project():
    project = new_project()
    with pytest.raises(RuleViolationError) as caught:
        project.move("withdrawn", date(2024, 2, 1), "officer", "", today=TODAY)
    assert caught.value.field == "reason"
    project.move("withdrawn", date(2024, 2, 1), "officer", "投资方撤资", today=TODAY)
    assert project.stage is Stage.WITHDRAWN
    assert project.withdrawn_from is Stage.NEGOTIATING
    for target in ("signed", "negotiating", "withdrawn"):
        with pytest.raises(RuleViolationError, match="已终止"):
            project.move(target, date(2024, 3, 1), "leader", "x", today=TODAY)
    withdrawn = project.collect_events()[-1]
    assert type(withdrawn).__name__ == "Withdrawn"
    assert withdrawn.reason == "投资方撤资"
    assert withdrawn.from_stage == "negotiating"


def test_reinstate_returns_to_the_stage_it_left():
    project = new_project(stage="signed")
    project.withdraw(date(2024, 2, 1), "暂停", "officer", today=TODAY)
    with pytest.raises(RuleViolationError):
        project.reinstate("", "leader", today=TODAY)
    project.reinstate("投资方恢复推进", "leader", today=TODAY)
    assert project.stage is Stage.SIGNED
    assert "withdrawn" not in project.stage_dates
    assert event_names(project)[-1] == "Reinstated"


def test_reinstate_only_withdrawn_projects():
    with pytest.raises(RuleViolationError):
        new_project().reinstate("why", "leader", today=TODAY)


def test_backward_move_is_a_correction_that_needs_a_reason():
    project = new_project()
    project.move("signed", date(2024, 2, 1), "o", today=TODAY)
    project.move("landed", date(2024, 3, 1), "o", today=TODAY)
    assert project.is_backward("signed")
    with pytest.raises(RuleViolationError) as caught:
        project.move("signed", date(2024, 3, 2), "leader", "", today=TODAY)
    assert caught.value.field == "reason"
    project.move("negotiating", date(2024, 3, 2), "leader", "合同未生效", today=TODAY)
    assert project.stage is Stage.NEGOTIATING
    assert project.stage_dates == {"negotiating": date(2024, 1, 10)}
    corrected = project.collect_events()[-1]
    assert type(corrected).__name__ == "StageCorrected"
    assert corrected.removed == {"signed": date(2024, 2, 1), "landed": date(2024, 3, 1)}


def test_redate_keeps_stage_dates_in_order():
    project = new_project()
    project.move("signed", date(2024, 2, 1), "o", today=TODAY)
    project.move("landed", date(2024, 3, 1), "o", today=TODAY)
    with pytest.raises(RuleViolationError):
        project.redate("signed", date(2024, 3, 5), "更正", "leader", today=TODAY)
    with pytest.raises(RuleViolationError):
        project.redate("producing", date(2024, 3, 5), "更正", "leader", today=TODAY)
    project.redate("signed", date(2024, 2, 20), "合同日期录错", "leader", today=TODAY)
    assert project.stage_dates["signed"] == date(2024, 2, 20)
    event = project.collect_events()[-1]
    assert (event.before, event.effective_date) == (date(2024, 2, 1), date(2024, 2, 20))


def test_redate_stays_before_a_withdrawal_later_undone():
    project = new_project()  # 在谈 since 2024-01-10
    project.withdraw(date(2024, 1, 20), "投资方暂缓", "leader", today=TODAY)
    project.reinstate("恢复洽谈", "leader", on=date(2024, 2, 1), today=TODAY)
    assert project.stage_dates == {"negotiating": date(2024, 1, 10)}  # forgotten
    # 在谈 was left on 01-20: its start cannot move past that day.
    with pytest.raises(RuleViolationError, match="2024-01-20") as refused:
        project.redate("negotiating", date(2024, 1, 25), "更正", "leader", today=TODAY)
    assert refused.value.field == "date"
    project.redate("negotiating", date(2024, 1, 20), "更正", "leader", today=TODAY)
    # A stage entered after the reinstatement cannot move before it.
    project.move("signed", date(2024, 3, 1), "o", today=TODAY)
    with pytest.raises(RuleViolationError):
        project.redate("signed", date(2024, 1, 25), "更正", "leader", today=TODAY)
    project.redate("signed", date(2024, 2, 1), "更正", "leader", today=TODAY)
    assert project.timeline.entries == (
        ("negotiating", date(2024, 1, 20)),
        ("withdrawn", date(2024, 1, 20)),
        ("negotiating", date(2024, 2, 1)),
        ("signed", date(2024, 2, 1)),
    )


def test_timeline_after_a_correction_ends_where_the_stage_was_last_entered():
    project = new_project()
    project.move("signed", date(2024, 2, 1), "o", today=TODAY)
    project.withdraw(date(2024, 2, 10), "暂缓", "leader", today=TODAY)
    project.reinstate("恢复", "leader", on=date(2024, 2, 20), today=TODAY)
    project.correct("negotiating", date(2024, 3, 1), "签约录错", "leader", today=TODAY)
    assert project.timeline.entries == (("negotiating", date(2024, 1, 10)),)
    # Nothing after it any more: its date may move up to today.
    project.redate("negotiating", date(2024, 2, 15), "更正", "leader", today=TODAY)


def test_revise_keeps_before_and_after():
    project = new_project()
    reference = ReferenceData.with_defaults()
    project.revise(
        {"planned_investment": "15000", "zone": "甪直镇"}, "投资额调整", "o", reference
    )
    event = project.collect_events()[-1]
    assert event.changes == {
        "planned_investment": [Decimal("12000.5"), Decimal("15000")],
        "zone": ["mudu", "luzhi"],
    }
    assert project.zone == "luzhi"
    with pytest.raises(RuleViolationError, match="没有需要修改"):
        project.revise({"zone": "luzhi"}, "x", "o", reference)
    with pytest.raises(RuleViolationError) as caught:
        project.revise({"stage": "landed"}, "x", "o", reference)
    assert caught.value.field == "stage"
    with pytest.raises(RuleViolationError):
        project.revise({"zone": "luzhi", "name": "新"}, "", "o", reference)


def test_progress_reassign_and_plan():
    project = new_project()
    project.report_progress(date(2024, 5, 1), "完成用地预审", "officer", today=TODAY)
    with pytest.raises(RuleViolationError):
        project.report_progress(date(2024, 5, 1), "x" * 2001, "officer", today=TODAY)
    project.reassign("officer2", "岗位调整", "leader")
    with pytest.raises(RuleViolationError):
        project.reassign("officer2", "", "leader")
    project.revise_plan({"signed": date(2024, 9, 1)}, "", "officer")
    assert project.planned_dates == {"signed": date(2024, 9, 1)}
    assert event_names(project)[1:] == [
        "ProgressReported",
        "OfficerReassigned",
        "PlannedDatesRevised",
    ]
    assert project.officer == "officer2"
    assert project.last_progress == {"date": date(2024, 5, 1), "note": "完成用地预审"}
