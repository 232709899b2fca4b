"""The pool and the monthly report for a business date as known at an instant."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

from gxtrack.app.reports.monthly import monthly_report
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects
from gxtrack.readmodels.stage_facts.queries import pool_as_known


def _register(app, actor, name, zone, industry, investment, stage, day):
    return app.register_project(
        actor,
        name=f"【示例】{name}",
        investor="某投资方",
        industry=industry,
        zone=zone,
        planned_investment=investment,
        stage=stage,
        stage_date=day,
    )["id"]


def _instant(runtime):
    """An instant strictly between the events before and after it."""
    runtime.wait_for_read_models()
    time.sleep(0.002)
    moment = datetime.now(UTC)
    time.sleep(0.002)
    return moment


def _scenario(runtime, leader):
    app = runtime.app
    # June as entered by 5 July: A signed 15 June, B signed 5 June and landed 25 June.
    a = _register(
        app, leader, "A", "mudu", "aerospace", "1000", "negotiating", date(2025, 5, 10)
    )
    app.move_project(leader, a, "signed", date(2025, 6, 15))
    b = _register(
        app, leader, "B", "luzhi", "robotics", "2000", "negotiating", date(2025, 4, 1)
    )
    app.move_project(leader, b, "signed", date(2025, 6, 5))
    app.move_project(leader, b, "landed", date(2025, 6, 25))
    k1 = _instant(runtime)
    # August: back-dated corrections, and a June signing entered late.
    app.redate_stage(leader, a, "signed", date(2025, 7, 2), "合同实际 7 月 2 日签署")
    app.move_project(leader, b, "signed", date(2025, 7, 1), "尚未开工，误报")
    c = _register(
        app, leader, "C", "mudu", "biomed", "500", "signed", date(2025, 6, 10)
    )
    k2 = _instant(runtime)
    return a, b, c, k1, k2


def _cells(report):
    return {
        (r["section"], r["dimension"], r["key"]): (
            r["known_count"],
            r["known_investment"],
            r["now_count"],
            r["now_investment"],
        )
        for r in report["rows"]
    }


def test_report_as_known_before_and_after_backdated_correction(runtime, leader):
    a, b, c, k1, k2 = _scenario(runtime, leader)
    names = {"zone": {"mudu": "木渎镇", "luzhi": "甪直镇"}}

    before = monthly_report(runtime.db, "2025-06", k1, names)
    assert _cells(before) == {
        ("new_signed", "total", "all"): (2, "3000", 2, "2500"),
        ("new_signed", "zone", "mudu"): (1, "1000", 1, "500"),
        ("new_signed", "zone", "luzhi"): (1, "2000", 1, "2000"),
        ("new_signed", "industry", "aerospace"): (1, "1000", 0, "0"),
        ("new_signed", "industry", "robotics"): (1, "2000", 1, "2000"),
        ("new_signed", "industry", "biomed"): (0, "0", 1, "500"),
        ("new_landed", "total", "all"): (1, "2000", 0, "0"),
        ("new_landed", "zone", "luzhi"): (1, "2000", 0, "0"),
        ("new_landed", "industry", "robotics"): (1, "2000", 0, "0"),
        ("new_producing", "total", "all"): (0, "0", 0, "0"),
        ("pool", "stage", "negotiating"): (0, "0", 1, "1000"),
        ("pool", "stage", "signed"): (1, "1000", 2, "2500"),
        ("pool", "stage", "landed"): (1, "2000", 0, "0"),
        ("pool", "stage", "producing"): (0, "0", 0, "0"),
        ("pool", "stage", "withdrawn"): (0, "0", 0, "0"),
    }
    mudu = next(r for r in before["rows"] if r["key"] == "mudu")
    assert mudu["label"] == "木渎镇"

    # Known on K2 the submitted figures already include the corrections.
    after = monthly_report(runtime.db, "2025-06", k2, names)
    known_k2 = {k: v[:2] for k, v in _cells(after).items() if v[0]}
    now_k1 = {k: v[2:] for k, v in _cells(before).items() if v[2]}
    assert known_k2 == now_k1
    assert not any(r["changed"] for r in after["rows"])
    assert after["corrections"] == []

    # The second column names each project a correction changed.
    changed = {
        (x["id"], x["what"]): (x["known"], x["now"]) for x in before["corrections"]
    }
    assert changed == {
        (a, "month_end_stage"): (
            {"stage": "signed", "date": "2025-06-15"},
            {"stage": "negotiating", "date": "2025-05-10"},
        ),
        (b, "month_end_stage"): (
            {"stage": "landed", "date": "2025-06-25"},
            {"stage": "signed", "date": "2025-06-05"},
        ),
        (c, "month_end_stage"): (None, {"stage": "signed", "date": "2025-06-10"}),
        (a, "new_signed"): ({"stage": "signed", "date": "2025-06-15"}, None),
        (b, "new_landed"): ({"stage": "landed", "date": "2025-06-25"}, None),
        (c, "new_signed"): (None, {"stage": "signed", "date": "2025-06-10"}),
    }


def test_pool_as_known_rows_and_boundaries(runtime, leader):
    a, b, c, k1, k2 = _scenario(runtime, leader)
    then = {
        p["id"]: (p["stage"], p["entered_on"])
        for p in pool_as_known(runtime.db, date(2025, 6, 30), k1)
    }
    assert then == {a: ("signed", "2025-06-15"), b: ("landed", "2025-06-25")}
    now = {
        p["id"]: (p["stage"], p["entered_on"])
        for p in pool_as_known(runtime.db, date(2025, 6, 30), k2)
    }
    assert now == {
        a: ("negotiating", "2025-05-10"),
        b: ("signed", "2025-06-05"),
        c: ("signed", "2025-06-10"),
    }
    # Business-date boundary: the day before a stage date still shows the old stage.
    day_before = pool_as_known(runtime.db, date(2025, 6, 14), k1)
    assert {p["id"]: p["stage"] for p in day_before} == {a: "negotiating", b: "signed"}
    # Before anything was recorded, nothing was known.
    assert (
        pool_as_known(runtime.db, date(2025, 6, 30), datetime(2020, 1, 1, tzinfo=UTC))
        == []
    )


def test_pool_as_known_now_matches_the_as_of_pool(runtime, leader):
    _scenario(runtime, leader)
    for day in (date(2025, 5, 31), date(2025, 6, 20), date(2025, 7, 31)):
        listed = list_projects(runtime.db, PoolFilter(as_of=day), page_size=200)[
            "items"
        ]
        expected = {p["id"]: p["stage"] for p in listed}
        assert {p["id"]: p["stage"] for p in pool_as_known(runtime.db, day)} == expected


def test_withdrawn_and_reinstated_stay_in_their_time(runtime, leader):
    app = runtime.app
    p = _register(
        app, leader, "W", "mudu", "ngit", "10", "negotiating", date(2025, 1, 1)
    )
    app.move_project(leader, p, "withdrawn", date(2025, 2, 1), "投资方退出")
    app.reinstate_project(leader, p, "重新洽谈")
    runtime.wait_for_read_models()
    stage = {
        d: pool_as_known(runtime.db, d)[0]["stage"]
        for d in (date(2025, 1, 15), date(2025, 3, 1))
    }
    assert stage == {date(2025, 1, 15): "negotiating", date(2025, 3, 1): "withdrawn"}


def test_known_on_a_date_means_by_the_end_of_that_bureau_day():
    from domain.clock import BUREAU_TZ
    from gxtrack.readmodels.stage_facts.queries import known_instant

    end = known_instant(date(2025, 7, 5))
    assert end.tzinfo is BUREAU_TZ
    assert end.isoformat() == "2025-07-05T23:59:59.999999+08:00"
    naive = known_instant(datetime(2025, 7, 5, 9, 30))
    assert naive.utcoffset().total_seconds() == 8 * 3600


def test_a_report_viewed_again_after_a_correction_shows_it(runtime, leader):
    # The report's figures are kept between views until the read models move
    # on (engine/memo.py): a correction recorded in between must show.
    app = runtime.app
    a = _register(
        app, leader, "A", "mudu", "aerospace", "1000", "negotiating", date(2025, 5, 10)
    )
    app.move_project(leader, a, "signed", date(2025, 6, 15))
    runtime.wait_for_read_models()
    first = _cells(monthly_report(runtime.db, "2025-06"))
    assert first[("new_signed", "total", "all")][2] == 1  # now_count
    app.redate_stage(leader, a, "signed", date(2025, 7, 2), "合同实际 7 月 2 日签署")
    runtime.wait_for_read_models()
    again = _cells(monthly_report(runtime.db, "2025-06"))
    assert again[("new_signed", "total", "all")][2] == 0
    assert again[("new_signed", "total", "all")][0] == 0  # as known now, too


def test_the_report_as_known_now_counts_the_pool_as_the_facts_do(runtime, leader):
    # Not asked "as known then", the report counts the month-end pool from the
    # pool read model's sums; asked as known now, from every project's facts.
    # The two must agree, withdrawn and back-dated corrections included.
    _scenario(runtime, leader)
    w = _register(
        runtime.app,
        leader,
        "W",
        "mudu",
        "ngit",
        "10.5",
        "negotiating",
        date(2025, 1, 1),
    )
    runtime.app.move_project(leader, w, "withdrawn", date(2025, 6, 1), "投资方退出")
    runtime.wait_for_read_models()
    for month in ("2025-05", "2025-06", "2025-07"):
        counted = _cells(monthly_report(runtime.db, month))
        facts = _cells(monthly_report(runtime.db, month, datetime.now(UTC)))
        assert {k: v[2:] for k, v in counted.items()} == {
            k: v[2:] for k, v in facts.items()
        }
    june = _cells(monthly_report(runtime.db, "2025-06"))
    assert june[("pool", "stage", "withdrawn")][2:] == (1, "10.5")
    assert june[("pool", "stage", "signed")][2:] == (2, "2500")
