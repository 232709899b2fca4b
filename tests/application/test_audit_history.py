"""Decision histories with before → after, and aggregates as recorded at an instant."""

from __future__ import annotations

import time
from datetime import UTC, date, timedelta
from uuid import UUID

import pytest

from domain.uscc import check_character
from gxtrack.errors import NotFoundError

BODY = "91320506MA1W2X3Y4"
USCC_VALID = BODY + check_character(BODY)


def _project(app, actor):
    return app.register_project(
        actor,
        name="【示例】审计项目",
        investor="某投资方",
        industry="aerospace",
        zone="mudu",
        planned_investment="1000",
        stage_date=date(2025, 1, 1),
    )["id"]


def _changes(item):
    return {c["field"]: (c["before"], c["after"]) for c in item["changes"]}


def test_project_history_changes_for_every_kind(runtime, leader):
    app = runtime.app
    pid = _project(app, leader)
    app.move_project(leader, pid, "signed", date(2025, 2, 1))
    app.redate_stage(leader, pid, "signed", date(2025, 1, 20), "合同日期更正")
    app.move_project(leader, pid, "landed", date(2025, 3, 1))
    app.move_project(leader, pid, "signed", date(2025, 3, 5), "误报开工")
    app.reassign_project(leader, pid, "officer2", "调岗")
    app.revise_plan(leader, pid, {"landed": date(2026, 1, 1)}, "计划调整")
    app.revise_project(leader, pid, {"planned_investment": "1200"}, "追加投资")
    app.report_progress(leader, pid, date(2025, 3, 6), "洽谈用地")
    app.move_project(leader, pid, "withdrawn", date(2025, 4, 1), "投资方退出")
    items = app.project_history(pid)

    assert [i["type"] for i in items] == [
        "Registered",
        "Signed",
        "StageDateCorrected",
        "Landed",
        "StageCorrected",
        "OfficerReassigned",
        "PlannedDatesRevised",
        "DetailsRevised",
        "ProgressReported",
        "Withdrawn",
    ]
    assert [i["version"] for i in items] == list(range(1, 11))
    first = items[0]
    assert (first["label"], first["label_en"]) == ("登记", "Registered")
    assert first["actor"] == "leader" and first["effective_date"] == "2025-01-01"
    assert _changes(first)["stage"] == (None, "negotiating")
    assert _changes(items[1]) == {
        "stage": ("negotiating", "signed"),
        "stage_dates.signed": (None, "2025-02-01"),
    }
    assert _changes(items[2]) == {"stage_dates.signed": ("2025-02-01", "2025-01-20")}
    assert items[2]["reason"] == "合同日期更正"
    assert items[2]["changes"][0]["label"] == "签约日期"
    assert _changes(items[4]) == {
        "stage": ("landed", "signed"),
        "stage_dates.landed": ("2025-03-01", None),
    }
    assert _changes(items[5]) == {"officer": ("leader", "officer2")}
    assert _changes(items[6]) == {"planned_dates.landed": (None, "2026-01-01")}
    assert _changes(items[7]) == {"planned_investment": ("1000", "1200")}
    assert _changes(items[8]) == {"progress": (None, "洽谈用地")}
    withdrawn = items[9]
    assert withdrawn["label"] == "终止" and withdrawn["reason"] == "投资方退出"
    assert _changes(withdrawn)["stage"] == ("signed", "withdrawn")
    assert all(i["recorded_at"] for i in items)


def test_enterprise_history_keeps_revoked_designations(runtime, leader):
    app = runtime.app
    ent = app.register_enterprise(leader, USCC_VALID, "【示例】某科技有限公司")["id"]
    app.award_designation(
        leader, ent, "srdi", date(2024, 1, 1), document_no="苏工信 1 号"
    )
    app.review_designation(leader, ent, "1", date(2026, 1, 1), True)
    app.revoke_designation(leader, ent, "1", date(2026, 2, 1), "弄虚作假")
    items = app.enterprise_history(ent)
    assert [i["type"] for i in items] == [
        "Registered",
        "DesignationAwarded",
        "DesignationReviewed",
        "DesignationRevoked",
    ]
    assert items[1]["effective_date"] == "2024-01-01"
    assert _changes(items[1])["designations.1"][1]["designation"] == "srdi"
    assert _changes(items[2]) == {
        "designations.1.expires_on": ("2026-12-31", "2028-12-31")
    }
    assert _changes(items[3]) == {"designations.1.status": ("valid", "revoked")}
    assert items[3]["reason"] == "弄虚作假" and items[3]["label"] == "撤销称号"
    with pytest.raises(NotFoundError):
        app.enterprise_history("0b2a3f1e-0000-4000-8000-000000000000")


def _timestamps(app, aggregate_id):
    return [e.timestamp for e in app.events.get(aggregate_id)]


def test_project_as_recorded_at_instant_boundaries(runtime, leader):
    app = runtime.app
    pid = _project(app, leader)
    time.sleep(0.002)
    app.move_project(leader, pid, "signed", date(2025, 2, 1))
    registered, signed = _timestamps(app, UUID(pid))
    tick = timedelta(microseconds=1)
    assert app.get_project(pid, recorded_at=registered)["version"] == 1
    assert app.get_project(pid, recorded_at=signed - tick)["stage"] == "negotiating"
    at_signing = app.get_project(pid, recorded_at=signed)
    assert (at_signing["version"], at_signing["stage"]) == (2, "signed")
    # A naive instant is read on the bureau's clock (UTC+8).
    naive = (signed + timedelta(hours=8)).astimezone(UTC).replace(tzinfo=None)
    assert app.get_project(pid, recorded_at=naive)["version"] == 2
    with pytest.raises(NotFoundError):
        app.get_project(pid, recorded_at=registered - tick)


def test_enterprise_as_recorded_at_instant(runtime, leader):
    app = runtime.app
    ent = app.register_enterprise(leader, USCC_VALID, "【示例】某科技有限公司")["id"]
    time.sleep(0.002)
    app.award_designation(leader, ent, "srdi", date(2024, 1, 1))
    created, awarded = _timestamps(app, UUID(ent))
    tick = timedelta(microseconds=1)
    before = app.get_enterprise(ent, recorded_at=awarded - tick)
    assert (before["version"], before["designations"]) == (1, [])
    after = app.get_enterprise(ent, recorded_at=awarded, as_of=date(2024, 6, 1))
    assert (after["version"], after["tier"]) == (2, "srdi")
    with pytest.raises(NotFoundError):
        app.get_enterprise(ent, recorded_at=created - tick)
