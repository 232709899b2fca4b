"""Changes of events this module folds without an aggregate: stall alerts."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from gxtrack.audit.changes import changes_of


def _event(kind: str, **fields):
    return type(kind, (SimpleNamespace,), {})(**fields)


def test_stall_alert_lifecycle_changes():
    state: dict = {}
    flagged = _event("StallFlagged", level="yellow", as_of=date(2025, 1, 6))
    escalated = _event("StallFlagged", level="red", as_of=date(2025, 3, 3))
    assert [
        (c["field"], c["before"], c["after"]) for c in changes_of(state, flagged)
    ] == [("stall", None, "yellow")]
    assert [(c["before"], c["after"]) for c in changes_of(state, escalated)] == [
        ("yellow", "red")
    ]
    answered = _event(
        "StallAnswered", cause="用地未落实", plan="协调国土", checkpoint=None
    )
    assert changes_of(state, answered)[0]["label"] == "预警回复"
    pushed = _event("StallEscalated", reason="督办", actor="leader")
    assert changes_of(state, pushed)[0]["after"] == "督办"
    assert state["stall"] == "red"  # answering and escalating keep the level
    cleared = _event("StallCleared", reason="阶段已变更")
    assert [(c["before"], c["after"]) for c in changes_of(state, cleared)] == [
        ("red", None)
    ]


def test_unknown_events_show_no_changes_rather_than_fail():
    assert changes_of({}, _event("SomethingNew", x=1)) == []
    assert changes_of({}, _event("Signed")) == []  # malformed: no effective_date
