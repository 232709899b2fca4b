"""Each project command's event payload, and each refusal's exact message and field."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from domain.errors import RuleViolationError
from domain.project import InvestmentProject
from domain.reference import ReferenceData
from domain.stall import StallTerms
from tests.domain.test_project import TODAY, new_project

R = ReferenceData.with_defaults()
SRC = {"sha256": "ab", "row": 3}


def payload(event: Any) -> tuple[str, dict[str, Any]]:
    """The event's class name and attributes, without id, topic and timestamp."""
    attributes = dict(vars(event))
    for key in ("originator_id", "timestamp", "originator_topic"):
        attributes.pop(key, None)
    return type(event).__name__, attributes


def test_every_command_records_its_inputs_checked_and_trimmed():
    p = new_project()
    p.move("signed", date(2024, 2, 1), "o1", "签约仪式", today=TODAY, source=SRC)
    p.move("landed", date(2024, 3, 1), "o2", today=TODAY)
    p.redate("signed", date(2024, 2, 5), "录错", "leader", today=TODAY)
    p.withdraw(date(2024, 3, 5), "撤资", "o3", today=TODAY, source=SRC)
    p.reinstate("恢复", "leader", on=date(2024, 3, 10), today=TODAY)
    p.move("producing", date(2024, 4, 1), "o4", today=TODAY)
    p.correct("signed", date(2024, 4, 2), "投产录错", "leader", today=TODAY)
    p.report_progress(date(2024, 5, 1), "进展", "o5", today=TODAY, source=SRC)
    revision = {
        "name": " 新名 ",
        "land_area": "3",
        "priority": "province",
        "enterprise_id": None,
        "zone": "甪直镇",
    }
    p.revise(revision, "调整", "o6", R)
    p.reassign(" officer2 ", " 调岗 ", "leader")
    p.revise_plan({"landed": date(2024, 9, 1)}, "计划", "o7")
    d = date
    assert [payload(e) for e in p.collect_events()[1:]] == [
        (
            "Signed",
            {
                "originator_version": 2,
                "effective_date": d(2024, 2, 1),
                "actor": "o1",
                "reason": "签约仪式",
                "source": SRC,
            },
        ),
        (
            "Landed",
            {
                "originator_version": 3,
                "effective_date": d(2024, 3, 1),
                "actor": "o2",
                "reason": "",
                "source": None,
            },
        ),
        (
            "StageDateCorrected",
            {
                "originator_version": 4,
                "stage": "signed",
                "before": d(2024, 2, 1),
                "effective_date": d(2024, 2, 5),
                "reason": "录错",
                "actor": "leader",
            },
        ),
        (
            "Withdrawn",
            {
                "originator_version": 5,
                "effective_date": d(2024, 3, 5),
                "reason": "撤资",
                "actor": "o3",
                "from_stage": "landed",
                "source": SRC,
            },
        ),
        (
            "Reinstated",
            {
                "originator_version": 6,
                "effective_date": d(2024, 3, 10),
                "reason": "恢复",
                "actor": "leader",
                "to_stage": "landed",
            },
        ),
        (
            "ProductionStarted",
            {
                "originator_version": 7,
                "effective_date": d(2024, 4, 1),
                "actor": "o4",
                "reason": "",
                "source": None,
            },
        ),
        (
            "StageCorrected",
            {
                "originator_version": 8,
                "effective_date": d(2024, 4, 2),
                "from_stage": "producing",
                "to_stage": "signed",
                "removed": {"landed": d(2024, 3, 1), "producing": d(2024, 4, 1)},
                "reason": "投产录错",
                "actor": "leader",
            },
        ),
        (
            "ProgressReported",
            {
                "originator_version": 9,
                "effective_date": d(2024, 5, 1),
                "note": "进展",
                "actor": "o5",
                "source": SRC,
            },
        ),
        (
            "DetailsRevised",
            {
                "originator_version": 10,
                "changes": {
                    "name": ["智能装备产业化项目", "新名"],
                    "land_area": [None, Decimal("3")],
                    "priority": ["district", "province"],
                    "zone": ["mudu", "luzhi"],
                },
                "reason": "调整",
                "actor": "o6",
            },
        ),
        (
            "OfficerReassigned",
            {
                "originator_version": 11,
                "before": "officer",
                "after": "officer2",
                "reason": "调岗",
                "actor": "leader",
            },
        ),
        (
            "PlannedDatesRevised",
            {
                "originator_version": 12,
                "before": {},
                "after": {"landed": d(2024, 9, 1)},
                "reason": "计划",
                "actor": "o7",
            },
        ),
    ]
    assert (p.stage, p.stage_date, p.officer, p.name) == (
        "signed",
        d(2024, 2, 5),
        "officer2",
        "新名",
    )
    assert p.stage_dates == {"negotiating": d(2024, 1, 10), "signed": d(2024, 2, 5)}
    assert p.last_progress == {"date": d(2024, 5, 1), "note": "进展"}
    assert (p.progress_count, p.land_area, p.priority) == (1, Decimal("3"), "province")
    assert p.planned_dates == {"landed": d(2024, 9, 1)}


