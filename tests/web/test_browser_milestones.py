"""Real headless Chromium: the officer updates nodes on the project page's timeline.

Same setup as the other browser tests (tests/web/helpers.py): Debian's
chromium, waitress on a free 127.0.0.1 port, skipped with the reason when
chromium is missing, failing under CI=true.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

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


@pytest.fixture(name="node_server")
def node_server_fixture(tmp_path: Path) -> Iterator[tuple[str, Runtime, str]]:
    """A server with an officer and a project signed 60 days ago."""
    with serving_project(
        tmp_path,
        (("officer", "officer"),),
        name="【示例】节点浏览器测试项目",
        investor="【示例】某装备有限公司",
        industry="robotics",
        zone="mudu",
        planned_investment="50000",
        stage="signed",
        stage_date=today() - timedelta(days=60),
    ) as served:
        yield served


def test_the_node_timeline_in_a_browser(browser, node_server) -> None:
    base, runtime, pid = node_server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = console_errors(page)
    sign_in(page, base, "officer")
    page.goto(f"{base}/projects/{pid}")
    assert page.locator("ol.nodeline li.node").count() == 13
    # Plan 能评 for a week ago: the timeline marks it overdue.
    row = page.locator("#node-energy_review")
    row.locator("details.node-edit summary").click()
    week_ago = (today() - timedelta(days=7)).isoformat()
    row.locator("input[name=planned_on]").fill(week_ago)
    row.locator("input[name=unit]").fill("发改局")
    row.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/projects/{pid}")
    node = page.locator('ol.nodeline li[data-code="energy_review"]')
    assert node.get_attribute("data-state") == "overdue"
    assert "逾期 7 天" in node.inner_text()
    assert "逾期 1 个" in page.locator(".node-summary").inner_text()
    # 开工 done yesterday: the node is done and the project is 落地.
    row = page.locator("#node-groundbreaking")
    row.locator("details.node-edit summary").click()
    row.locator("input[name=done_on]").fill((today() - timedelta(days=1)).isoformat())
    row.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/projects/{pid}")
    gate = page.locator('ol.nodeline li[data-code="groundbreaking"]')
    assert gate.get_attribute("data-state") == "done"
    assert runtime.app.get_project(pid)["stage"] == "landed"
    shot(page, "milestones-timeline")
    assert errors == []
