"""The activity log's totals: per person as well as per kind, type and day."""

from __future__ import annotations

from datetime import date

from domain.permissions import Actor
from domain.users import Role
from gxtrack.readmodels.activity.queries import ActivityFilter, activity_page


def _register(runtime, actor: Actor, n: int) -> str:
    return runtime.app.register_project(
        actor,
        name=f"【示例】操作记录项目{n}",
        investor="某投资方",
        industry="ngit",
        zone="mudu",
        planned_investment="1000",
        stage_date=date(2025, 1, 1),
    )["id"]


def test_a_persons_total_is_summed_across_batches_and_matches_their_rows(
    runtime, leader
):
    other = Actor("leader2", Role.LEADER)
    for n in range(3):
        pid = _register(runtime, leader, n)
        runtime.app.report_progress(leader, pid, date(2025, 2, n + 1), "推进")
        runtime.projections.run_batch(limit=1)  # one event a batch: sums carry on
    _register(runtime, other, 9)
    runtime.wait_for_read_models()
    db = runtime.db

    def total(**filters) -> int:
        page = activity_page(db, ActivityFilter(**filters), 1, 50)
        return page["total"]

    def rows(**filters) -> int:
        where = " AND ".join(f"{k} = ?" for k in filters) or "1 = 1"
        return db.scalar(
            f"SELECT COUNT(*) FROM rm_activity WHERE {where}", list(filters.values())
        )

    assert total(actor="leader") == rows(actor="leader") == 6
    assert total(actor="leader2") == rows(actor="leader2") == 1
    assert total(actor="leader", type="ProgressReported") == 3
    assert total(actor="leader2", type="ProgressReported") == 0
    assert total(actor="nobody") == 0
    everyone = activity_page(db, ActivityFilter(), 1, 50)
    assert everyone["total"] == rows() == len(everyone["items"])
    # The page itself is the person's, newest first.
    mine = activity_page(db, ActivityFilter(actor="leader"), 1, 4)
    assert [i["actor"] for i in mine["items"]] == ["leader"] * 4
    assert mine["items"][0]["position"] > mine["items"][-1]["position"]
