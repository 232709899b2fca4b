"""Dashboard figures from the read models, on every store."""

from __future__ import annotations

from datetime import date, timedelta

from domain.clock import today
from domain.permissions import Actor
from domain.uscc import check_character
from gxtrack.bootstrap import Runtime
from gxtrack.readmodels.cultivation.queries import yearly_targets
from gxtrack.readmodels.pool import dashboard, stats


def _project(runtime: Runtime, actor: Actor, name: str, days: int) -> str:
    project = runtime.app.register_project(
        actor,
        name=name,
        investor="某公司",
        industry="ngit",
        zone="mudu",
        planned_investment="100",
        stage_date=today() - timedelta(days=days),
    )
    return project["id"]


def test_conversion_and_time_in_stage(runtime: Runtime, leader: Actor) -> None:
    day = today()
    a = _project(runtime, leader, "A", 100)
    b = _project(runtime, leader, "B", 100)
    _project(runtime, leader, "C", 10)
    # A: negotiating 100 → signed 60 → landed 20; B: signed after 40 days, withdrawn.
    runtime.app.move_project(leader, a, "signed", day - timedelta(days=60))
    runtime.app.move_project(leader, a, "landed", day - timedelta(days=20))
    runtime.app.move_project(leader, b, "signed", day - timedelta(days=60))
    runtime.app.move_project(leader, b, "withdrawn", day - timedelta(days=5), "撤资")
    runtime.wait_for_read_models()

    # The dashboard shows gxtrack.readmodels.pool.stats (one definition of each figure).
    steps = {s["to"]: s for s in stats.conversion(runtime.db, day)["steps"]}
    assert (steps["signed"]["reached"], steps["signed"]["converted"]) == (3, 2)
    assert steps["signed"]["rate"] == 0.6667
    assert steps["landed"]["rate"] == 0.5
    assert steps["producing"]["rate"] == 0.0
    stays = stats.time_in_stage(runtime.db, day)["stages"]
    assert stays["negotiating"] == {"count": 3, "median_days": 40.0, "p90_days": 40.0}
    assert stays["signed"]["median_days"] == 47.5  # (40 + 55) / 2
    assert stays["landed"] == {"count": 1, "median_days": 20.0, "p90_days": 20.0}


def test_yearly_targets_against_achieved(runtime: Runtime, leader: Actor, admin):
    day = today()
    year = day.year
    certified = max(date(year, 1, 1), day - timedelta(days=1))
    assert yearly_targets(runtime.db, year) == []
    runtime.app.set_target(admin, year, "srdi", 4)
    runtime.app.set_target(admin, year, "srdi", 2, zone="mudu")
    for n, zone in ((1, "mudu"), (2, "luzhi")):
        code = f"91320506MA{n:07d}"
        eid = runtime.app.register_enterprise(
            leader, code + check_character(code), f"【示例】企业{n}", zone=zone
        )["id"]
        runtime.app.award_designation(leader, eid, "srdi", certified)
    runtime.wait_for_read_models()
    rows = yearly_targets(runtime.db, year, day, {"mudu": "木渎镇"})
    by_label = {r["label"]: (r["target"], r["achieved"]) for r in rows}
    assert by_label == {
        "专精特新中小企业": (4, 2),
        "专精特新中小企业（木渎镇）": (2, 1),
    }
    assert yearly_targets(runtime.db, year - 1) == []


def test_empty_store_and_stalled_list(runtime: Runtime, leader: Actor) -> None:
    assert stats.conversion(runtime.db)["steps"][0]["rate"] is None
    assert dashboard.stalled_projects(runtime.db) == []
    assert yearly_targets(runtime.db, today().year) == []
    pid = _project(runtime, leader, "停滞项目", 200)
    runtime.wait_for_read_models()
    # The stall scan (built elsewhere) fills these columns; the list reads them.
    with runtime.db.transaction() as cur:
        cur.execute(
            "UPDATE rm_projects SET stall_level = 'red', stall_rule = 'negotiating',"
            " stall_days = 200 WHERE id = ?",
            (pid,),
        )
    rows = dashboard.stalled_projects(runtime.db)
    assert [(r["name"], r["stall_level"], r["stall_days"]) for r in rows] == [
        ("停滞项目", "red", 200)
    ]


def test_the_years_new_entries_are_counted_from_an_index(sqlite_settings) -> None:
    """The KPIs' 签约/落地/投产 in a period read an index of that date (with
    the investment), not every pool row; an existing pool gains the indexes
    on opening, without a rebuild."""
    runtime = Runtime.open(sqlite_settings)
    with runtime.db.transaction() as cur:
        cur.execute("DROP INDEX rm_projects_signed_on")
    runtime.close()
    runtime = Runtime.open(sqlite_settings)
    try:
        for stage in ("signed", "landed", "producing"):
            plan = runtime.db.fetchall(
                "EXPLAIN QUERY PLAN SELECT COUNT(*), SUM(investment)"
                f" FROM rm_projects WHERE {stage}_on >= ? AND {stage}_on <= ?",
                ("2026-01-01", "2026-06-30"),
            )
            detail = " ".join(str(row["detail"]) for row in plan)
            assert f"COVERING INDEX rm_projects_{stage}_on" in detail
    finally:
        runtime.close()


def test_kept_dashboard_figures_move_with_the_read_models(
    runtime: Runtime, leader: Actor, admin: Actor
) -> None:
    """The pool summary and the targets are kept between views, and an event
    gives the next view fresh figures (equal to a recompute)."""
    from gxtrack.readmodels.cultivation.queries import targets_report
    from gxtrack.readmodels.pool.queries import PoolFilter, summary

    _project(runtime, leader, "A", 10)
    runtime.wait_for_read_models()
    db, day = runtime.db, today()
    first = dashboard.pool_summary(db, None)
    assert dashboard.pool_summary(db, None) is first
    assert first["total"]["count"] == 1
    targets = yearly_targets(db, day.year, day)
    runtime.app.set_target(admin, day.year, "srdi", 4)
    _project(runtime, leader, "B", 20)
    runtime.wait_for_read_models()
    again = dashboard.pool_summary(db, None)
    assert again["total"]["count"] == 2
    assert again == summary(db, PoolFilter())
    moved = yearly_targets(db, day.year, day)
    assert moved != targets
    assert [i["target"] for i in moved] == [
        i["target"] for i in targets_report(db, day.year, day)["items"]
    ]
