"""Real headless Chromium: a leader issues a 督办, the officer replies (notified in
the header), the leader 办结s it; the 督办单 prints alone.

Same setup as the other browser tests (tests/web/helpers.py): Debian's
chromium, waitress on a free 127.0.0.1 port, skipped with the reason when
chromium is missing, failing under CI=true.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

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
NAME = "【示例】督办浏览器测试项目"


@pytest.fixture(name="sv_server")
def sv_server_fixture(tmp_path: Path) -> Iterator[tuple[str, Runtime, str]]:
    """A server with a leader and an officer and one project of the officer's."""
    with serving_project(
        tmp_path,
        (("leader", "leader"), ("officer", "officer")),
        name=NAME,
        investor="【示例】某装备有限公司",
        industry="robotics",
        zone="mudu",
        planned_investment="20000",
    ) as served:
        yield served


def test_the_supervision_lifecycle_in_a_browser(
    sv_server: tuple[str, Runtime, str], browser: Any
) -> None:
    base, runtime, pid = sv_server
    due = (today() + timedelta(days=2)).isoformat()
    errors: list[str] = []

    # The leader issues a 督办 from the project page.
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    errors += console_errors(page)
    sign_in(page, base, "leader")
    page.goto(f"{base}/projects/{pid}")
    page.click("#act-supervise summary")
    page.fill("#act-supervise textarea[name=requirement]", "请两周内协调解决用地指标")
    page.fill("#act-supervise input[name=due_on]", due)
    page.fill("#act-supervise input[name=lead_unit]", "区资规分局")
    page.fill("#act-supervise input[name=partner_units]", "区发改局、区住建局")
    page.click("#act-supervise button[type=submit]")
    page.wait_for_selector("#sheet")
    number = f"督办〔{today().year}〕1号"
    sheet = page.inner_text("#sheet")
    assert number in sheet and "区发改局、区住建局" in sheet and "临期" in sheet
    shot(page, "40-supervision-issued")
    page.close()

    # The officer sees it in the header's count and on their work list, replies.
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    errors += console_errors(page)
    sign_in(page, base, "officer")
    assert page.inner_text("#unread-count") == "1"
    page.click("nav.mainnav >> text=我的待办")
    assert number in page.inner_text("#todo-supervisions")
    page.click(f"#todo-supervisions >> text={number}")
    page.fill("#form-reply textarea[name=note]", "已与资规分局对接，指标下周落实")
    page.click("#form-reply button[type=submit]")
    page.wait_for_selector(".flash.success")
    assert page.inner_text("#sv-status") == "已回复"
    assert page.locator("#form-close").count() == 0
    page.close()

    # The leader is notified of the reply and closes it (办结).
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    errors += console_errors(page)
    sign_in(page, base, "leader")
    assert page.inner_text("#unread-count") == "1"
    page.click(".notices-link")
    page.click("#notices >> text=督办已回复")
    page.wait_for_selector("#form-close")
    page.fill("#form-close textarea[name=note]", "同意办结")
    page.click("#form-close button[type=submit]")
    page.wait_for_selector(".flash.success")
    assert page.inner_text("#sv-status") == "已办结"
    assert page.locator("#form-reply").count() == 0
    # Printed, the 督办单 stands alone: no navigation, no forms.
    page.emulate_media(media="print")
    assert not page.locator("nav.mainnav").is_visible()
    assert page.locator("#sheet").is_visible()
    assert not page.locator(".action-list").is_visible()
    shot(page, "41-supervision-printed")
    page.emulate_media(media="screen")
    # The overview lists it among the closed ones.
    page.goto(f"{base}/supervisions?status=closed")
    assert number in page.inner_text("#supervision-list")
    page.close()

    assert not errors, errors
    kinds = [type(e).__name__ for e in runtime.app.events.get(UUID(pid))]
    assert kinds[-3:] == [
        "SupervisionIssued",
        "SupervisionReplied",
        "SupervisionClosed",
    ]
