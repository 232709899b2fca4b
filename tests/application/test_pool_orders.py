"""The pool's orders and totals, pages and exports alike, against a computation
apart from their SQL: the projects as listed by id, sorted here.

Sorted by stall days, the order is the day's judgement (each item's `stall`,
judged by the domain): the projects stalled that day, the longest in their
stage first, then the rest, each part by id. Searched by text, the total is
the number of projects whose name or investor holds the text.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clock import today
from gxtrack.readmodels.pool import as_of_page
from gxtrack.readmodels.pool.exports import all_projects, export_tuples
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects
from tests.application.sql_plans import plan, recorded

TODAY = today()


def _pool(runtime, leader) -> None:
    """Eighteen projects: negotiating and signed ones stalled today or not
    (ties on the stage date among both), an exempted one, a producing one
    stalled by a late node and a withdrawn one, names sharing a text or not."""
    app = runtime.app
    for n in range(16):
        registered = TODAY - timedelta(days=(400, 200, 100, 30, 100)[n % 5])
        pid = app.register_project(
            leader,
            name=f"【示例】项目{n % 5}" if n % 7 else f"【示例】厂房{n}",
            investor=f"投资方{n}",
            industry=("green", "ngit")[n % 2],
            zone=("wzedz", "mudu", "luzhi")[n % 3],
            planned_investment=str(100 + n),
            stage_date=registered,
        )["id"]
        if n % 4 == 1:
            app.move_project(leader, pid, "signed", registered + timedelta(days=5))
        if n == 6:
            app.exempt_stall(leader, pid, "等待土地指标", TODAY + timedelta(days=30))
    for stage in ("producing", "withdrawn"):
        pid = app.register_project(
            leader,
            name=f"【示例】项目{stage}",
            investor="投资方",
            industry="green",
            zone="mudu",
            planned_investment="100",
            stage_date=TODAY - timedelta(days=900),
        )["id"]
        if stage == "producing":  # stalled by a late node (达产), not by its stage
            for step in ("signed", "landed", "producing"):
                app.move_project(leader, pid, step, TODAY - timedelta(days=800))
            late = {"planned_on": TODAY - timedelta(days=100)}
            app.update_milestone(leader, pid, "full_capacity", late)
        else:
            app.move_project(
                leader, pid, "withdrawn", TODAY - timedelta(days=800), "撤资"
            )
    runtime.wait_for_read_models()


def _every(runtime, f: PoolFilter) -> list[dict]:
    """The filter's projects by id: the whole pool on the day, narrowed here."""
    found = list_projects(runtime.db, PoolFilter(as_of=f.as_of), "name", 1, 200)
    return sorted(
        (
            i
            for i in found["items"]
            if (not f.stage or i["stage"] == f.stage)
            and (not f.q or f.q in f"{i['name']}\n{i['investor']}".lower())
            and (not f.officer or i["officer"] == f.officer)
            and (not f.enterprise_id or i["enterprise_id"] == f.enterprise_id)
        ),
        key=lambda i: i["id"],
    )


def _expected(runtime, f: PoolFilter, sort: str) -> list[str]:
    items = _every(runtime, f)
    if sort.lstrip("-") != "stall_days":  # the whole pool's order, narrowed
        whole = list_projects(runtime.db, PoolFilter(), sort, 1, 200)["items"]
        matching = {i["id"] for i in items}
        return [i["id"] for i in whole if i["id"] in matching]
    stalled = sorted(
        (i for i in items if i["stall"]), key=lambda i: (i["stage_date"], i["id"])
    )
    rest = [i for i in items if not i["stall"]]
    if sort[0] != "-":  # the fewest days first: the reverse, the rest still last
        stalled, rest = stalled[::-1], rest[::-1]
    return [i["id"] for i in stalled + rest]


PAST = TODAY - timedelta(days=60)
FILTERS = [
    {},
    {"stage": "negotiating"},
    {"q": "项目"},
    {"q": "示例】项目"},
    {"q": "厂房"},
    {"as_of": PAST},
    {"as_of": PAST, "q": "项目"},
    {"as_of": PAST, "q": "厂房"},
]
SORTS = ["-stall_days", "stall_days", "name", "-investment"]


