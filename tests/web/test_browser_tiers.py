"""Headless Chromium: a leader awards a designation and sees ladder and targets.

Uses the server and browser fixtures of tests/web/helpers.py (skipped with
the reason when /usr/bin/chromium is missing; a failure when CI=true).
Screenshots go to test-artifacts/browser/ (gitignored).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from domain.clock import today
from domain.permissions import Actor
from domain.uscc import check_character
from domain.users import Role
from gxtrack.bootstrap import Runtime
from tests.web.helpers import (  # noqa: F401 - fixtures
    browser_fixture,
    console_errors,
    server_fixture,
    shot,
    sign_in,
)

pytestmark = pytest.mark.browser


def _seed(runtime: Runtime) -> str:
    """Two enterprises, a yearly target of 2 专精特新, one already achieved."""
    admin = Actor("admin", Role.ADMIN)
    leader = runtime.app.actor_for("leader")
    year = today().year
    runtime.app.set_target(admin, year, "srdi", 2)
    runtime.app.set_target(admin, year, "little_giant", 1)
    ids = []
    for n, zone in ((1, "mudu"), (2, "luzhi")):
        code = f"91320506MA{n:07d}"
        ids.append(
            runtime.app.register_enterprise(
                leader,
                code + check_character(code),
                f"【示例】精工{n}科技有限公司",
                zone=zone,
            )["id"]
        )
    earlier = max(date(year, 1, 1), today() - timedelta(days=30))
    runtime.app.award_designation(
        leader, ids[1], "innovative_sme", earlier - timedelta(days=400)
    )
    runtime.app.award_designation(leader, ids[1], "srdi", earlier)
    runtime.app.list_candidate(leader, ids[0], "little_giant", year, "officer")
    runtime.wait_for_read_models()
    return ids[0]


def test_leader_awards_a_designation_and_sees_ladder_and_targets(
    server: tuple[str, Runtime], browser: Any
) -> None:
    base, runtime = server
    eid = _seed(runtime)
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    errors = console_errors(page)
    sign_in(page, base, "leader")
    page.click("nav.mainnav >> text=企业梯度培育")
    assert "有梯度 1 家 / 共 2 家" in page.inner_text("main")
    shot(page, "tiers-01-enterprise-list")

    page.click("text=【示例】精工1科技有限公司")
    page.wait_for_url(f"{base}/enterprises/{eid}")
    assert page.locator("ol.ladder li.held").count() == 0
    certified = max(date(today().year, 1, 1), today() - timedelta(days=1))
    page.select_option("#f-designation", "srdi")
    page.fill("#f-certified_on", certified.isoformat())
    page.fill("#f-document_no", "【示例】苏工信〔2026〕8号")
    page.click("text=认定 >> xpath=ancestor-or-self::button")
    page.wait_for_selector(".flash.success")
    rung = page.locator('ol.ladder li[data-tier="srdi"]')
    assert "current" in rung.get_attribute("class")
    assert certified.isoformat() in rung.inner_text()
    assert "专精特新中小企业" in page.inner_text("h1")
    shot(page, "tiers-02-enterprise-awarded")

    page.click("nav.mainnav >> text=年度目标")
    bars = page.locator("svg.chart").first.text_content()
    assert "2 / 2" in bars and "0 / 1" in bars
    assert "【示例】精工1科技有限公司" in page.inner_text("#t-srdi-all")
    shot(page, "tiers-03-targets")

    page.goto(f"{base}/cultivation")
    assert "【示例】精工1科技有限公司" in page.inner_text("table.data")
    shot(page, "tiers-04-cultivation")
    page.click("nav.mainnav >> text=领导驾驶舱")
    assert "2 / 2" in page.inner_text("main")
    shot(page, "tiers-05-dashboard")
    assert not errors, errors
    row = runtime.db.fetchone(
        "SELECT designation, certified_on FROM rm_designations WHERE enterprise_id = ?",
        (eid,),
    )
    assert row == {"designation": "srdi", "certified_on": certified.isoformat()}
