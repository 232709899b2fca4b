"""Replaying skips work that changes nothing, and ends with the same rows."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import today
from domain.project import InvestmentProject


def _decoded_topics(runtime):
    """Wrap the mapper so each decoded event's type name is recorded."""
    mapper = runtime.app.mapper
    decode = mapper.to_domain_event
    seen: list[str] = []

    def counting(notification):
        seen.append(notification.topic.rpartition(".")[2])
        return decode(notification)

    mapper.to_domain_event = counting
    return seen


def _two_projects_with_three_notes(runtime, leader, label: str):
    """Two projects registered 20 days ago, each with a weekly note, interleaved."""
    day = today() - timedelta(days=20)
    app = runtime.app
    ids = [
        app.register_project(
            leader,
            name=f"【示例】{label}{n}",
            investor="示例投资方",
            industry="green",
            zone="wzedz",
            planned_investment="100",
            stage_date=day,
        )["id"]
        for n in range(2)
    ]
    for week in range(3):
        for pid in ids:
            app.report_progress(leader, pid, day + timedelta(days=week), f"第{week}周")
    return day, ids


def test_rebuild_decodes_only_each_projects_latest_progress_note(runtime, leader):
    day, ids = _two_projects_with_three_notes(runtime, leader, "进展项目")
    app = runtime.app
    app.move_project(leader, ids[0], "signed", day + timedelta(days=5))
    runtime.wait_for_read_models()
    before = runtime.db.fetchall("SELECT * FROM rm_projects ORDER BY id")
    head = runtime.app.position()

    seen = _decoded_topics(runtime)
    # The pool alone: the activity log reads every note (each is a decision).
    runtime.projections.rebuild(["pool"])

    # Two of each project's three notes are superseded within the batch.
    assert seen.count("ProgressReported") == 2
    assert runtime.db.fetchall("SELECT * FROM rm_projects ORDER BY id") == before
    notes = {r["progress_note"] for r in before}
    assert notes == {"第2周"}
    # The hash chain still checked every event, decoded or not.
    assert runtime.db.scalar("SELECT COUNT(*) AS n FROM audit_chain") == head
    assert set(runtime.projections.positions().values()) == {head}


def test_a_read_model_taking_the_latest_only_skips_the_rest_beside_others(
    runtime, leader
):
    _two_projects_with_three_notes(runtime, leader, "并读项目")
    runtime.wait_for_read_models()
    before = runtime.db.fetchall("SELECT * FROM rm_projects ORDER BY id")
    pool = runtime.projections.projections["pool"]
    note = InvestmentProject.ProgressReported
    handle, applied = pool.handlers[note], []

    def counting(cur, event):
        applied.append(event.note)
        return handle(cur, event)

    pool.handlers[note] = counting
    # The activity log reads every note, so each one is decoded; the pool is
    # given each project's latest only.
    runtime.projections.rebuild(["pool", "activity"])

    assert applied == ["第2周", "第2周"]
    assert runtime.db.fetchall("SELECT * FROM rm_projects ORDER BY id") == before
    notes = runtime.db.scalar(
        "SELECT COUNT(*) AS n FROM rm_activity WHERE type = 'ProgressReported'"
    )
    assert notes == 6


def test_each_note_shows_as_soon_as_it_is_followed(runtime, leader):
    app = runtime.app
    pid = app.register_project(
        leader,
        name="【示例】逐条项目",
        investor="示例投资方",
        industry="green",
        zone="wzedz",
        planned_investment="100",
    )["id"]
    runtime.wait_for_read_models()
    for week in range(3):
        app.report_progress(leader, pid, today(), f"第{week}周")
        runtime.wait_for_read_models()
        row = runtime.db.fetchone(
            "SELECT progress_note, version FROM rm_projects WHERE id = ?", (pid,)
        )
        assert row == {"progress_note": f"第{week}周", "version": week + 2}


def test_a_batch_reads_the_stored_rows_it_needs_in_one_query(sqlite_settings, leader):
    from gxtrack.bootstrap import Runtime

    runtime = Runtime.open(sqlite_settings)
    try:
        app = runtime.app
        ids = [
            app.register_project(
                leader,
                name=f"【示例】改名项目{n}",
                investor="示例投资方",
                industry="green",
                zone="wzedz",
                planned_investment="100",
            )["id"]
            for n in range(30)
        ]
        runtime.wait_for_read_models()
        for n, pid in enumerate(ids):
            app.revise_project(leader, pid, {"name": f"【示例】新名{n}"}, "更名")
        lookups: list[str] = []
        runtime.db.connection().set_trace_callback(
            lambda sql: (
                lookups.append(sql) if "FROM rm_projects WHERE id" in sql else None
            )
        )
        runtime.projections.run()
        runtime.db.connection().set_trace_callback(None)
        # Each revision reads the project's stored row (for its search text):
        # one query for all thirty, not one each.
        assert len(lookups) == 1
        names = {r["name"] for r in runtime.db.fetchall("SELECT name FROM rm_projects")}
        assert names == {f"【示例】新名{n}" for n in range(30)}
        searches = runtime.db.fetchall("SELECT search FROM rm_projects")
        assert all(r["search"].startswith("【示例】新名") for r in searches)
    finally:
        runtime.close()


def test_notes_at_both_ends_of_a_batch_are_coalesced(runtime, leader):
    day = today() - timedelta(days=20)
    app = runtime.app
    pid = app.register_project(
        leader,
        name="【示例】两端项目",
        investor="示例投资方",
        industry="green",
        zone="wzedz",
        planned_investment="100",
        stage_date=day,
    )["id"]
    for week in range(4):
        app.report_progress(leader, pid, day + timedelta(days=week), f"第{week}周")
    runtime.wait_for_read_models()
    notes = [
        n.id
        for n in app.recorder.select_notifications(start=1, limit=100)
        if n.topic.endswith("ProgressReported")
    ]
    head = app.position()
    assert notes == [head - 3, head - 2, head - 1, head]
    assert notes[0] == 3  # after the reference data and the registration

    seen = _decoded_topics(runtime)
    # Pages of two: (1, 2), (3, 4), (5, 6): each of the last two is two notes,
    # the first and the last event of its page, and only the later is decoded.
    runtime.projections.rebuild(["pool"], batch_size=2)  # see above
    assert seen.count("ProgressReported") == 2
    row = runtime.db.fetchone("SELECT progress_note FROM rm_projects")
    assert row["progress_note"] == "第3周"
