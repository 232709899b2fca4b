"""The as-of pool page and export against the whole computation, page by page.

An as-of page picks one of three plans (readmodels/pool/as_of_page.py) by how
many projects match and what it is sorted by. Whatever it picks, the pages put
together must be the projects that held an interval on the day, with that
interval's stage, in the list's order: here computed apart from the page's SQL,
from the projects as they stand now and each one's stage intervals.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clock import today
from gxtrack.readmodels.pool.exports import all_projects
from gxtrack.readmodels.pool.queries import (
    PoolFilter,
    list_projects,
    stage_rows,
)
from tests.application.sql_plans import plan, recorded

D0 = today() - timedelta(days=60)
AS_OF = D0 + timedelta(days=20)


def day(n: int):
    return D0 + timedelta(days=n)


def _pool(runtime, leader):
    """Twenty projects: in several stages on AS_OF, some registered after it
    (six of them first by name, by creation and by investment, so that the
    first projects read for a page may hold too few matches), some moved,
    re-dated or moved to another zone after it, one withdrawn."""
    app = runtime.app
    ids = []
    for n in range(14):
        ids.append(
            app.register_project(
                leader,
                name=f"【示例】项目{(n * 5) % 7}",  # ties on the name
                investor=f"投资方{n}",
                industry=("green", "ngit")[n % 2],
                zone=("wzedz", "mudu", "luzhi")[n % 3],
                planned_investment=str(100 + (n % 4) * 10),  # ties on investment
                stage_date=day(25 if n % 5 == 4 else n),  # every fifth: after it
            )["id"]
        )
    for n in range(6):  # first by name and by creation, absent on the day
        app.register_project(
            leader,
            name=f"【示例】一号{n}",
            investor="后来的投资方",
            industry="green",
            zone="mudu",
            planned_investment="500",
            stage_date=day(21 + n),
        )
    for n, pid in enumerate(ids):
        if n % 5 == 4:
            continue
        if n % 3 == 0:
            app.move_project(leader, pid, "signed", day(15))
        if n % 4 == 1:
            app.move_project(leader, pid, "signed", day(30))  # after the day
    app.move_project(leader, ids[3], "landed", day(18))
    app.redate_stage(leader, ids[3], "landed", day(19), "更正日期")
    app.move_project(leader, ids[6], "withdrawn", day(19), "撤资")
    # Corrections after the day: a stage re-dated to before it, another zone.
    app.redate_stage(leader, ids[5], "signed", day(12), "更正日期")
    app.revise_project(leader, ids[7], {"zone": "luzhi"}, "迁址")
    runtime.wait_for_read_models()
    return ids


def _expected(runtime, f: PoolFilter, sort: str) -> list[tuple[str, str, str]]:
    """(id, stage, stage date) on the day, in the list's order, apart from the page."""
    now = list_projects(runtime.db, PoolFilter(), sort="-updated", page_size=200)
    held = {}
    for item in now["items"]:
        for row in stage_rows(runtime.db, item["id"]):
            if row["entered_on"] <= AS_OF.isoformat() and (
                row["left_on"] is None or row["left_on"] > AS_OF.isoformat()
            ):
                held[item["id"]] = (row["stage"], row["entered_on"])
    key = sort.lstrip("-")
    if key in ("stage", "stage_date"):
        index = 0 if key == "stage" else 1
        order = sorted(held, key=lambda pid: (held[pid][index], pid))
        order = order[::-1] if sort.startswith("-") else order
    else:  # the projects' own order, as the list today gives it
        today_order = list_projects(runtime.db, PoolFilter(), sort=sort, page_size=200)
        order = [i["id"] for i in today_order["items"] if i["id"] in held]
    places = {i["id"]: (i["industry"], i["zone"], i["name"]) for i in now["items"]}
    found = []
    for pid in order:
        industry, zone, name = places[pid]
        if (
            (f.stage and held[pid][0] != f.stage)
            or (f.industry and industry != f.industry)
            or (f.zone and zone != f.zone)
            or (f.q and f.q not in name)
        ):
            continue
        found.append((pid, *held[pid]))
    return found


FILTERS = [
    {},
    {"stage": "signed"},
    {"stage": "negotiating", "industry": "green"},
    {"zone": "mudu"},
    {"q": "项目3"},
]
SORTS = ["name", "-investment", "-updated", "created", "stage", "-stage_date"]


@pytest.mark.parametrize("sort", SORTS)
def test_as_of_pages_put_together_are_the_whole_computation(runtime, leader, sort):
    _pool(runtime, leader)
    for narrowing in FILTERS:
        f = PoolFilter(as_of=AS_OF, **narrowing)
        expected = _expected(runtime, f, sort)
        for size in (1, 2, 3, 5, 200):  # every plan, pages ending anywhere
            listed = []
            for page in range(1, len(expected) // size + 3):
                result = list_projects(runtime.db, f, sort, page, size)
                assert result["total"] == len(expected), (narrowing, size)
                assert len(result["items"]) <= size
                listed += [
                    (i["id"], i["stage"], i["stage_date"]) for i in result["items"]
                ]
            assert listed == expected, (narrowing, sort, size)
        for limit in (1, 4, 20000):  # the export: the first `limit` of them
            exported = all_projects(runtime.db, f, sort, limit)
            found = [(i["id"], i["stage"], i["stage_date"]) for i in exported]
            assert found == expected[:limit], (narrowing, sort, limit)


def test_each_plan_reads_the_intervals_from_an_index_alone(runtime, leader):
    """No plan scans the stage history or looks its rows up: each reads the
    intervals it needs from one of the indexes made for it (SQLite's plans)."""
    if runtime.db.kind != "sqlite":
        pytest.skip("the plan is SQLite's")
    _pool(runtime, leader)
    with recorded(lambda text: "rm_stage_history h" in text) as statements:
        for narrowing, sort, size in (
            ({"stage": "signed", "industry": "green"}, "-updated", 50),  # few
            ({}, "name", 1),  # the first projects
            ({}, "stage", 1),  # the first intervals
            ({"q": "项目"}, "-stage_date", 1),  # every project joined
        ):
            f = PoolFilter(as_of=AS_OF, **narrowing)
            list_projects(runtime.db, f, sort, 1, size)
    assert len(statements) >= 4  # the pages, and the count of the search
    for text, params in statements:
        steps = plan(runtime.db, text, params)
        reads = [d for d in steps if d.startswith(("SCAN h USING", "SEARCH h USING"))]
        assert reads, (text, steps)
        assert all("COVERING INDEX rm_stage_history_" in d for d in reads), steps
        # A bare scan of h is of the intervals taken first (a subquery), only.
        assert "SCAN h" not in steps or "CO-ROUTINE h" in steps, steps
    # The few matches: their stage and industry's intervals, looked up by key.
    steps = plan(runtime.db, *statements[0])
    assert any("(stage=? AND industry=?)" in d for d in steps), steps
