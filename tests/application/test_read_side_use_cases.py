"""Use cases that read the read models see the commands saved just before them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clock import today
from domain.uscc import check_character
from gxtrack.app import GxTrack
from tests.ledger.sheets import ROWS, xlsx_bytes


def test_expiries_due_include_an_award_saved_just_before(runtime, leader):
    first17 = "91320506MA0000001"
    eid = runtime.app.register_enterprise(
        leader, first17 + check_character(first17), "【示例】企业"
    )["id"]
    runtime.app.award_designation(
        leader,
        eid,
        "srdi",
        today() - timedelta(days=400),
        expires_on=today() - timedelta(days=10),
        document_no="示-1",
    )
    # No wait here: the use case brings the read models up to date itself.
    result = runtime.app.record_expiries_due()
    assert [(e["enterprise_id"], e["designation"]) for e in result["expired"]] == [
        (eid, "srdi")
    ]


def test_a_ledger_preview_matches_a_project_registered_just_before(runtime, leader):
    name, investor = ROWS[0][1], ROWS[0][2]
    runtime.app.register_project(
        leader,
        name=name,
        investor=investor,
        industry="ngit",
        zone="mudu",
        planned_investment="100",
        officer="leader",
        stage_date=today() - timedelta(days=30),
    )
    # No wait here: the preview matches rows against an up-to-date pool.
    preview = runtime.app.preview_ledger(xlsx_bytes(), "台账.xlsx", leader)
    [row] = [r for r in preview.rows if r.to_dict()["name"] == name]
    assert row.action != "create"


def test_an_application_opened_without_its_read_side_says_so(leader):
    app = GxTrack(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    with pytest.raises(RuntimeError, match="read side"):
        app.record_expiries_due()
    with pytest.raises(RuntimeError, match="outbox"):
        app.deliver_mail()