@pytest.mark.parametrize("sort", SORTS)
def test_pages_and_exports_hold_the_same_projects_in_order(runtime, leader, sort):
    _pool(runtime, leader)
    assert any(i["stall"] for i in _every(runtime, PoolFilter()))
    assert not all(i["stall"] for i in _every(runtime, PoolFilter()))
    assert any(i["stall"] for i in _every(runtime, PoolFilter(stage="producing")))
    for narrowing in FILTERS:
        f = PoolFilter(**narrowing)
        expected = _expected(runtime, f, sort)
        for size in (1, 2, 3, 5, 200):  # pages ending anywhere
            listed = []
            for page in range(1, len(expected) // size + 3):
                result = list_projects(runtime.db, f, sort, page, size)
                assert result["total"] == len(expected), (narrowing, size)
                listed += [i["id"] for i in result["items"]]
            assert listed == expected, (narrowing, sort, size)
        for limit in (1, 4, 20000):  # the exports: the first `limit` of them
            exported = [i["id"] for i in all_projects(runtime.db, f, sort, limit)]
            assert exported == expected[:limit], (narrowing, sort, limit)
            streamed = [r[-1] for r in export_tuples(runtime.db, f, sort, limit)]
            assert streamed == expected[:limit], (narrowing, sort, limit)


@pytest.mark.parametrize("few", [0, 2, as_of_page.FEW_LEFT_OUT])
def test_as_of_totals_less_the_few_left_out_are_the_matches(
    runtime, leader, monkeypatch, few
):
    """Whether the projects a condition on the project row leaves out are
    counted and subtracted (few) or the matches counted (many), the total is
    the number of matches; a condition NULL for a project leaves it out."""
    _pool(runtime, leader)
    monkeypatch.setattr(as_of_page, "FEW_LEFT_OUT", few)
    officer = _every(runtime, PoolFilter())[0]["officer"]
    for narrowing in (
        {"q": "项目"},
        {"q": "厂房"},
        {"q": "项目", "stage": "signed"},
        {"officer": officer},
        {"officer": "无此人"},
        {"enterprise_id": "无此企业"},  # NULL for every project here
    ):
        f = PoolFilter(as_of=PAST, **narrowing)
        expected = [i["id"] for i in _every(runtime, f)]
        result = list_projects(runtime.db, f, "created", 1, 200)
        assert result["total"] == len(expected), (narrowing, few)
        assert sorted(i["id"] for i in result["items"]) == expected, narrowing


def test_the_stalled_are_counted_and_sorted_from_their_index_alone(runtime, leader):
    """Sorted by stall days, the stalled projects are counted and chosen from
    the index holding what the judgement reads, not by reading every row."""
    if runtime.db.kind != "sqlite":
        pytest.skip("the plan is SQLite's")
    _pool(runtime, leader)
    with recorded() as statements:
        list_projects(runtime.db, PoolFilter(), "-stall_days", 1, 2)
    judged = [s for s in statements if "COUNT(*)" in s[0] and "stage_date" in s[0]]
    judged += [s for s in statements if "AS i" in s[0]]
    assert len(judged) == 2, statements
    for text, params in judged:
        steps = plan(runtime.db, text, params)
        assert any("COVERING INDEX rm_projects_stall_terms" in d for d in steps), steps
        assert not any(d.startswith("SCAN p") for d in steps), steps


@pytest.mark.parametrize(
    ("sort", "index"),
    [("name", "rm_projects_by_name"), ("-investment", "rm_projects_by_investment")],
)
def test_a_page_by_name_or_investment_walks_its_index(runtime, leader, sort, index):
    """Sorted by name or investment, today or as of a date, a page reads the
    projects in that order from an index instead of sorting all of them."""
    if runtime.db.kind != "sqlite":
        pytest.skip("the plan is SQLite's")
    _pool(runtime, leader)
    with recorded(lambda text: text.startswith("SELECT p.id, p.name")) as statements:
        for f in (PoolFilter(), PoolFilter(as_of=PAST)):
            list_projects(runtime.db, f, sort, 1, 2)
    assert len(statements) == 2, statements
    for text, params in statements:
        steps = plan(runtime.db, text, params)
        assert any(f"INDEX {index}" in d for d in steps), steps
