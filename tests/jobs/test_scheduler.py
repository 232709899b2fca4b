"""The scheduler on a controllable clock, restarts, and two schedulers at once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import apscheduler.executors.base as executor_base
import apscheduler.schedulers.base as scheduler_base
import pytest
from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.base import BaseScheduler

from domain.clock import today
from domain.stall import iso_week
from gxtrack.bootstrap import Runtime
from gxtrack.settings import Settings
from jobs.scheduler import WEEKLY_SCAN_ID, add_jobs, build_scheduler, weekly_trigger

SHANGHAI = ZoneInfo("Asia/Shanghai")
SUNDAY_EVENING = datetime(2026, 11, 29, 20, 0, tzinfo=SHANGHAI)


class Clock:
    """The time APScheduler sees: moved by the test, never slept through."""

    now = SUNDAY_EVENING

    @classmethod
    def install(cls, monkeypatch) -> type[Clock]:
        class FrozenDatetime(datetime):
            @classmethod
            def now(cls_, tz=None):  # noqa: N805 - mirrors datetime.now
                return cls.now.astimezone(tz or UTC)

        monkeypatch.setattr(scheduler_base, "datetime", FrozenDatetime)
        monkeypatch.setattr(executor_base, "datetime", FrozenDatetime)
        return cls


class ManualScheduler(BaseScheduler):
    """A scheduler whose loop the test turns by hand (`tick`)."""

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)

    def wakeup(self) -> None:
        """Nothing to wake: the test calls tick()."""

    def tick(self) -> None:
        self._process_jobs()


@pytest.fixture
def env(tmp_path, monkeypatch) -> Settings:
    """A SQLite data directory the jobs (reading the environment) also use."""
    monkeypatch.setenv("GXTRACK_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("GXTRACK_DATABASE_URL", raising=False)
    for key in [k for k in os.environ if k.startswith("GXTRACK_SMTP_")]:
        monkeypatch.delenv(key)
    settings = Settings.from_env()
    Runtime.open(settings).close()
    return settings


def runs(settings: Settings, job: str = "weekly_scan") -> int:
    runtime = Runtime.open(settings)
    try:
        exists = runtime.db.fetchone(
            "SELECT name FROM sqlite_master WHERE name = 'job_runs'"
        )
        if not exists:
            return 0
        return runtime.db.scalar(
            "SELECT COUNT(*) FROM job_runs WHERE job = ? AND outcome = 'ok'", (job,)
        )
    finally:
        runtime.close()


def manual(settings: Settings) -> ManualScheduler:
    scheduler = build_scheduler(
        settings, ManualScheduler, executors={"default": DebugExecutor()}
    )
    add_jobs(scheduler, settings)
    scheduler.start()
    return scheduler


def test_weekly_trigger_is_monday_0900_shanghai_and_configurable():
    trigger = weekly_trigger("mon 09:00", "Asia/Shanghai")
    fire = trigger.get_next_fire_time(None, SUNDAY_EVENING)
    assert fire == datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)
    other = weekly_trigger("30 7 * * fri", "Asia/Shanghai")
    assert other.get_next_fire_time(None, SUNDAY_EVENING).weekday() == 4


def test_the_weekly_job_fires_on_monday_morning_once(env, monkeypatch):
    clock = Clock.install(monkeypatch)
    clock.now = SUNDAY_EVENING
    scheduler = manual(env)
    job = scheduler.get_job(WEEKLY_SCAN_ID)
    assert (job.coalesce, job.max_instances) == (True, 1)
    assert job.misfire_grace_time > 3 * 24 * 3600
    clock.now = datetime(2026, 11, 30, 8, 59, 59, tzinfo=SHANGHAI)
    scheduler.tick()
    assert runs(env) == 0
    clock.now = datetime(2026, 11, 30, 9, 0, 1, tzinfo=SHANGHAI)
    scheduler.tick()
    scheduler.tick()
    assert runs(env) == 1
    # The job really scanned: this (real) week's scan is recorded.
    runtime = Runtime.open(env)
    assert runtime.app.stall_scan(iso_week(today())) is not None
    runtime.close()
    clock.now += timedelta(days=7)
    scheduler.tick()
    assert runs(env) == 2
    scheduler.shutdown()


def test_a_scan_missed_while_off_runs_once_when_the_machine_is_back(env, monkeypatch):
    clock = Clock.install(monkeypatch)
    clock.now = SUNDAY_EVENING
    manual(
        env
    ).shutdown()  # the job is stored for Monday 09:00, then the machine is off
    # Back on Wednesday of the week after: two Mondays were missed.
    clock.now = datetime(2026, 12, 9, 10, 0, tzinfo=SHANGHAI)
    scheduler = manual(env)
    scheduler.tick()
    scheduler.tick()
    assert runs(env) == 1
    next_run = scheduler.get_job(WEEKLY_SCAN_ID).next_run_time
    assert next_run == datetime(2026, 12, 14, 9, 0, tzinfo=SHANGHAI)
    scheduler.shutdown()


def test_a_scan_missed_beyond_the_grace_is_skipped(env, monkeypatch):
    clock = Clock.install(monkeypatch)
    clock.now = SUNDAY_EVENING
    manual(env).shutdown()
    clock.now = datetime(2026, 12, 6, 12, 0, tzinfo=SHANGHAI)  # Sunday: 6 days late
    scheduler = manual(env)
    scheduler.tick()
    assert runs(env) == 0
    scheduler.shutdown()


def _scheduler_process(settings: Settings, log: Path) -> subprocess.Popen:
    env = {**os.environ, "GXTRACK_DATA_DIR": str(settings.data_dir)}
    env.pop("GXTRACK_DATABASE_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "gxtrack", "scheduler"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )


def test_two_schedulers_run_the_jobs_once(env, tmp_path):
    # Store the job as if its Monday run was missed a minute ago.
    scheduler = manual(env)
    scheduler.modify_job(
        WEEKLY_SCAN_ID, next_run_time=datetime.now(UTC) - timedelta(minutes=1)
    )
    scheduler.shutdown()
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs = [_scheduler_process(env, log) for log in logs]
    try:
        deadline = time.monotonic() + 60
        while runs(env) == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3)  # time enough for a second scheduler to run it too
        assert runs(env) == 1
        outputs = [log.read_text() for log in logs]
        assert sum("等待锁" in out for out in outputs) == 1, outputs
        assert all("Traceback" not in out for out in outputs), outputs
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=20)


@pytest.mark.postgres
def test_locks_and_job_store_on_postgres(pg_schema, tmp_path):
    from jobs.scheduler import scheduler_lock
    from tests.conftest import pg_settings

    settings = pg_settings(pg_schema, tmp_path)
    Runtime.open(settings).close()
    first, second = scheduler_lock(settings), scheduler_lock(settings)
    assert first.try_acquire()
    assert not second.try_acquire()
    first.release()
    assert second.try_acquire()
    second.release()
    scheduler = manual(settings)
    scheduler.shutdown()
    scheduler = manual(settings)  # the stored job is found and kept
    assert scheduler.get_job(WEEKLY_SCAN_ID).next_run_time is not None
    scheduler.shutdown()


def test_file_lock_on_sqlite(env):
    from jobs.scheduler import scheduler_lock

    first, second = scheduler_lock(env), scheduler_lock(env)
    assert first.try_acquire()
    assert not second.try_acquire()
    first.release()
    assert second.try_acquire()
    second.release()


def test_embedded_scheduler_waits_for_the_lock_then_runs(env):
    from jobs.scheduler import scheduler_lock, start_embedded

    held = scheduler_lock(env)
    assert held.try_acquire()
    embedded = start_embedded(env)
    time.sleep(1.5)
    assert embedded.scheduler is None  # waiting, not running the jobs
    held.release()
    deadline = time.monotonic() + 10
    while embedded.scheduler is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert embedded.scheduler is not None
    assert {j.id for j in embedded.scheduler.get_jobs()} == {
        WEEKLY_SCAN_ID,
        "deliver-mail",
        "deliver-fresh",
        "designation-expiry",
        "daily-audit-verify",
    }
    embedded.stop()