LONG = "x" * 2001
FUTURE = "日期不能晚于今天 2024-06-30 (date is in the future)"


def escalated():
    p = stalled()
    p.escalate_stall("督办", "l")
    return p


def signed():
    p = new_project()
    p.move("signed", date(2024, 2, 1), "o", today=TODAY)
    return p


def landed():
    p = signed()
    p.move("landed", date(2024, 3, 1), "o", today=TODAY)
    return p


def withdrawn():
    p = new_project()
    p.withdraw(date(2024, 2, 1), "r", "o", today=TODAY)
    return p


def stalled():
    p = new_project(stage_date=date(2024, 1, 1))
    p.review_stall(StallTerms(), TODAY, "2024-W26", "s")
    return p


CASES = {
    "unknown stage": lambda: new_project().move(
        "moon", date(2024, 2, 1), "o", today=TODAY
    ),
    "same stage": lambda: new_project().move(
        "negotiating", date(2024, 2, 1), "o", today=TODAY
    ),
    "skip": lambda: new_project().move("producing", date(2024, 2, 1), "o", today=TODAY),
    "skip from landed": lambda: signed().move(
        "producing", date(2024, 3, 1), "o", today=TODAY
    ),
    "frozen": lambda: withdrawn().move("signed", date(2024, 3, 1), "o", today=TODAY),
    "withdraw twice": lambda: withdrawn().withdraw(
        date(2024, 3, 1), "r", "o", today=TODAY
    ),
    "withdraw before stage": lambda: new_project().withdraw(
        date(2024, 1, 9), "r", "o", today=TODAY
    ),
    "reinstate before withdrawal": lambda: withdrawn().reinstate(
        "r", "l", on=date(2024, 1, 31), today=TODAY
    ),
    "reinstate in future": lambda: withdrawn().reinstate(
        "r", "l", on=date(2024, 7, 1), today=TODAY
    ),
    "reinstate not withdrawn": lambda: new_project().reinstate("r", "l", today=TODAY),
    "correct forward": lambda: signed().correct(
        "landed", date(2024, 3, 1), "r", "l", today=TODAY
    ),
    "correct never": lambda: new_project(stage="signed").correct(
        "negotiating", date(2024, 3, 1), "r", "l", today=TODAY
    ),
    "correct no reason": lambda: signed().correct(
        "negotiating", date(2024, 3, 1), "", "l", today=TODAY
    ),
    "correct future": lambda: signed().correct(
        "negotiating", date(2024, 7, 1), "r", "l", today=TODAY
    ),
    "correct withdrawn": lambda: withdrawn().correct(
        "negotiating", date(2024, 3, 1), "r", "l", today=TODAY
    ),
    "redate unknown": lambda: signed().redate(
        "moon", date(2024, 2, 2), "r", "l", today=TODAY
    ),
    "redate unreached": lambda: signed().redate(
        "landed", date(2024, 2, 2), "r", "l", today=TODAY
    ),
    "redate after next": lambda: landed().redate(
        "signed", date(2024, 3, 2), "r", "l", today=TODAY
    ),
    "redate before previous": lambda: landed().redate(
        "signed", date(2024, 1, 9), "r", "l", today=TODAY
    ),
    "redate no reason": lambda: landed().redate(
        "signed", date(2024, 2, 2), " ", "l", today=TODAY
    ),
    "progress future": lambda: new_project().report_progress(
        date(2024, 7, 1), "n", "o", today=TODAY
    ),
    "progress blank": lambda: new_project().report_progress(
        date(2024, 6, 1), " ", "o", today=TODAY
    ),
    "revise unknown field": lambda: new_project().revise({"officer": "x"}, "r", "o", R),
    "revise nothing": lambda: new_project().revise({"zone": "mudu"}, "r", "o", R),
    "revise no reason": lambda: new_project().revise({"zone": "luzhi"}, "", "o", R),
    "revise blank name": lambda: new_project().revise({"name": " "}, "r", "o", R),
    "revise bad money": lambda: new_project().revise(
        {"planned_investment": "x"}, "r", "o", R
    ),
    "revise bad priority": lambda: new_project().revise({"priority": "x"}, "r", "o", R),
    "revise bad land": lambda: new_project().revise({"land_area": "x"}, "r", "o", R),
    "revise bad zone": lambda: new_project().revise({"zone": "x"}, "r", "o", R),
    "reassign same": lambda: new_project().reassign(" officer ", "r", "l"),
    "reassign blank": lambda: new_project().reassign(" ", "r", "l"),
    "reassign long": lambda: new_project().reassign("x" * 81, "r", "l"),
    "plan unchanged": lambda: new_project(
        planned_dates={"signed": date(2024, 9, 1)}
    ).revise_plan({"signed": date(2024, 9, 1)}, "", "o"),
    "plan unknown key": lambda: new_project().revise_plan(
        {"moon": date(2024, 9, 1)}, "", "o"
    ),
    "plan not a date": lambda: new_project().revise_plan(
        {"landed": "2024-09-01"}, "", "o"
    ),
    "plan out of order": lambda: new_project().revise_plan(
        {"landed": date(2024, 9, 1), "producing": date(2024, 8, 1)}, "", "o"
    ),
    "answer unstalled": lambda: new_project().answer_stall(
        "c", "p", TODAY, "o", today=TODAY
    ),
    "answer not a date": lambda: stalled().answer_stall(
        "c", "p", "2024-07-01", "o", today=TODAY
    ),
    "answer past": lambda: stalled().answer_stall(
        "c", "p", TODAY - timedelta(days=1), "o", today=TODAY
    ),
    "answer no plan": lambda: stalled().answer_stall("c", " ", TODAY, "o", today=TODAY),
    "escalate unstalled": lambda: new_project().escalate_stall("r", "l"),
    "escalate no reason": lambda: stalled().escalate_stall(" ", "l"),
    "register bad land": lambda: new_project(land_area="-1"),
    "register unknown plan": lambda: new_project(
        planned_dates={"moon": date(2024, 9, 1)}
    ),
    "register unknown stage": lambda: new_project(stage="moon"),
    "register landed": lambda: new_project(stage="landed"),
    "register long officer": lambda: new_project(officer="x" * 81),
    "escalate twice": lambda: escalated().escalate_stall("再次", "l"),
    "move withdrawn future": lambda: new_project().move(
        "withdrawn", date(2024, 7, 1), "o", "r", today=TODAY
    ),
    "move back future": lambda: signed().move(
        "negotiating", date(2024, 7, 1), "l", "r", today=TODAY
    ),
    "redate future": lambda: signed().redate(
        "signed", date(2024, 7, 1), "r", "l", today=TODAY
    ),
    "move long reason": lambda: new_project().move(
        "signed", date(2024, 2, 1), "o", LONG, today=TODAY
    ),
    "withdraw long reason": lambda: new_project().withdraw(
        date(2024, 2, 1), LONG, "o", today=TODAY
    ),
    "reinstate long reason": lambda: withdrawn().reinstate(LONG, "l", today=TODAY),
    "correct long reason": lambda: signed().correct(
        "negotiating", date(2024, 3, 1), LONG, "l", today=TODAY
    ),
    "redate long reason": lambda: signed().redate(
        "signed", date(2024, 2, 2), LONG, "l", today=TODAY
    ),
    "progress long note": lambda: new_project().report_progress(
        date(2024, 6, 1), LONG, "o", today=TODAY
    ),
    "revise long reason": lambda: new_project().revise({"zone": "luzhi"}, LONG, "o", R),
    "reassign long reason": lambda: new_project().reassign("officer2", LONG, "l"),
    "plan long reason": lambda: new_project().revise_plan(
        {"signed": date(2024, 9, 1)}, LONG, "o"
    ),
    "answer long cause": lambda: stalled().answer_stall(
        LONG, "p", TODAY, "o", today=TODAY
    ),
    "answer long plan": lambda: stalled().answer_stall(
        "c", LONG, TODAY, "o", today=TODAY
    ),
    "escalate long reason": lambda: stalled().escalate_stall(LONG, "l"),
}


