"""Real headless Chromium against a real waitress server: the pages end to end.

The browser, the server and signing in are tests/web/helpers.py's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from domain.clock import today
from gxtrack.bootstrap import Runtime
from gxtrack.settings import Settings
from tests.web.helpers import (  # noqa: F401 - fixtures
    PASSWORD,
    browser_fixture,
    console_errors,
    server_fixture,
    serving,
    shot,
    sign_in,
)

pytestmark = pytest.mark.browser


def move(page: Any, when: str) -> None:
    """Open the move form on a project page and submit it."""
    page.click("#act-move summary")
    page.fill("#act-move input[name=date]", when)
    page.click("#act-move button[type=submit]")
    page.wait_for_selector(".flash.success")


def test_register_move_to_landed_see_pool_and_dashboard(
    server: tuple[str, Runtime], browser: Any
) -> None:
    base, runtime = server
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    errors = console_errors(page)
    sign_in(page, base, "officer")
    shot(page, "01-dashboard-empty")

    # Register a project through the form.
    page.click("text=项目池")
    page.click("text=登记项目")
    page.fill("#f-name", "【示例】浏览器测试智能制造项目")
    page.fill("#f-investor", "某智能装备有限公司")
    page.select_option("#f-industry", "robotics")
    page.select_option("#f-zone", "mudu")
    page.fill("#f-planned_investment", "两万八")
    page.click("form.formgrid button[type=submit]")
    # A bad amount comes back with the message next to the field, input kept.
    assert "必须是数字" in page.inner_text(".field.has-error")
    assert page.input_value("#f-name") == "【示例】浏览器测试智能制造项目"
    shot(page, "02-register-form-error")
    page.fill("#f-planned_investment", "28000")
    page.click("form.formgrid button[type=submit]")
    page.wait_for_selector("text=项目已登记")

    # Move it 在谈 → 签约 → 落地.
    day = today().isoformat()
    move(page, day)
    move(page, day)
    assert "落地（开工）" in page.inner_text("h1")
    shot(page, "03-project-landed")

    # The pool lists it among landed projects.
    page.goto(f"{base}/projects?stage=landed")
    assert "【示例】浏览器测试智能制造项目" in page.inner_text("table.pool")
    shot(page, "04-pool")

    # The dashboard counts it in the funnel.
    page.click("text=领导驾驶舱")
    landed_kpi = page.inner_text(".kpi.stage-landed strong")
    assert landed_kpi == "1"
    assert "28,000" in page.inner_text(".kpis")
    shot(page, "05-dashboard")
    assert not errors, errors
    row = runtime.db.fetchone("SELECT stage, officer FROM rm_projects")
    assert row == {"stage": "landed", "officer": "officer"}


def test_two_progress_notes_from_two_pages_are_both_kept(
    server: tuple[str, Runtime], browser: Any
) -> None:
    base, runtime = server
    leader = runtime.app.actor_for("leader")
    project = runtime.app.register_project(
        leader,
        name="【示例】并发修改测试项目",
        investor="某公司",
        industry="ngit",
        zone="wzedz",
        planned_investment="500",
    )
    runtime.wait_for_read_models()
    context = browser.new_context(viewport={"width": 1024, "height": 900})
    first = context.new_page()
    sign_in(first, base, "leader")
    second = context.new_page()
    url = f"{base}/projects/{project['id']}"
    first.goto(url)
    second.goto(url)
    for page, note in ((first, "第一次提交"), (second, "第二次提交")):
        page.click("#act-progress summary")
        page.fill("#act-progress input[name=date]", today().isoformat())
        page.fill("#act-progress textarea[name=note]", note)
    first.click("#act-progress button[type=submit]")
    first.wait_for_selector(".flash.success")
    # Two notes cannot contradict each other: the second, read at the same
    # version, is added too (no conflict to resolve by hand).
    second.click("#act-progress button[type=submit]")
    second.wait_for_selector(".flash.success")
    shot(second, "06-second-note-added")
    row = runtime.db.fetchone("SELECT version, progress_note FROM rm_projects")
    assert row == {"version": 3, "progress_note": "第二次提交"}
    context.close()


def test_tablet_width_and_english(server: tuple[str, Runtime], browser: Any) -> None:
    base, _ = server
    page = browser.new_page(viewport={"width": 800, "height": 1100})
    sign_in(page, base, "leader")
    page.click("text=English")
    page.wait_for_selector("text=Project funnel")
    shot(page, "07-dashboard-tablet-en")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 800


def test_sample_data_pages(tmp_path: Path, browser: Any) -> None:
    from gxtrack.app.demo import load_demo

    runtime = Runtime.open(Settings(data_dir=tmp_path / "var"))
    load_demo(runtime, PASSWORD)
    # Stall flags come from the weekly scan (built elsewhere); mark two by hand.
    with runtime.db.transaction() as cur:
        cur.execute(
            "UPDATE rm_projects SET stall_level = 'red', stall_days = 400"
            " WHERE id IN (SELECT id FROM rm_projects WHERE stage = 'negotiating'"
            " ORDER BY id LIMIT 2)"
        )
    with serving(runtime) as base:
        _tour_sample_pages(browser, base)
    runtime.close()


def _tour_sample_pages(browser: Any, base: str) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    errors = console_errors(page)
    sign_in(page, base, "admin")
    assert page.inner_text(".kpi strong") == "60"
    assert page.locator("svg.chart rect").count() > 10
    shot(page, "10-sample-dashboard")
    page.click("text=项目池")
    assert "共 60 个项目" in page.inner_text("h1")
    shot(page, "11-sample-pool")
    page.click("table.pool tbody tr:first-child a")
    page.wait_for_selector("text=决策记录")
    shot(page, "12-sample-project")
    page.click("text=企业梯度培育")
    page.click("table.data tbody tr:first-child a")
    page.wait_for_selector("ol.ladder")
    shot(page, "13-sample-enterprise")
    page.click("text=系统管理")
    assert "officer_mudu" in page.inner_text("table.data")
    shot(page, "14-admin-users")
    assert not errors, errors
