"""Time in stage and conversion against hand-computed figures, incl. boundaries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clock import today
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects
from gxtrack.readmodels.pool.stats import conversion, quantile, time_in_stage

D0 = today() - timedelta(days=100)


def day(n: int):
    return D0 + timedelta(days=n)


@pytest.fixture
def pipeline(runtime, leader):
    """Four projects with known stage dates (days after D0):

    P1 wzedz/green: 在谈 0, 签约 10, 落地 30
    P2 wzedz/ngit:  在谈 5, 签约 25
    P3 mudu/green:  在谈 0, 终止 40
    P4 mudu/green:  registered 签约 20, 落地 20 (same day), 投产 50
    """
    app = runtime.app

    def register(name, zone, industry, stage, on):
        return app.register_project(
            leader,
            name=f"【示例】{name}",
            investor="示例投资方",
            industry=industry,
            zone=zone,
            planned_investment="100",
            stage=stage,
            stage_date=day(on),
        )["id"]

    p1 = register("P1", "wzedz", "green", "negotiating", 0)
    app.move_project(leader, p1, "signed", day(10))
    app.move_project(leader, p1, "landed", day(30))
    p2 = register("P2", "wzedz", "ngit", "negotiating", 5)
    app.move_project(leader, p2, "signed", day(25))
    p3 = register("P3", "mudu", "green", "negotiating", 0)
    app.move_project(leader, p3, "withdrawn", day(40), "撤资")
    p4 = register("P4", "mudu", "green", "signed", 20)
    app.move_project(leader, p4, "landed", day(20))
    app.move_project(leader, p4, "producing", day(50))
    runtime.wait_for_read_models()
    return runtime


def stat(count, median, p90):
    return {"count": count, "median_days": median, "p90_days": p90}


def test_quantile_interpolates_between_ranks():
    assert quantile([10, 20, 40], 0.5) == 20
    assert quantile([10, 20, 40], 0.9) == pytest.approx(36)
    assert quantile([7], 0.9) == 7


def test_time_in_stage_overall_and_grouped(pipeline):
    result = time_in_stage(pipeline.db, as_of=day(60))
    assert result["as_of"] == day(60).isoformat()
    assert result["stages"] == {
        "negotiating": stat(3, 20, 36.0),  # P1 10, P2 20, P3 40
        "signed": stat(3, 20, 32.0),  # P4 0, P1 20, P2 35 (open up to day 60)
        "landed": stat(2, 30, 30.0),  # P1 30 (open), P4 30
    }
    assert result["by_zone"]["wzedz"] == {
        "negotiating": stat(2, 15, 19.0),
        "signed": stat(2, 27.5, 33.5),
        "landed": stat(1, 30, 30.0),
    }
    assert result["by_zone"]["mudu"] == {
        "negotiating": stat(1, 40, 40.0),
        "signed": stat(1, 0, 0.0),
        "landed": stat(1, 30, 30.0),
    }
    assert result["by_industry"]["ngit"] == {
        "negotiating": stat(1, 20, 20.0),
        "signed": stat(1, 35, 35.0),
    }
    only = time_in_stage(pipeline.db, as_of=day(60), zone="mudu")
    assert set(only["by_zone"]) == {"mudu"}
    assert only["stages"]["negotiating"] == stat(1, 40, 40.0)


def test_time_in_stage_on_a_stage_boundary(pipeline):
    # Day 10: P1 signs that very day; its 在谈 interval is closed at 10 days.
    result = time_in_stage(pipeline.db, as_of=day(10))
    assert result["stages"] == {
        "negotiating": stat(3, 10, 10.0),  # P1 10, P2 5, P3 10
        "signed": stat(1, 0, 0.0),  # P1 entered 签约 on the as-of date
    }
    # The day before nobody had signed; P2 (registered on day 5) is absent on 4.
    assert set(time_in_stage(pipeline.db, as_of=day(9))["stages"]) == {"negotiating"}
    assert time_in_stage(pipeline.db, as_of=day(4))["stages"] == {
        "negotiating": stat(2, 4, 4.0)
    }


def rates(result):
    return [(s["from"], s["reached"], s["converted"], s["rate"]) for s in result]


def test_conversion_as_of_dates(pipeline):
    result = conversion(pipeline.db, as_of=day(60))
    assert result["steps"][0]["label"] == "在谈→签约"
    assert rates(result["steps"]) == [
        ("negotiating", 3, 2, 0.6667),
        ("signed", 3, 2, 0.6667),
        ("landed", 2, 1, 0.5),
    ]
    # Day 20: P4 registers signed and lands that day — both count on the day;
    # P1 (signed on 10) lands only on 30.
    assert rates(conversion(pipeline.db, as_of=day(20))["steps"]) == [
        ("negotiating", 3, 1, 0.3333),
        ("signed", 2, 1, 0.5),
        ("landed", 1, 0, 0.0),
    ]
    assert rates(conversion(pipeline.db, as_of=day(19))["steps"]) == [
        ("negotiating", 3, 1, 0.3333),
        ("signed", 1, 0, 0.0),
        ("landed", 0, 0, None),
    ]
    before = conversion(pipeline.db, as_of=day(-1))
    assert rates(before["steps"]) == [
        ("negotiating", 0, 0, None),
        ("signed", 0, 0, None),
        ("landed", 0, 0, None),
    ]
    zoned = conversion(pipeline.db, as_of=day(60), zone="mudu", industry="green")
    assert rates(zoned["steps"]) == [
        ("negotiating", 1, 0, 0.0),
        ("signed", 1, 1, 1.0),
        ("landed", 1, 1, 1.0),
    ]


def test_corrected_stage_no_longer_counts(pipeline, leader):
    pid = pipeline.db.fetchone(
        "SELECT id FROM rm_projects WHERE name = ?", ["【示例】P2"]
    )
    pipeline.app.move_project(leader, pid["id"], "negotiating", day(60), "录错")
    pipeline.wait_for_read_models()
    steps = conversion(pipeline.db, as_of=day(60))["steps"]
    assert rates(steps)[0] == ("negotiating", 3, 1, 0.3333)
    stages = time_in_stage(pipeline.db, as_of=day(60))["stages"]
    assert stages["negotiating"] == stat(3, 40, 52.0)  # P1 10, P3 40, P2 55


def test_kept_figures_follow_every_event(runtime, pipeline, leader):
    # The figures are kept between views (engine/memo.py); a move recorded
    # afterwards must show in the next view, not the kept one.
    before = conversion(runtime.db, as_of=day(60))
    assert conversion(runtime.db, as_of=day(60)) == before
    p2 = list_projects(runtime.db, PoolFilter(q="P2"))["items"][0]["id"]
    runtime.app.move_project(leader, p2, "landed", day(55))
    runtime.wait_for_read_models()
    after = rates(conversion(runtime.db, as_of=day(60))["steps"])
    assert after[1] == ("signed", 3, 3, 1.0)
    assert time_in_stage(runtime.db, as_of=day(60))["stages"]["landed"]["count"] == 3