@pytest.mark.parametrize(
    ("case", "message", "field"),
    [
        ("unknown stage", "未知阶段: moon", "to"),
        ("same stage", "项目已处于在谈阶段", "to"),
        ("skip", "不能跳过阶段，下一阶段应为签约 (stages move one step)", "to"),
        (
            "skip from landed",
            "不能跳过阶段，下一阶段应为落地（开工） (stages move one step)",
            "to",
        ),
        ("frozen", "项目已终止，须先由领导恢复 (withdrawn projects cannot move)", "to"),
        (
            "withdraw twice",
            "项目已终止，须先由领导恢复 (withdrawn projects cannot move)",
            "to",
        ),
        (
            "withdraw before stage",
            "日期不能早于上一阶段日期 2024-01-10 (date is before the previous stage)",
            "date",
        ),
        (
            "reinstate before withdrawal",
            "日期不能早于上一阶段日期 2024-02-01 (date is before the previous stage)",
            "date",
        ),
        (
            "reinstate in future",
            "日期不能晚于今天 2024-06-30 (date is in the future)",
            "date",
        ),
        ("reinstate not withdrawn", "只有已终止的项目可以恢复", "to"),
        ("correct forward", "更正只能退回到更早的阶段", "to"),
        ("correct never", "项目从未处于在谈阶段", "to"),
        ("correct no reason", "不能为空 (required)", "reason"),
        (
            "correct future",
            "日期不能晚于今天 2024-06-30 (date is in the future)",
            "date",
        ),
        (
            "correct withdrawn",
            "项目已终止，须先由领导恢复 (withdrawn projects cannot move)",
            "to",
        ),
        ("redate unknown", "未知阶段: moon", "stage"),
        ("redate unreached", "项目尚未到达落地（开工）阶段", "stage"),
        ("redate after next", "日期不能晚于下一阶段日期 2024-03-01", "date"),
        (
            "redate before previous",
            "日期不能早于上一阶段日期 2024-01-10 (date is before the previous stage)",
            "date",
        ),
        ("redate no reason", "不能为空 (required)", "reason"),
        (
            "progress future",
            "日期不能晚于今天 2024-06-30 (date is in the future)",
            "date",
        ),
        ("progress blank", "不能为空 (required)", "note"),
        ("revise unknown field", "字段不可修改: officer", "officer"),
        ("revise nothing", "没有需要修改的内容 (nothing changed)", "_schema"),
        ("revise no reason", "不能为空 (required)", "reason"),
        ("revise blank name", "不能为空 (required)", "name"),
        ("revise bad money", "必须是数字 (must be a number)", "planned_investment"),
        ("revise bad priority", "未知重点级别: x", "priority"),
        ("revise bad land", "必须是数字 (must be a number)", "land_area"),
        ("revise bad zone", "未知的落户板块: x", "zone"),
        ("reassign same", "责任人没有变化", "officer"),
        ("reassign blank", "不能为空 (required)", "officer"),
        ("reassign long", "最多 80 个字符 (at most 80)", "officer"),
        ("plan unchanged", "计划日期没有变化", "planned_dates"),
        ("plan unknown key", "未知计划节点: moon", "planned_dates"),
        ("plan not a date", "计划日期格式错误", "planned_dates.landed"),
        (
            "plan out of order",
            "计划日期必须按 签约 ≤ 开工 ≤ 投产 的顺序",
            "planned_dates",
        ),
        (
            "answer unstalled",
            "项目当前没有停滞预警 (project is not stalled)",
            "_schema",
        ),
        ("answer not a date", "日期格式错误 (YYYY-MM-DD)", "checkpoint"),
        ("answer past", "下一检查节点不能早于今天 2024-06-30", "checkpoint"),
        ("answer no plan", "不能为空 (required)", "plan"),
        (
            "escalate unstalled",
            "项目当前没有停滞预警 (project is not stalled)",
            "_schema",
        ),
        ("escalate no reason", "不能为空 (required)", "reason"),
        ("register bad land", "必须大于 0 (must be greater than 0)", "land_area"),
        ("register unknown plan", "未知计划节点: moon", "planned_dates"),
        ("register unknown stage", "未知阶段: moon", "stage"),
        ("register landed", "新项目只能从 在谈 或 签约 开始", "stage"),
        ("register long officer", "最多 80 个字符 (at most 80)", "officer"),
        ("escalate twice", "该预警已督办 (already escalated)", "_schema"),
        ("move withdrawn future", FUTURE, "date"),
        ("move back future", FUTURE, "date"),
        ("redate future", FUTURE, "date"),
        ("move long reason", "最多 2000 个字符 (at most 2000)", "reason"),
        ("withdraw long reason", "最多 2000 个字符 (at most 2000)", "reason"),
        ("reinstate long reason", "最多 2000 个字符 (at most 2000)", "reason"),
        ("correct long reason", "最多 2000 个字符 (at most 2000)", "reason"),
        ("redate long reason", "最多 2000 个字符 (at most 2000)", "reason"),
        ("progress long note", "最多 2000 个字符 (at most 2000)", "note"),
        ("revise long reason", "最多 2000 个字符 (at most 2000)", "reason"),
        ("reassign long reason", "最多 2000 个字符 (at most 2000)", "reason"),
        ("plan long reason", "最多 2000 个字符 (at most 2000)", "reason"),
        ("answer long cause", "最多 2000 个字符 (at most 2000)", "cause"),
        ("answer long plan", "最多 2000 个字符 (at most 2000)", "plan"),
        ("escalate long reason", "最多 2000 个字符 (at most 2000)", "reason"),
    ],
)
def test_a_refused_command_says_why_and_names_the_field(case, message, field):
    with pytest.raises(RuleViolationError) as refused:
        CASES[case]()
    assert (refused.value.message, refused.value.field) == (message, field)
    assert str(refused.value) == message


