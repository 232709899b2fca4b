"""The daily expiry job on a controllable clock, and re-reviews in the digest."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from uuid import UUID

from openpyxl import load_workbook

from domain.clock import today
from domain.uscc import check_character
from gxtrack.bootstrap import Runtime
from jobs.expiry import JOB_ID
from tests.jobs.test_mail import attachment_rows, seeded  # noqa: F401 - fixture
from tests.jobs.test_scheduler import (  # noqa: F401 - fixture
    SHANGHAI,
    SUNDAY_EVENING,
    Clock,
    env,
    manual,
    runs,
)

TODAY = today()


def uscc(n: int) -> str:
    first17 = f"91320506MA{n:07d}"
    return first17 + check_character(first17)


def award(runtime: Runtime, actor, n: int, certified_ago: int, expires_in: int):
    """A 专精特新 award on a new enterprise, valid until today + `expires_in`."""
    eid = runtime.app.register_enterprise(actor, uscc(n), f"【示例】企业{n}")["id"]
    runtime.app.award_designation(
        actor,
        eid,
        "srdi",
        TODAY - timedelta(days=certified_ago),
        expires_on=TODAY + timedelta(days=expires_in),
        document_no=f"示-{n}",
    )
    runtime.wait_for_read_models()
    return eid


def expired_events(runtime: Runtime, eid: str) -> int:
    events = runtime.app.events.get(UUID(eid))
    return sum(type(e).__name__ == "DesignationExpired" for e in events)


def test_the_expiry_job_is_daily_and_records_a_lapse_once(
    env,  # noqa: F811 - the fixture
    monkeypatch,
    leader,
):
    runtime = Runtime.open(env)
    lapsed = award(runtime, leader, 1, certified_ago=400, expires_in=-10)
    valid = award(runtime, leader, 2, certified_ago=10, expires_in=300)
    runtime.close()
    clock = Clock.install(monkeypatch)
    clock.now = SUNDAY_EVENING
    scheduler = manual(env)
    job = scheduler.get_job(JOB_ID)
    assert (job.coalesce, job.max_instances) == (True, 1)
    assert 3600 <= job.misfire_grace_time < 24 * 3600
    assert job.next_run_time == datetime(2026, 11, 30, 0, 30, tzinfo=SHANGHAI)
    scheduler.tick()
    assert runs(env, "designation_expiry") == 0
    clock.now = datetime(2026, 11, 30, 0, 30, 5, tzinfo=SHANGHAI)
    scheduler.tick()
    scheduler.tick()
    assert runs(env, "designation_expiry") == 1
    runtime = Runtime.open(env)
    assert expired_events(runtime, lapsed) == 1
    assert expired_events(runtime, valid) == 0
    runtime.close()
    # The next day's run finds nothing new: the lapse is recorded once.
    clock.now += timedelta(days=1)
    scheduler.tick()
    assert runs(env, "designation_expiry") == 2
    runtime = Runtime.open(env)
    assert expired_events(runtime, lapsed) == 1
    runtime.close()
    scheduler.shutdown()


def test_a_missed_expiry_run_is_caught_up_once_after_a_restart(
    env,  # noqa: F811 - the fixture
    monkeypatch,
):
    clock = Clock.install(monkeypatch)
    clock.now = SUNDAY_EVENING
    manual(env).shutdown()
    clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)  # off over midnight
    scheduler = manual(env)
    scheduler.tick()
    scheduler.tick()
    assert runs(env, "designation_expiry") == 1
    next_run = scheduler.get_job(JOB_ID).next_run_time
    assert next_run == datetime(2026, 12, 1, 0, 30, tzinfo=SHANGHAI)
    scheduler.shutdown()


def test_leaders_digest_lists_designations_due_for_re_review(
    seeded,  # noqa: F811 - the fixture
    smtp_server,
    admin,
):
    runtime = seeded(smtp_server.port)
    award(runtime, admin, 1, certified_ago=1000, expires_in=30)
    award(runtime, admin, 2, certified_ago=10, expires_in=200)  # not due yet
    award(runtime, admin, 3, certified_ago=1000, expires_in=90)
    smtp_server.start()
    result = runtime.app.scan_and_mail()
    assert result["delivery"]["failed"] == 0
    received = {tuple(m["to"]): m["message"] for m in smtp_server.inbox.received}
    leaders = received[("lead1@example.test", "lead2@example.test")]
    assert "待复核称号 2 项" in leaders["Subject"]
    text = leaders.get_body(("plain",)).get_content()
    assert "【称号复核提醒】" in text
    assert "【示例】企业1" in text and "【示例】企业3" in text
    assert "【示例】企业2" not in text and "剩余 30 天" in text
    html = leaders.get_body(("html",)).get_content()
    assert "称号复核提醒" in html and "示-1" in html
    part = next(iter(leaders.iter_attachments()))
    book = load_workbook(io.BytesIO(part.get_content()))
    sheet = book["待复核称号"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "企业名称"
    assert [r[0] for r in rows[1:]] == ["【示例】企业1", "【示例】企业3"]
    assert len(attachment_rows(leaders)) == 1 + 3  # the stalled sheet unchanged
    officer = received[("officer_a@example.test",)]
    assert "称号复核" not in officer.get_body(("plain",)).get_content()
    runtime.close()
