"""Real headless Chromium: one project, one judgement, on every page.

The dashboard, the pool's 预警 column, the project page and /stalled show the
same level for the same project before any scan, and again after one; an
exempted project is stalled on none of them.
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
    browser_runtime,
    console_errors,
    serving,
    shot,
    sign_in,
)

pytestmark = pytest.mark.browser
# name → (days in 在谈, the level every page must show)
PROJECTS = {
    "【示例】红色停滞项目": (200, "red"),
    "【示例】黄色停滞项目": (100, "yellow"),
    "【示例】正常推进项目": (10, "none"),
    "【示例】暂缓项目": (150, "none"),
}
# Each row with a project link: the level of its first stall badge, or none.
ROW_LEVELS = """() => {
  const out = {};
  for (const tr of document.querySelectorAll('table tbody tr')) {
    const a = tr.querySelector('a');
    if (!a) continue;
    const b = tr.querySelector('.badge.stall-red, .badge.stall-yellow');
    out[a.textContent.trim()] = b
      ? (b.classList.contains('stall-red') ? 'red' : 'yellow') : 'none';
  }
  return out;
}"""


@pytest.fixture(name="truth_server")
def truth_server_fixture(tmp_path: Path) -> Iterator[tuple[str, Runtime, dict]]:
    """A leader and the four projects, one of them exempted."""
    runtime = browser_runtime(tmp_path, ("leader", "leader"))
    leader = runtime.app.actor_for("leader")
    ids = {}
    for name, (days, _level) in PROJECTS.items():
        ids[name] = runtime.app.register_project(
            leader,
            name=name,
            investor="【示例】某公司",
            industry="green",
            zone="mudu",
            planned_investment="1000",
            stage_date=today() - timedelta(days=days),
        )["id"]
    runtime.app.exempt_stall(
        leader, ids["【示例】暂缓项目"], "等待土地指标", today() + timedelta(days=60)
    )
    runtime.wait_for_read_models()
    with serving(runtime) as base:
        yield base, runtime, ids
    runtime.close()


def levels_everywhere(page: Any, base: str, ids: dict) -> dict[str, dict[str, str]]:
    """page name → project name → the level that page shows."""
    seen: dict[str, dict[str, str]] = {}
    for where, url in (
        ("dashboard", "/"),
        ("pool", "/projects?page_size=200"),
        ("stalled", "/stalled"),
    ):
        page.goto(base + url)
        rows = page.evaluate(ROW_LEVELS)
        seen[where] = {name: rows.get(name, "none") for name in PROJECTS}
    seen["project"] = {}
    for name, pid in ids.items():
        page.goto(f"{base}/projects/{pid}")
        found = page.query_selector("#stall-judgement")
        level = found.get_attribute("data-level") if found else "none"
        seen["project"][name] = level
    return seen


def test_the_same_project_is_judged_the_same_on_every_page(
    truth_server: tuple[str, Runtime, dict], browser: Any
) -> None:
    base, runtime, ids = truth_server
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors = console_errors(page)
    sign_in(page, base, "leader")
    expected = {name: level for name, (_days, level) in PROJECTS.items()}

    # Before any scan: every page judges today, with the policy in force.
    before = levels_everywhere(page, base, ids)
    for where, levels in before.items():
        assert levels == expected, where
    shot(page, "stall-truth-before-scan")

    # The leader scans from the stalled page; nothing any page shows changes.
    page.goto(f"{base}/stalled")
    page.fill("#f-scan-as_of", today().isoformat())
    page.click("#scan-form button[type=submit]")
    page.wait_for_selector(".flash.success")
    assert "新增预警 2 个" in page.inner_text(".flash.success")
    after = levels_everywhere(page, base, ids)
    assert after == before
    shot(page, "stall-truth-after-scan")
    assert errors == []
    context.close()
