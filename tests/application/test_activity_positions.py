"""Each decision in the activity log sits at its stored event's position."""

from __future__ import annotations

from datetime import date

from domain.permissions import Actor
from domain.users import Role
from tests.application.test_activity_totals import _register


def test_each_decision_is_at_its_events_position_after_a_rebuild(runtime, leader):
    # Two projects' events interleaved: the same versions, one after the other.
    ids = [_register(runtime, leader, n) for n in range(2)]
    for week in range(3):
        for pid in ids:
            runtime.app.report_progress(leader, pid, date(2025, 2, week + 1), "推进")
    runtime.app.add_user(Actor.system(), "positioned", Role.OFFICER)
    runtime.wait_for_read_models()

    runtime.projections.rebuild(["activity"])

    stored = runtime.app.recorder.select_notifications(start=1, limit=1000)
    logged = {
        n.id: (str(n.originator_id), n.topic.rpartition(".")[2])
        for n in stored
        if str(n.originator_id) in ids
    }
    rows = runtime.db.fetchall(
        "SELECT position, subject_id, type FROM rm_activity WHERE kind = 'project'"
    )
    assert len(logged) == 8
    assert {r["position"]: (r["subject_id"], r["type"]) for r in rows} == logged
