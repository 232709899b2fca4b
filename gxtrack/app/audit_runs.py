"""The full hash-chain walk started from the audit page: a background run with progress.

A full walk takes seconds per million events, too long for a request. The page
starts it here and returns at once; the run is recorded in `job_runs` (as the
nightly job's are) and notes its progress there as it goes, so whichever web
worker serves the next view can show how far it has come. One run at a time:
asking again while one is under way returns that one.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.permissions import Actor, require_role
from gxtrack.app.audit_status import AUDIT_READERS
from gxtrack.app.base import ServiceBase
from gxtrack.audit.record import verify_full
from gxtrack.errors import NotFoundError
from gxtrack.infra.job_runs import finish_job_run, note_job_progress, start_job_run

VERIFY_JOB = "audit_verify_page"
# A run not finished after this long died with its process; a new one may start.
STALE_AFTER = timedelta(hours=2)


class ChainVerifyRunService(ServiceBase):
    """Starting the full walk in the background, and reading how far it is."""

    def start_chain_verify(self, actor: Actor) -> str:
        """Start a full walk in the background (or join the one running); its id."""
        require_role(actor, AUDIT_READERS, "启动全量校验")
        db = self.read_side.db.primary
        running = self._verify_run_under_way()
        if running is not None:
            return running
        run_id = start_job_run(db, VERIFY_JOB)
        worker = threading.Thread(
            target=self._walk_chain_in_background,
            args=(run_id,),
            name=f"audit-verify-{run_id[:8]}",
            daemon=True,
        )
        worker.start()
        return run_id

    def chain_verify_run(self, actor: Actor, run_id: str) -> dict[str, Any]:
        """A background walk: started, finished, outcome and progress (done, total)."""
        require_role(actor, AUDIT_READERS, "查看全量校验进度")
        row = self.read_side.db.primary.fetchone(
            "SELECT id, started_at, finished_at, outcome, detail FROM job_runs"
            " WHERE id = ? AND job = ?",
            (run_id, VERIFY_JOB),
        )
        if row is None:
            raise NotFoundError(f"校验任务不存在: {run_id}")
        done, total = _progress_of(row["detail"]) if not row["finished_at"] else (0, 0)
        return {**row, "done": done, "total": total}

    def _verify_run_under_way(self) -> str | None:
        since = (datetime.now(UTC) - STALE_AFTER).isoformat()
        row = self.read_side.db.primary.fetchone(
            "SELECT id FROM job_runs WHERE job = ? AND finished_at IS NULL"
            " AND started_at > ? ORDER BY started_at DESC LIMIT 1",
            (VERIFY_JOB, since),
        )
        return row["id"] if row else None

    def _walk_chain_in_background(self, run_id: str) -> None:
        db = self.read_side.db.primary
        outcome, detail = "failed", "校验中断"

        def note(done: int, total: int) -> None:
            note_job_progress(db, run_id, f"{done}/{total}")

        try:
            self.read_side.wait_for_read_models()  # every event chained first
            note(0, self.recorder.max_notification_id() or 0)
            result = verify_full(self, self.read_side.db, (), note)
            outcome = "ok" if result.ok else "failed"
            detail = f"{result.checked}" if result.ok else str(result.problem)
        finally:
            finish_job_run(db, run_id, outcome, detail)


def _progress_of(detail: str | None) -> tuple[int, int]:
    """(done, total) from a running walk's note "done/total"."""
    try:
        done, total = (detail or "").split("/")
        return int(done), int(total)
    except ValueError:
        return 0, 0
