"""The scheduled jobs: module-level functions that only call use cases.

A persistent job store keeps a reference to each function ("jobs.tasks:name"),
so they take no arguments: each opens a Runtime from the environment, calls one
method of the application and records the run in `job_runs`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gxtrack.infra.db import Database
from gxtrack.infra.job_runs import finish_job_run, start_job_run

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
def recorded(db: Database, job: str) -> Iterator[dict[str, Any]]:
    """Record a job run (start, end, outcome) so operators can see it ran."""
    run_id = start_job_run(db, job)
    detail: dict[str, Any] = {}
    outcome = "failed"
    try:
        yield detail
        outcome = "ok"
    finally:
        finish_job_run(db, run_id, outcome, str(detail))


def weekly_scan() -> None:
    """Job: scan this week's stalled projects and mail the digests."""
    with job_runtime() as runtime, recorded(runtime.db, "weekly_scan") as detail:
        result = runtime.app.scan_and_mail()
        detail.update(
            week=result["scan"]["week"],
            flagged=len(result["scan"]["flagged"]),
            created=result["created"],
            delivery=result["delivery"],
        )
        log.info("weekly stall scan %s: %s", result["scan"]["week"], detail)


def daily_expiry() -> None:
    """Job: record each designation that lapsed (DesignationExpired), once."""
    with job_runtime() as runtime, recorded(runtime.db, "designation_expiry") as detail:
        result = runtime.app.record_expiries_due()
        detail.update(as_of=result["as_of"], expired=len(result["expired"]))
        log.info("designation expiry %s: %s", result["as_of"], detail)


def daily_audit() -> None:
    """Job: walk the whole event log against the hash chain and keep the verdict."""
    with job_runtime() as runtime, recorded(runtime.db, "audit_verify") as detail:
        result = runtime.app.verify_chain_caught_up()
        detail.update(ok=result.ok, checked=result.checked, problem=result.problem)
        if result.ok:
            log.info("audit verify: %s events, chain intact", result.checked)
        else:
            log.error("audit verify FAILED: %s", result.problem)


def deliver_mail() -> None:
    """Job: resend mail the server did not accept yet."""
    with job_runtime() as runtime:
        if runtime.app.pending_mail():
            with recorded(runtime.db, "deliver_mail") as detail:
                detail.update(runtime.app.deliver_mail())


def deliver_fresh() -> None:
    """Job: the first attempt at messages queued since the last run (robots, mail)."""
    with job_runtime() as runtime:
        if any(not row["attempts"] for row in runtime.app.pending_mail()):
            with recorded(runtime.db, "deliver_fresh") as detail:
                detail.update(runtime.app.deliver_fresh())
