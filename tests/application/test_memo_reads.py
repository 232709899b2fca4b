"""Kept figures that name the read models they read: kept while only other read
models apply events, computed afresh (equal to a recompute) once one of theirs
does or is rebuilt. On every store."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import today
from domain.uscc import check_character
from gxtrack.app.reports import monthly
from gxtrack.readmodels.cultivation import queries as cultivation
from gxtrack.readmodels.engine import memo
from gxtrack.readmodels.engine.rebuild import Rebuild

TODAY = today()
MONTH = TODAY.strftime("%Y-%m")


def register(runtime, actor, name, days=10, zone="wzedz"):
    project = runtime.app.register_project(
        actor,
        name=name,
        investor="示例投资方",
        industry="green",
        zone=zone,
        planned_investment="5000",
        stage_date=TODAY - timedelta(days=days),
    )
    runtime.wait_for_read_models()
    return project["id"]


def enterprise(runtime, actor, n):
    code = f"91320506MA{n:07d}"
    found = runtime.app.register_enterprise(
        actor, code + check_character(code), f"【示例】企业{n}", zone="mudu"
    )
    runtime.wait_for_read_models()
    return found["id"]


class Calls:
    def __init__(self, real=None):
        self.real, self.count, self.kwargs = real, 0, []

    def __call__(self, *args, **kwargs):
        self.count += 1
        self.kwargs.append(kwargs)
        return self.real(*args, **kwargs) if self.real else self.count


def test_kept_until_a_read_model_it_reads_applies_an_event(runtime, leader):
    compute = Calls()
    reads = ("enterprises", "tiers")
    project = register(runtime, leader, "【示例】甲项目")
    assert memo.memoized(runtime.db, "k", compute, reads=reads) == 1
    runtime.app.report_progress(leader, project, TODAY, "推进中")
    register(runtime, leader, "【示例】乙项目")
    assert memo.memoized(runtime.db, "k", compute, reads=reads) == 1
    assert memo.memoized(runtime.db, "all", compute) == 2
    enterprise(runtime, leader, 1)
    assert memo.memoized(runtime.db, "k", compute, reads=reads) == 3
    assert memo.memoized(runtime.db, "all", compute) == 4
    # A rebuild empties the read model: a view meanwhile computes afresh.
    Rebuild(runtime.projections, ["enterprises"])._reset(["enterprises"])
    assert memo.memoized(runtime.db, "k", compute, reads=reads) == 5
    runtime.projections.run()
    assert memo.memoized(runtime.db, "k", compute, reads=reads) == 6


def test_yearly_targets_are_kept_across_project_events(
    runtime, leader, admin, monkeypatch
):
    calls = Calls(cultivation.targets_report)
    monkeypatch.setattr(cultivation, "targets_report", calls)
    runtime.app.set_target(admin, TODAY.year, "srdi", 4)
    eid = enterprise(runtime, leader, 2)
    before = cultivation.yearly_targets(runtime.db, TODAY.year, TODAY)
    project = register(runtime, leader, "【示例】丙项目")
    runtime.app.report_progress(leader, project, TODAY, "推进中")
    runtime.wait_for_read_models()
    assert cultivation.yearly_targets(runtime.db, TODAY.year, TODAY) == before
    assert calls.count == 1
    runtime.app.award_designation(leader, eid, "srdi", TODAY)
    runtime.wait_for_read_models()
    after = cultivation.yearly_targets(runtime.db, TODAY.year, TODAY)
    assert [i["achieved"] for i in after] == [1]
    assert calls.count == 2


def report(runtime):
    """The report (of every event so far) but for the instants it was asked at."""
    runtime.wait_for_read_models()
    found = monthly.monthly_report(runtime.db, MONTH)
    return {k: v for k, v in found.items() if k not in ("known_at", "now")}


def afresh(runtime):
    memo.forget(runtime.db)
    return report(runtime)


def test_the_monthly_report_reads_the_facts_again_only_when_they_move(
    runtime, leader, officer, monkeypatch
):
    calls = Calls(monthly.entries_as_known)
    monkeypatch.setattr(monthly, "entries_as_known", calls)
    project = register(runtime, leader, "【示例】丁项目", days=40, zone="luzhi")
    other = register(runtime, leader, "【示例】庚项目", days=50)
    runtime.app.move_project(leader, other, "signed", TODAY)
    first = report(runtime)
    counted = calls.count
    runtime.app.report_progress(leader, project, TODAY, "推进中")
    runtime.wait_for_read_models()
    assert report(runtime) == first
    assert calls.count == counted  # a progress note changes no fact
    # Each change below is patched in (the changed projects' entries read
    # again), and the report equals one made afresh.
    runtime.app.move_project(leader, project, "signed", TODAY)
    register(runtime, leader, "【示例】戊项目", days=3)
    moved = report(runtime)
    assert moved != first
    assert moved == afresh(runtime)
    runtime.app.move_project(leader, other, "withdrawn", TODAY, reason="撤资")
    runtime.app.move_project(leader, project, "negotiating", TODAY, reason="更正")
    again = report(runtime)
    assert ("new_signed", "zone", "luzhi") not in {
        (r["section"], r["dimension"], r["key"]) for r in again["rows"]
    }  # its one project's entry was corrected away
    assert again == report(runtime)
    # Patched on a patched value: equal to a report made afresh at the end.
    runtime.app.move_project(leader, project, "signed", TODAY)
    assert report(runtime) == afresh(runtime)
    patched = [k for k in calls.kwargs[counted:] if k.get("ids")]
    assert len(patched) == 3  # the views after events, as patches


def test_a_store_from_before_changes_were_recorded(runtime, leader):
    """Set up again, a read model with no recorded change counts as changed at
    its position: kept across other read models' events from then on."""
    compute = Calls()
    reads = ("enterprises",)
    project = register(runtime, leader, "【示例】己项目")
    enterprise(runtime, leader, 3)
    with runtime.db.transaction() as cur:
        cur.execute("DELETE FROM rm_model_changes")
    runtime.projections.setup()
    assert memo.memoized(runtime.db, "k", compute, reads=reads) == 1
    runtime.app.report_progress(leader, project, TODAY, "推进中")
    runtime.wait_for_read_models()
    assert memo.memoized(runtime.db, "k", compute, reads=reads) == 1
    enterprise(runtime, leader, 4)
    assert memo.memoized(runtime.db, "k", compute, reads=reads) == 2
