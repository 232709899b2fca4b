"""Progress notes carry import provenance; notes recorded before that replay."""

from __future__ import annotations

from datetime import date

from domain.project import InvestmentProject
from domain.reference import ReferenceData

SOURCE = {
    "file": "台账.xlsx",
    "sha256": "0" * 64,
    "sheet": "S",
    "row": 4,
    "imported_by": "leader",
}


def project() -> InvestmentProject:
    return InvestmentProject.register(
        name="【示例】项目",
        investor="【示例】公司",
        industry="ngit",
        zone="mudu",
        planned_investment="100",
        officer="officer",
        actor="leader",
        reference=ReferenceData.with_defaults(),
        stage="signed",
        stage_date=date(2022, 3, 5),
        source=SOURCE,
        today=date(2024, 1, 1),
    )


def test_progress_note_records_its_source():
    p = project()
    p.report_progress(date(2023, 1, 1), "推进中", "leader", date(2024, 1, 1), SOURCE)
    event = p.collect_events()[-1]
    assert type(event).__name__ == "ProgressReported"
    assert event.source == SOURCE


def test_progress_note_recorded_without_source_still_replays():
    p = project()
    p.report_progress(date(2023, 1, 1), "推进中", "leader", date(2024, 1, 1))
    events = p.collect_events()
    del events[-1].__dict__["source"]  # as stored before the field existed
    copy = None
    for event in events:
        copy = event.mutate(copy)
    assert copy.last_progress == {"date": date(2023, 1, 1), "note": "推进中"}
