"""The investment read model is the same whether events come one by one or batched.

A registration's place (rm_investment_places) is held until the batch ends;
a report or a move of the same project later in the batch must find it.
"""

from __future__ import annotations

from datetime import timedelta

from domain.clock import today
from tests.reliability.workload import dump


def test_events_one_by_one_and_in_one_batch_give_the_same_tables(runtime, leader):
    app = runtime.app
    app.reference()
    this = f"{today():%Y-%m}"
    ids = []
    for n, zone in enumerate(("mudu", "wzedz", "mudu")):
        pid = app.register_project(
            leader,
            name=f"【示例】批量项目{n}",
            investor=f"示例投资方{n}",
            industry="ngit",
            zone=zone,
            planned_investment="1000",
            stage="signed",
            stage_date=today() - timedelta(days=400),
        )["id"]
        app.report_investment(leader, pid, this, str(100 + n))
        ids.append(pid)
    app.revise_project(leader, ids[0], {"zone": "wzedz"}, "录错板块")
    app.report_investment(leader, ids[0], this, "150")
    runtime.wait_for_read_models()
    tables = list(runtime.projections.projections["milestones"].tables)
    followed = dump(runtime.db, tables)
    assert len(followed["rm_investment_places"]) == 3
    assert followed["rm_investment_groups"]
    engine = runtime.projections
    engine.rebuild(["milestones"], batch_size=1)  # one event per page
    assert dump(runtime.db, tables) == followed
    engine.rebuild(["milestones"], batch_size=500)  # every event in one page
    assert dump(runtime.db, tables) == followed
    places = runtime.db.fetchall(
        "SELECT zone, SUM(amount) AS amount FROM rm_investment_groups"
        " WHERE month = ? GROUP BY zone ORDER BY zone",
        (this,),
    )
    assert [(r["zone"], int(r["amount"])) for r in places] == [
        ("mudu", 1020000),
        ("wzedz", 2510000),
    ]
