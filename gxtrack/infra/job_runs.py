"""The scheduled jobs' run log (`job_runs`, created by migration 4): start, end, outcome."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from gxtrack.infra.db import Database

DETAIL_CHARS = 2000


def _now() -> str:
    return datetime.now(UTC).isoformat()


def start_job_run(db: Database, job: str) -> str:
    """Record that `job` started now; the run's id."""
    run_id = str(uuid.uuid4())
    with db.transaction() as cur:
        cur.execute(
            "INSERT INTO job_runs (id, job, started_at) VALUES (?, ?, ?)",
            (run_id, job, _now()),
        )
    return run_id


def finish_job_run(db: Database, run_id: str, outcome: str, detail: str) -> None:
    """Record how a run ended (outcome "ok" or "failed", and a short detail)."""
    with db.transaction() as cur:
        cur.execute(
            "UPDATE job_runs SET finished_at = ?, outcome = ?, detail = ? WHERE id = ?",
            (_now(), outcome, detail[:DETAIL_CHARS], run_id),
        )


def note_job_progress(db: Database, run_id: str, detail: str) -> None:
    """Note how far a running job has come (its detail until it finishes)."""
    with db.transaction() as cur:
        cur.execute(
            "UPDATE job_runs SET detail = ? WHERE id = ? AND finished_at IS NULL",
            (detail[:DETAIL_CHARS], run_id),
        )
