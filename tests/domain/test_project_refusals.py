"""Each refused project command: its exact message and the field it names."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.errors import RuleViolationError
from domain.reference import ReferenceData
from domain.stall import StallTerms
from tests.domain.test_project import TODAY, new_project

R = ReferenceData.with_defaults()

LONG = "x" * 2001
FUTURE = "日期不能晚于今天 2024-06-30"


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
        ("skip", "不能跳过阶段，下一阶段应为签约", "to"),
        (
            "skip from landed",
            "不能跳过阶段，下一阶段应为落地（开工）",
            "to",
        ),
        ("frozen", "项目已终止，须先由领导恢复", "to"),
        (
            "withdraw twice",
            "项目已终止，须先由领导恢复",
            "to",
        ),
        (
            "withdraw before stage",
            "日期不能早于上一阶段日期 2024-01-10",
            "date",
        ),
        (
            "reinstate before withdrawal",
            "日期不能早于上一阶段日期 2024-02-01",
            "date",
        ),
        (
            "reinstate in future",
            "日期不能晚于今天 2024-06-30",
            "date",
        ),
        ("reinstate not withdrawn", "只有已终止的项目可以恢复", "to"),
        ("correct forward", "更正只能退回到更早的阶段", "to"),
        ("correct never", "项目从未处于在谈阶段", "to"),
        ("correct no reason", "不能为空", "reason"),
        (
            "correct future",
            "日期不能晚于今天 2024-06-30",
            "date",
        ),
        (
            "correct withdrawn",
            "项目已终止，须先由领导恢复",
            "to",
        ),
        ("redate unknown", "未知阶段: moon", "stage"),
        ("redate unreached", "项目尚未到达落地（开工）阶段", "stage"),
        ("redate after next", "日期不能晚于下一阶段日期 2024-03-01", "date"),
        (
            "redate before previous",
            "日期不能早于上一阶段日期 2024-01-10",
            "date",
        ),
        ("redate no reason", "不能为空", "reason"),
        (
            "progress future",
            "日期不能晚于今天 2024-06-30",
            "date",
        ),
        ("progress blank", "不能为空", "note"),
        ("revise unknown field", "字段不可修改: officer", "officer"),
        ("revise nothing", "没有需要修改的内容", "_schema"),
        ("revise no reason", "不能为空", "reason"),
        ("revise blank name", "不能为空", "name"),
        ("revise bad money", "必须是数字", "planned_investment"),
        ("revise bad priority", "未知重点级别: x", "priority"),
        ("revise bad land", "必须是数字", "land_area"),
        ("revise bad zone", "未知的落户板块: x", "zone"),
        ("reassign same", "责任人没有变化", "officer"),
        ("reassign blank", "不能为空", "officer"),
        ("reassign long", "最多 80 个字符", "officer"),
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
            "项目当前没有停滞预警",
            "_schema",
        ),
        ("answer not a date", "日期格式应为 YYYY-MM-DD", "checkpoint"),
        ("answer past", "下一检查节点不能早于今天 2024-06-30", "checkpoint"),
        ("answer no plan", "不能为空", "plan"),
        (
            "escalate unstalled",
            "项目当前没有停滞预警",
            "_schema",
        ),
        ("escalate no reason", "不能为空", "reason"),
        ("register bad land", "必须大于 0", "land_area"),
        ("register unknown plan", "未知计划节点: moon", "planned_dates"),
        ("register unknown stage", "未知阶段: moon", "stage"),
        ("register landed", "新项目只能从 在谈 或 签约 开始", "stage"),
        ("register long officer", "最多 80 个字符", "officer"),
        ("escalate twice", "该预警已督办", "_schema"),
        ("move withdrawn future", FUTURE, "date"),
        ("move back future", FUTURE, "date"),
        ("redate future", FUTURE, "date"),
        ("move long reason", "最多 2000 个字符", "reason"),
        ("withdraw long reason", "最多 2000 个字符", "reason"),
        ("reinstate long reason", "最多 2000 个字符", "reason"),
        ("correct long reason", "最多 2000 个字符", "reason"),
        ("redate long reason", "最多 2000 个字符", "reason"),
        ("progress long note", "最多 2000 个字符", "note"),
        ("revise long reason", "最多 2000 个字符", "reason"),
        ("reassign long reason", "最多 2000 个字符", "reason"),
        ("plan long reason", "最多 2000 个字符", "reason"),
        ("answer long cause", "最多 2000 个字符", "cause"),
        ("answer long plan", "最多 2000 个字符", "plan"),
        ("escalate long reason", "最多 2000 个字符", "reason"),
    ],
)
def test_a_refused_command_says_why_and_names_the_field(case, message, field):
    with pytest.raises(RuleViolationError) as refused:
        CASES[case]()
    assert (refused.value.message, refused.value.field) == (message, field)
    assert str(refused.value) == message
