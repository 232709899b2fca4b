"""Pool list and summary: as-of boundaries, stable paging, Chinese text, LIKE escaping."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clock import today
from gxtrack.errors import RuleViolationError
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects, summary

D0 = today() - timedelta(days=30)


def day(n: int):
    return D0 + timedelta(days=n)


def register(runtime, actor, name, investor="示例投资方", on=0, **extra):
    fields = dict(
        name=name,
        investor=investor,
        industry="green",
        zone="wzedz",
        planned_investment="100",
        stage_date=day(on),
    )
    fields.update(extra)
    return runtime.app.register_project(actor, **fields)["id"]


def names(page):
    return [item["name"] for item in page["items"]]


def test_as_of_on_stage_boundaries(runtime, leader):
    a = register(runtime, leader, "【示例】甲", on=0, planned_investment="1.5")
    runtime.app.move_project(leader, a, "signed", day(10))
    b = register(runtime, leader, "【示例】乙", on=10, planned_investment="2")
    runtime.app.move_project(leader, b, "withdrawn", day(20), "撤资")
    runtime.wait_for_read_models()

    def stage_of(as_of):
        page = list_projects(runtime.db, PoolFilter(as_of=day(as_of)), sort="name")
        return {i["name"]: (i["stage"], i["stage_date"]) for i in page["items"]}

    assert stage_of(-1) == {}
    assert stage_of(9) == {"【示例】甲": ("negotiating", day(0).isoformat())}
    # On the day of a move the project is already in the new stage.
    assert stage_of(10) == {
        "【示例】甲": ("signed", day(10).isoformat()),
        "【示例】乙": ("negotiating", day(10).isoformat()),
    }
    assert stage_of(19)["【示例】乙"][0] == "negotiating"
    assert stage_of(20)["【示例】乙"] == ("withdrawn", day(20).isoformat())

    past = summary(runtime.db, PoolFilter(as_of=day(10)))
    assert past["as_of"] == day(10).isoformat()
    assert past["by_stage"]["signed"] == {"count": 1, "investment": "1.5"}
    assert past["by_stage"]["negotiating"] == {"count": 1, "investment": "2"}
    assert past["by_stage"]["landed"] == {"count": 0, "investment": "0"}
    assert past["total"] == {"count": 2, "investment": "3.5"}
    assert summary(runtime.db, PoolFilter(as_of=day(9)))["total"]["count"] == 1
    only_signed = list_projects(runtime.db, PoolFilter(as_of=day(10), stage="signed"))
    assert names(only_signed) == ["【示例】甲"]
    now = summary(runtime.db, PoolFilter())
    assert now["by_stage"]["withdrawn"]["count"] == 1
    assert now["by_zone"] == {"wzedz": {"count": 2, "investment": "3.5"}}


def test_paging_is_stable_with_ties(runtime, leader):
    for n in range(7):
        register(runtime, leader, f"【示例】同名项目{n % 2}")
    runtime.wait_for_read_models()
    seen = []
    for page in range(1, 5):
        result = list_projects(
            runtime.db, PoolFilter(), sort="investment", page=page, page_size=2
        )
        assert result["total"] == 7
        seen += [item["id"] for item in result["items"]]
    assert len(seen) == len(set(seen)) == 7  # no overlap, nothing skipped
    again = list_projects(runtime.db, PoolFilter(), sort="investment", page_size=7)
    assert [i["id"] for i in again["items"]] == seen
    desc = list_projects(runtime.db, PoolFilter(), sort="-investment", page_size=7)
    assert [i["id"] for i in desc["items"]] == seen[::-1]


def test_text_search_chinese_and_wildcards(runtime, leader):
    register(runtime, leader, "【示例】100%达产储能项目", investor="宁德示例新能源")
    register(runtime, leader, "【示例】a_b 项目", investor="Suzhou Example Ltd")
    register(runtime, leader, "【示例】普通项目", investor="示例!投资")
    runtime.wait_for_read_models()

    def search(q):
        return sorted(names(list_projects(runtime.db, PoolFilter(q=q))))

    assert search("储能") == ["【示例】100%达产储能项目"]
    assert search("新能源") == ["【示例】100%达产储能项目"]  # investor matches too
    assert search(" 储能 ") == ["【示例】100%达产储能项目"]  # surrounding blanks
    assert search("%") == ["【示例】100%达产储能项目"]  # literal, not a wildcard
    assert search("_") == ["【示例】a_b 项目"]
    assert search("a%b") == []
    assert search("!") == ["【示例】普通项目"]
    assert search("suzhou example") == ["【示例】a_b 项目"]  # case-insensitive
    assert search("示例") == sorted(
        ["【示例】100%达产储能项目", "【示例】a_b 项目", "【示例】普通项目"]
    )
    assert search("不存在") == []


def test_filters_and_bad_paging(runtime, leader):
    register(runtime, leader, "【示例】一", zone="mudu", officer="officer_a")
    register(runtime, leader, "【示例】二", industry="ngit", officer="officer_b")
    runtime.wait_for_read_models()
    assert names(list_projects(runtime.db, PoolFilter(zone="mudu"))) == ["【示例】一"]
    assert names(list_projects(runtime.db, PoolFilter(industry="ngit"))) == [
        "【示例】二"
    ]
    assert names(list_projects(runtime.db, PoolFilter(officer="officer_a"))) == [
        "【示例】一"
    ]
    assert list_projects(runtime.db, PoolFilter(stalled=True))["total"] == 0
    assert list_projects(runtime.db, PoolFilter(stalled=False))["total"] == 2
    assert list_projects(runtime.db, PoolFilter(), page_size=200)["total"] == 2
    for kwargs, field in (
        ({"page_size": 201}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"page": 0}, "page"),
        ({"sort": "-nope"}, "sort"),
    ):
        with pytest.raises(RuleViolationError) as caught:
            list_projects(runtime.db, PoolFilter(), **kwargs)
        assert caught.value.field == field
    # stall_days is empty for all: NULLs sort last in both directions.
    asc = list_projects(runtime.db, PoolFilter(), sort="stall_days")
    assert asc["total"] == 2


def test_as_of_totals_count_the_listed_projects(runtime, leader):
    # As of a date the total comes from the monthly sums, the rows from the
    # stage history: both must count the same projects, on and off boundaries.
    a = register(runtime, leader, "【示例】甲", on=0)
    runtime.app.move_project(leader, a, "signed", day(10))
    b = register(runtime, leader, "【示例】乙", on=10, zone="mudu")
    runtime.app.move_project(leader, b, "withdrawn", day(20), "撤资")
    register(runtime, leader, "【示例】丙", on=15, industry="ngit")
    runtime.wait_for_read_models()
    for on in (-1, 0, 9, 10, 15, 19, 20, 40):
        for narrowing in ({}, {"stage": "signed"}, {"zone": "mudu"}, {"q": "乙"}):
            f = PoolFilter(as_of=day(on), **narrowing)
            page = list_projects(runtime.db, f, page_size=1)
            everything = list_projects(runtime.db, f, page_size=200)
            assert page["total"] == len(everything["items"]), (on, narrowing)
    assert list_projects(runtime.db, PoolFilter(as_of=day(15)))["total"] == 3


def test_the_overdue_node_filter_judges_the_day_asked(runtime, leader):
    """As of a day: the stage then and the node dates as known now (rm_nodes is
    not bitemporal), a node done after the day still open on it."""
    node = register(runtime, leader, "【示例】环评逾期", stage="signed")
    runtime.app.update_milestone(
        leader, node, "env_review", {"planned_on": day(10), "done_on": day(20)}
    )
    gate = register(
        runtime,
        leader,
        "【示例】开工逾期",
        stage="signed",
        planned_dates={"landed": day(15)},
    )
    runtime.app.move_project(leader, gate, "landed", day(18))
    runtime.wait_for_read_models()

    def late(n, flag=True):
        f = PoolFilter(as_of=day(n), overdue_node=flag, ids=[node, gate])
        return set(names(list_projects(runtime.db, f)))

    assert late(10) == set()  # due that day: not late
    assert late(11) == {"【示例】环评逾期"}
    assert late(16) == {"【示例】环评逾期", "【示例】开工逾期"}
    assert late(16, flag=False) == set()
    assert late(18) == {"【示例】环评逾期"}  # landed that day: the gate is done
    assert late(19, flag=False) == {"【示例】开工逾期"}
    assert late(20) == set()  # done that day
    assert late(30) == set() and late(30, flag=False) == set(late(10, False))


def test_duplicates_are_found_by_name_or_investor_through_an_index(runtime, leader):
    from gxtrack.readmodels.pool.queries import merge_candidates, projects_named

    a = register(runtime, leader, "【示例】同名", investor="甲公司")
    b = register(runtime, leader, " 【示例】同名 ", investor="乙公司", on=1)
    c = register(runtime, leader, "【示例】别名", investor="乙公司", on=2)
    register(runtime, leader, "【示例】无关", investor="丙公司", on=3)
    runtime.wait_for_read_models()
    assert [p["id"] for p in projects_named(runtime.db, "【示例】同名")] == [a, b]
    found = merge_candidates(runtime.db, b, " 【示例】同名 ", "乙公司")
    assert [p["id"] for p in found] == [a, c]
    if runtime.db.kind != "sqlite":
        return
    # A lookup, not a pass over the pool (the page and registration ask it).
    for sql, args in (
        ("SELECT id FROM rm_projects WHERE TRIM(name) = ?", ("x",)),
        ("SELECT id FROM rm_projects WHERE TRIM(investor) = ?", ("x",)),
    ):
        plan = runtime.db.fetchall("EXPLAIN QUERY PLAN " + sql, args)
        assert any("USING INDEX" in row["detail"] for row in plan), plan


def test_a_stage_is_listed_latest_first_without_sorting_it(runtime, leader):
    """The pool filtered by stage alone (and its export) reads an index in order."""
    if runtime.db.kind != "sqlite":
        pytest.skip("the plan is SQLite's")
    a = register(runtime, leader, "【示例】先", on=0)
    b = register(runtime, leader, "【示例】后", on=1)
    runtime.wait_for_read_models()
    page = list_projects(runtime.db, PoolFilter(stage="negotiating"), "-updated")
    assert [i["id"] for i in page["items"]] == [b, a]
    plan = runtime.db.fetchall(
        "EXPLAIN QUERY PLAN SELECT id FROM rm_projects WHERE stage = ?"
        " ORDER BY updated_at DESC, id DESC LIMIT 50",
        ("signed",),
    )
    assert not any("TEMP B-TREE" in row["detail"] for row in plan), plan


def test_a_page_past_the_end_still_counts_the_matching_projects(runtime, leader):
    for n in range(3):
        register(runtime, leader, f"【示例】计数{n}")
    runtime.wait_for_read_models()

    def listed(page, **narrowing):
        found = list_projects(
            runtime.db, PoolFilter(**narrowing), page=page, page_size=2
        )
        return len(found["items"]), found["total"]

    assert listed(1) == (2, 3)
    assert listed(2) == (1, 3)
    assert listed(3) == (0, 3)  # no row carries the count: it is asked alone
    assert listed(1, zone="nowhere") == (0, 0)
    assert listed(2, zone="nowhere") == (0, 0)


def test_a_list_page_is_one_statement_when_the_policy_is_at_hand(
    runtime, leader, monkeypatch
):
    register(runtime, leader, "【示例】一句")
    runtime.wait_for_read_models()
    from gxtrack.infra.db import Cursor

    statements = []
    execute = Cursor.execute

    def counted(self, text, params=()):
        statements.append(text)
        return execute(self, text, params)

    monkeypatch.setattr(Cursor, "execute", counted)
    terms = runtime.app.stall_terms_on
    page = list_projects(runtime.db, PoolFilter(stage="negotiating"), terms_for=terms)
    # Page and total in one snapshot; the policy from the caller, not re-read.
    assert (len(statements), page["total"], names(page)) == (1, 1, ["【示例】一句"])
