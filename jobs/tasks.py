"""The scheduled jobs: module-level functions that only call services.

A persistent job store keeps a reference to each function ("jobs.tasks:name"),
so they take no arguments: each opens a Runtime from the environment, does its
work through the services and records the run in `job_runs`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from domain.permissions import Actor
from gxtrack.app.digest import queue_stall_digests
from gxtrack.infra.mailer import Outbox

log = logging.getLogger(__name__)


@contextmanager
def job_runtime() -> Iterator[Any]:
    """A Runtime for one job run, from the environment (GXTRACK_*)."""
    from gxtrack.bootstrap import Runtime

    runtime = Runtime.open()
    try:
        yield runtime
    finally:
        runtime.close()


@contextmanager
def recorded(runtime: Any, job: str) -> Iterator[dict[str, Any]]:
    """Record a job run (start, end, outcome) so operators can see it ran."""
    run_id = str(uuid.uuid4())
    with runtime.db.transaction() as cur:
        cur.execute(
            "INSERT INTO job_runs (id, job, started_at) VALUES (?, ?, ?)",
            (run_id, job, datetime.now(UTC).isoformat()),
        )
    detail: dict[str, Any] = {}
    outcome = "failed"
    try:
        yield detail
        outcome = "ok"
    finally:
        with runtime.db.transaction() as cur:
            cur.execute(
                "UPDATE job_runs SET finished_at = ?, outcome = ?, detail = ?"
                " WHERE id = ?",
                (datetime.now(UTC).isoformat(), outcome, str(detail)[:2000], run_id),
            )


def scan_and_mail(
    runtime: Any, as_of: date | None = None, mail: bool = True
) -> dict[str, Any]:
    """The weekly scan, then the digests queued and delivered (or kept pending)."""
    scan, created = runtime.app.run_stall_scan(Actor.system(), as_of)
    runtime.wait_for_read_models()
    result: dict[str, Any] = {"scan": scan, "created": created}
    if mail:
        result["digests"] = queue_stall_digests(runtime, scan)
        result["delivery"] = Outbox.for_runtime(runtime).deliver()
    return result


def weekly_scan() -> None:
    """Job: scan this week's stalled projects and mail the digests."""
    with job_runtime() as runtime, recorded(runtime, "weekly_scan") as detail:
        result = scan_and_mail(runtime)
        detail.update(
            week=result["scan"]["week"],
            flagged=len(result["scan"]["flagged"]),
            created=result["created"],
            delivery=result["delivery"],
        )
        log.info("weekly stall scan %s: %s", result["scan"]["week"], detail)


def daily_expiry() -> None:
    """Job: record each designation that lapsed (DesignationExpired), once."""
    from jobs.expiry import run_expiry

    with job_runtime() as runtime, recorded(runtime, "designation_expiry") as detail:
        result = run_expiry(runtime)
        detail.update(as_of=result["as_of"], expired=len(result["expired"]))
        log.info("designation expiry %s: %s", result["as_of"], detail)


def daily_audit() -> None:
    """Job: walk the whole event log against the hash chain and keep the verdict."""
    from gxtrack.audit.record import verify_full

    with job_runtime() as runtime, recorded(runtime, "audit_verify") as detail:
        runtime.wait_for_read_models()
        result = verify_full(runtime)
        detail.update(ok=result.ok, checked=result.checked, problem=result.problem)
        if result.ok:
            log.info("audit verify: %s events, chain intact", result.checked)
        else:
            log.error("audit verify FAILED: %s", result.problem)


def deliver_mail() -> None:
    """Job: resend mail the server did not accept yet."""
    with job_runtime() as runtime:
        outbox = Outbox.for_runtime(runtime)
        if outbox.pending():
            with recorded(runtime, "deliver_mail") as detail:
                detail.update(outbox.deliver())
