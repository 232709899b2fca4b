"""Each project command's event payload: inputs checked, trimmed and handed on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

from domain.project import InvestmentProject
from domain.reference import ReferenceData
from domain.stall import StallTerms
from tests.domain.test_project import TODAY, new_project
from tests.domain.test_project_refusals import landed, signed, stalled, withdrawn

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