def test_a_ledger_row_derives_its_project_id_from_file_sheet_and_row():
    row = {"sha256": "ab", "sheet": "2024", "row": 7}
    same = InvestmentProject.create_id(source=dict(row))
    assert InvestmentProject.create_id(source=row) == same
    assert InvestmentProject.create_id(source={**row, "row": 8}) != same
    assert InvestmentProject.create_id(source={**row, "sheet": "2025"}) != same
    assert InvestmentProject.create_id(source={**row, "row": 0}) != same  # row 0 counts
    no_sheet = {"sha256": "ab", "row": 7}
    assert InvestmentProject.create_id(source=no_sheet) == InvestmentProject.create_id(
        source={**no_sheet, "sheet": ""}
    )
    assert new_project(source=row).id == same
    for loose in (None, {}, {"row": 7}, {"sha256": "ab"}, {"sha256": "", "row": 7}):
        assert InvestmentProject.create_id(source=loose) != InvestmentProject.create_id(
            source=loose
        )


def test_registration_defaults_to_negotiating_today_at_district_priority():
    p = InvestmentProject.register(
        name="项目",
        investor="投资方",
        industry="robotics",
        zone="mudu",
        planned_investment="10",
        officer="officer",
        actor="clerk",
        reference=R,
        today=TODAY,
    )
    [registered] = p.collect_events()
    assert (registered.stage, registered.stage_date, registered.priority) == (
        "negotiating",
        TODAY,
        "district",
    )
    assert (registered.actor, registered.source, registered.land_area) == (
        "clerk",
        None,
        None,
    )
    assert (p.stage, p.stage_date, p.withdrawn_from, p.stall) == (
        "negotiating",
        TODAY,
        None,
        None,
    )
    assert (p.last_progress, p.progress_count, p.planned_dates) == (None, 0, {})


