"""Real headless Chromium: a leader scans, the officer answers the stalled alert.

Same setup as the other browser tests (tests/web/helpers.py): Debian's
chromium, waitress on a free 127.0.0.1 port, skipped with the reason when
chromium is missing, failing under CI=true.
Screenshots go to test-artifacts/browser/ (gitignored).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from domain.clock import today
from gxtrack.bootstrap import Runtime
from tests.web.helpers import (  # noqa: F401 - fixture
    browser_fixture,
    console_errors,
    serving_project,
    shot,
    sign_in,
)

pytestmark = pytest.mark.browser
NAME = "【示例】停滞预警浏览器测试项目"


@pytest.fixture(name="stall_server")
def stall_server_fixture(tmp_path: Path) -> Iterator[tuple[str, Runtime, str]]:
    """A server with a leader, an admin, an officer, and a project 120 days in 在谈."""
    users = (("leader", "leader"), ("officer", "officer"), ("admin", "admin"))
    with serving_project(
        tmp_path,
        users,
        email=True,
        name=NAME,
        investor="【示例】某新材料有限公司",
        industry="green",
        zone="mudu",
        planned_investment="36000",
        stage_date=today() - timedelta(days=120),
    ) as served:
        yield served


def test_leader_scans_officer_answers(
    stall_server: tuple[str, Runtime, str], browser: Any
) -> None:
    base, runtime, pid = stall_server
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors = console_errors(page)

    # The leader runs the scan for today from the stalled-projects page.
    sign_in(page, base, "leader")
    page.click("nav.mainnav >> text=停滞项目")
    page.wait_for_selector("#scan-form")
    assert NAME in page.inner_text("table.stalled")
    assert "尚未扫描" in page.inner_text("table.stalled")
    page.fill("#f-scan-as_of", today().isoformat())
    page.click("#scan-form button[type=submit]")
    page.wait_for_selector(".flash.success")
    assert "新增预警 1 个" in page.inner_text(".flash.success")
    assert "待回复" in page.inner_text("table.stalled")
    shot(page, "20-stalled-list-after-scan")
    page.goto(f"{base}/stalled/outbox")
    assert "leader@example.test" in page.inner_text("table.outbox")
    shot(page, "21-mail-outbox")
    context.close()

    # The officer signs in and answers the alert on the project page.
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors += console_errors(page)
    sign_in(page, base, "officer")
    page.click("nav.mainnav >> text=停滞项目")
    page.click(f"table.stalled >> text={NAME}")
    page.wait_for_selector("#act-answer")
    page.click("#act-answer summary")
    page.fill("#act-answer textarea[name=cause]", "投资方融资方案调整，资金未到位")
    page.fill("#act-answer textarea[name=plan]", "协调区金融办对接银行，两周内再次洽谈")
    checkpoint = (today() + timedelta(days=14)).isoformat()
    page.fill("#act-answer input[name=checkpoint]", checkpoint)
    shot(page, "22-answer-form")
    page.click("#act-answer button[type=submit]")
    page.wait_for_selector(".flash.success")
    card = page.inner_text("#stall")
    assert "投资方融资方案调整" in card and checkpoint in card and "officer" in card
    shot(page, "23-project-answered")

    # The answer shows in the alert list too.
    page.click("nav.mainnav >> text=停滞项目")
    listing = page.inner_text("table.stalled")
    assert "已回复" in listing and "投资方融资方案调整" in listing
    shot(page, "24-stalled-list-answered")
    context.close()

    # The leader's dashboard counts it.
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    sign_in(page, base, "leader")
    assert "1 / 0" in page.inner_text("#stall-figures")  # answered / escalated
    page.locator("#stall-figures").scroll_into_view_if_needed()
    shot(page, "25-dashboard-stall-figures")
    page.close()

    assert not errors, errors
    row = runtime.db.fetchone("SELECT cause, answered_by, is_open FROM rm_alerts")
    assert row == {
        "cause": "投资方融资方案调整，资金未到位",
        "answered_by": "officer",
        "is_open": 1,
    }


def test_admin_policy_page(
    stall_server: tuple[str, Runtime, str], browser: Any
) -> None:
    base, _, _ = stall_server
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    sign_in(page, base, "admin")
    page.goto(f"{base}/admin/stall-policy")
    page.fill("#f-negotiating", "100")
    page.fill("#f-reason", "【示例】按年度考核调整")
    page.click("#policy-form button[type=submit]")
    page.wait_for_selector(".flash.success")
    assert "100 / 180 / 365" in page.inner_text("table.policy-history")
    shot(page, "26-admin-stall-policy")
