"""The APScheduler 3.x scheduler: the weekly scan, the daily expiry, the mail retry.

Jobs have explicit ids, `replace_existing`, `coalesce`, `max_instances=1` and a
misfire grace, and live in a persistent job store in the project's database
(the SQLite file or PostgreSQL). A scan missed while the machine was off runs
once when it comes back: on start, a job whose trigger is unchanged keeps the
stored next run time instead of having it recomputed from now.

Only one scheduler runs jobs at a time: each takes a lock first (a PostgreSQL
advisory lock, or a file lock next to the SQLite files) and a second one waits.
`gxtrack scheduler` runs `run_blocking`; `gxtrack serve` runs `start_embedded`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from domain.errors import RuleViolationError
from gxtrack.infra.db import job_store_options
from gxtrack.infra.lock import StoreLock, settings_lock
from gxtrack.settings import Settings
from jobs.expiry import JOB_ID as EXPIRY_ID
from jobs.tasks import (
    daily_audit,
    daily_expiry,
    deliver_fresh,
    deliver_mail,
    weekly_scan,
)

log = logging.getLogger(__name__)
WEEKLY_SCAN_ID = "weekly-stall-scan"
DELIVER_MAIL_ID = "deliver-mail"
DELIVER_FRESH_ID = "deliver-fresh"
# A scan's messages get their first attempt within a minute (robots included);
# the retries keep the slower pace above.
FRESH_SECONDS = 30
# Less than a week, so a missed Monday scan still runs within its own week.
MISFIRE_GRACE_SECONDS = 6 * 24 * 3600
MAIL_RETRY_MINUTES = 10
# Shortly after midnight: a designation valid through yesterday lapses today.
EXPIRY_HOUR, EXPIRY_MINUTE = 0, 30
# Less than a day, so a missed run is caught up once and never runs twice a day.
EXPIRY_GRACE_SECONDS = 23 * 3600
AUDIT_ID = "daily-audit-verify"
# At night, when the full walk of the log (seconds at a million events) is alone.
AUDIT_HOUR, AUDIT_MINUTE = 2, 30
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def weekly_trigger(spec: str, timezone: str) -> CronTrigger:
    """ "mon 09:00" (day and time) or a five-field crontab, in `timezone`."""
    parts = spec.split()
    try:
        if len(parts) == 2 and parts[0].lower() in DAYS:
            hour, minute = parts[1].split(":")
            return CronTrigger(
                day_of_week=parts[0].lower(),
                hour=int(hour),
                minute=int(minute),
                timezone=timezone,
            )
        return CronTrigger.from_crontab(spec, timezone=timezone)
    except ValueError:
        raise RuleViolationError(
            f"GXTRACK_WEEKLY_SCAN 无效: {spec!r}（例如 'mon 09:00' 或 crontab）",
            "GXTRACK_WEEKLY_SCAN",
        ) from None


def job_store(settings: Settings) -> Any:
    """The persistent job store in the project's database."""
    options = job_store_options(settings)
    return MemoryJobStore() if options is None else SQLAlchemyJobStore(**options)


def build_scheduler(
    settings: Settings,
    scheduler_class: type[BaseScheduler] = BlockingScheduler,
    **options: Any,
) -> BaseScheduler:
    """A scheduler on the project's job store (jobs not added yet)."""
    config: dict[str, Any] = {
        "jobstores": {"default": job_store(settings)},
        "job_defaults": {
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": MISFIRE_GRACE_SECONDS,
        },
        "timezone": settings.timezone,
    }
    config.update(options)
    return scheduler_class(**config)


def _stored_next_run(settings: Settings, scheduler: Any, job_id: str, trigger: Any):
    """The stored next run time of `job_id`, if its trigger is unchanged."""
    store = job_store(settings)
    if isinstance(store, MemoryJobStore):
        return None
    store.start(scheduler, "probe")
    try:
        job = store.lookup_job(job_id)
    finally:
        store.shutdown()
    if job is None or repr(job.trigger) != repr(trigger):
        return None
    return job.next_run_time


