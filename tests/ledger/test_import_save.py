"""The import's save: every project's events in one transaction, or none."""

from __future__ import annotations

import pytest

from gxtrack.errors import ConflictError
from tests.ledger.sheets import COL, ROWS, xlsx_bytes


def many_rows(count: int) -> list[list[object]]:
    """`count` distinct projects, the sample rows over and over, renamed."""
    rows = []
    for n in range(count):
        row = list(ROWS[n % len(ROWS)])
        row[COL["序号"]] = n + 1
        row[COL["项目名称"]] = f"{row[COL['项目名称']]}（{n + 1:03d}）"
        rows.append(row)
    return rows


def events_of(runtime, project_id):
    return list(runtime.app.events.get(project_id))


def test_a_collision_midway_through_the_save_writes_nothing(
    runtime, leader, monkeypatch
):
    """A project in the middle of the file recorded meanwhile (another import
    of the same file): the rows before and after it are not written either."""
    data = xlsx_bytes(many_rows(12))
    runtime.app.reference()
    preview = runtime.app.preview_ledger(data, "台账.xlsx", leader)
    creates = [r for r in preview.rows if r.action == "create"]
    assert len(creates) == 12
    middle = creates[6]
    runtime.app.save(middle.project)  # recorded by the racing import
    position = runtime.app.position()
    # This import planned before the other one's write reached the pool.
    monkeypatch.setattr(runtime.app, "_existing_projects", lambda: {})
    with pytest.raises(ConflictError, match="另一次导入"):
        runtime.app.import_ledger(data, "台账.xlsx", leader, confirm=True)
    assert runtime.app.position() == position
    for row in (creates[0], creates[5], creates[7], creates[-1]):
        assert events_of(runtime, row.project.id) == []
    runtime.wait_for_read_models()
    count = runtime.db.fetchone("SELECT COUNT(*) AS n FROM rm_projects")
    assert count == {"n": 1}


def test_every_project_and_every_event_is_recorded_once(runtime, leader):
    data = xlsx_bytes(many_rows(12))
    result = runtime.app.import_ledger(data, "台账.xlsx", leader, confirm=True)
    recorded = {
        row.project_id: events_of(runtime, row.project.id)
        for row in result.preview.rows
        if row.action == "create"
    }
    assert len(recorded) == 12
    assert sum(len(events) for events in recorded.values()) == result.events
    for events in recorded.values():
        assert [e.originator_version for e in events] == list(range(1, len(events) + 1))
    count = runtime.db.fetchone("SELECT COUNT(*) AS n FROM rm_projects")
    assert count == {"n": 12}
    # Recorded, and read back from the log as the aggregates the rows planned.
    for row in result.preview.rows:
        project = runtime.app.repository.get(row.project.id)
        assert project.name == row.project.name
        assert project.version == row.project.version
