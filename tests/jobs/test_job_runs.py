"""Each job run is recorded with its outcome, a failed one included."""

from __future__ import annotations

import pytest

from gxtrack.bootstrap import Runtime
from jobs.tasks import recorded


def _runs(runtime: Runtime) -> list[dict]:
    return runtime.db.fetchall(
        "SELECT job, outcome, detail, finished_at FROM job_runs ORDER BY started_at"
    )


def test_a_job_run_is_recorded_ok_or_failed_with_its_detail(sqlite_settings):
    runtime = Runtime.open(sqlite_settings)
    with recorded(runtime.db, "fine") as detail:
        detail.update(done=3)
    with pytest.raises(ValueError), recorded(runtime.db, "broken") as detail:
        detail.update(done=1)
        raise ValueError("the job failed")
    runs = _runs(runtime)
    assert [(r["job"], r["outcome"]) for r in runs] == [
        ("fine", "ok"),
        ("broken", "failed"),
    ]
    assert runs[0]["detail"] == "{'done': 3}" and runs[1]["detail"] == "{'done': 1}"
    assert all(r["finished_at"] for r in runs)
    runtime.close()