def _keep_next_run(
    settings: Settings, scheduler: Any, job_id: str, trigger: Any
) -> dict[str, Any]:
    """`next_run_time` to pass on so a run missed while off still happens."""
    stored = _stored_next_run(settings, scheduler, job_id, trigger)
    return {} if stored is None else {"next_run_time": stored}


def add_jobs(scheduler: BaseScheduler, settings: Settings) -> None:
    """Add (or replace) the weekly scan, the daily expiry, the nightly chain
    verification and the mail retry."""
    weekly = weekly_trigger(settings.weekly_scan_cron, settings.timezone)
    daily = CronTrigger(
        hour=EXPIRY_HOUR, minute=EXPIRY_MINUTE, timezone=settings.timezone
    )
    nightly = CronTrigger(
        hour=AUDIT_HOUR, minute=AUDIT_MINUTE, timezone=settings.timezone
    )
    for job, trigger, job_id, name, grace in (
        (
            weekly_scan,
            weekly,
            WEEKLY_SCAN_ID,
            "停滞项目周扫描 weekly stalled-project scan",
            MISFIRE_GRACE_SECONDS,
        ),
        (
            daily_expiry,
            daily,
            EXPIRY_ID,
            "称号到期记录 daily designation expiry",
            EXPIRY_GRACE_SECONDS,
        ),
        (
            daily_audit,
            nightly,
            AUDIT_ID,
            "哈希链全量校验 nightly hash-chain verification",
            EXPIRY_GRACE_SECONDS,
        ),
    ):
        # A run missed while no scheduler was up still happens once.
        scheduler.add_job(
            job,
            trigger,
            id=job_id,
            name=name,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=grace,
            **_keep_next_run(settings, scheduler, job_id, trigger),
        )
    scheduler.add_job(
        deliver_mail,
        IntervalTrigger(minutes=MAIL_RETRY_MINUTES, timezone=settings.timezone),
        id=DELIVER_MAIL_ID,
        name="重发未送达邮件 resend pending mail",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=MAIL_RETRY_MINUTES * 60,
    )
    scheduler.add_job(
        deliver_fresh,
        IntervalTrigger(seconds=FRESH_SECONDS, timezone=settings.timezone),
        id=DELIVER_FRESH_ID,
        name="首次发送新消息 first attempt at new messages",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=FRESH_SECONDS,
    )


def scheduler_lock(settings: Settings) -> StoreLock:
    """Only one scheduler runs jobs: the store's "scheduler" lock."""
    return settings_lock(settings, "scheduler")


def run_blocking(
    settings: Settings,
    on_wait: Callable[[], None] | None = None,
    on_start: Callable[[], None] | None = None,
) -> None:
    """Run the scheduler in this process until interrupted (`gxtrack scheduler`)."""
    import signal

    lock = scheduler_lock(settings)
    lock.acquire(on_wait=on_wait)
    try:
        scheduler = build_scheduler(settings, BlockingScheduler)
        add_jobs(scheduler, settings)
        signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
        if on_start:
            on_start()
        scheduler.start()
    finally:
        lock.release()


class EmbeddedScheduler:
    """The same jobs in a background thread of `gxtrack serve`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.lock = scheduler_lock(settings)
        self.stopping = threading.Event()
        self.scheduler: BaseScheduler | None = None
        self._thread = threading.Thread(target=self._run, name="scheduler", daemon=True)

    def _run(self) -> None:
        # Waits without blocking the web server while another scheduler runs.
        if not self.lock.acquire(self.stopping, lambda: log.info("scheduler waits")):
            return
        scheduler = build_scheduler(self.settings, BackgroundScheduler)
        add_jobs(scheduler, self.settings)
        scheduler.start()
        self.scheduler = scheduler

    def start(self) -> EmbeddedScheduler:
        """Start waiting for the lock, then run the jobs."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the jobs and release the lock."""
        self.stopping.set()
        self._thread.join(timeout=10)
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.lock.release()


def start_embedded(settings: Settings) -> EmbeddedScheduler:
    """Run the scheduler's jobs inside this process (embedded mode)."""
    return EmbeddedScheduler(settings).start()