def test_a_withdrawn_project_has_no_backward_move():
    p = withdrawn()
    assert not p.is_backward("negotiating")
    assert landed().is_backward("negotiating") and not landed().is_backward("producing")
    assert not landed().is_backward("withdrawn")


def test_reasons_and_notes_may_be_as_long_as_a_text_allows():
    text = "x" * 2000
    p = new_project(stage_date=date(2024, 1, 1), officer="o" * 80)
    p.review_stall(StallTerms(), TODAY, "2024-W26", "s")
    p.answer_stall(text, text, TODAY, "o", today=TODAY)
    p.escalate_stall(text, "l")
    p.report_progress(date(2024, 6, 1), text, "o", today=TODAY)
    p.revise({"zone": "luzhi"}, text, "o", R)
    p.move("signed", date(2024, 2, 1), "o", text, today=TODAY)
    p.redate("signed", date(2024, 2, 2), text, "l", today=TODAY)
    p.correct("negotiating", date(2024, 3, 1), text, "l", today=TODAY)
    p.withdraw(date(2024, 3, 1), text, "o", today=TODAY)
    p.reinstate(text, "l", today=TODAY)
    assert p.version == 12 and p.officer == "o" * 80  # the move cleared the stall


def test_move_hands_withdrawal_and_correction_their_actor_day_and_source():
    p = stalled()
    p.move("withdrawn", date(2024, 6, 1), "o9", "撤资", today=TODAY, source=SRC)
    withdrawn_event, cleared = p.collect_events()[-2:]
    assert (withdrawn_event.actor, withdrawn_event.source) == ("o9", SRC)
    assert (cleared.actor, cleared.as_of) == ("o9", date(2024, 6, 1))
    q = signed()
    q.review_stall(StallTerms(thresholds={"signed": 1}), TODAY, "2024-W26", "s")
    q.move("negotiating", date(2024, 6, 2), "l9", "录错", today=TODAY)
    corrected, cleared = q.collect_events()[-2:]
    assert (corrected.actor, corrected.effective_date) == ("l9", date(2024, 6, 2))
    assert (cleared.actor, cleared.as_of, cleared.reason) == (
        "l9",
        date(2024, 6, 2),
        "阶段已变更为在谈",
    )
    r = signed()
    r.review_stall(StallTerms(thresholds={"signed": 1}), TODAY, "2024-W26", "s")
    r.move("landed", date(2024, 6, 3), "o8", today=TODAY)
    assert (r.collect_events()[-1].actor, r.stall) == ("o8", None)


def test_registration_records_enterprise_and_source():
    enterprise = uuid4()
    p = new_project(enterprise_id=enterprise, source=SRC)
    [registered] = p.collect_events()
    assert (registered.enterprise_id, registered.source) == (enterprise, SRC)
    assert p.enterprise_id == enterprise


def test_revision_checks_each_field_as_registration_does():
    p = new_project(land_area="5")
    enterprise = uuid4()
    p.revise(
        {
            "investor": " 新投资方 ",
            "industry": "机器人与智能制造",
            "land_area": "",
            "enterprise_id": enterprise,
        },
        "更正",
        "o",
        R,
    )
    assert p.collect_events()[-1].changes == {
        "investor": ["苏州某科技有限公司", "新投资方"],
        "land_area": [Decimal("5"), None],
        "enterprise_id": [None, enterprise],
    }
    assert (p.investor, p.land_area, p.enterprise_id) == ("新投资方", None, enterprise)
