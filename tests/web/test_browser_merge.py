"""A leader merges a duplicate in a real browser: the form, the tick, the redirect."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clock import today
from tests.web.helpers import (  # noqa: F401 - fixtures
    browser_fixture,
    console_errors,
    server_fixture,
    shot,
    sign_in,
)

pytestmark = pytest.mark.browser


def test_a_leader_merges_a_duplicate_from_its_page(server, browser):
    base, runtime = server
    leader = runtime.app.actor_for("leader")
    fields = dict(
        investor="某某新能源有限公司",
        industry="green",
        zone="wzedz",
        planned_investment="50000",
        stage_date=today() - timedelta(days=30),
    )
    survivor = runtime.app.register_project(
        leader, name="【示例】储能电池项目", **fields
    )
    duplicate = runtime.app.register_project(
        leader, name="【示例】储能电池项目（二次登记）", **fields
    )
    runtime.wait_for_read_models()

    page = browser.new_page()
    errors = console_errors(page)
    sign_in(page, base, "leader")
    page.goto(f"{base}/projects/{duplicate['id']}")
    page.click("#act-merge summary")
    form = page.locator("#act-merge form")
    assert form.locator("select[name=into]").input_value() == survivor["id"]
    form.locator("textarea[name=reason]").fill("同一项目登记两次")
    # Without the tick the browser itself holds the form back.
    form.locator("button[type=submit]").click()
    assert page.url.endswith(f"/projects/{duplicate['id']}")
    assert runtime.app.get_project(duplicate["id"])["merged_into"] is None
    form.locator("input[name=confirm]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#merged-into")
    shot(page, "merged-duplicate")

    assert "已合并至" in page.inner_text("#merged-into")
    assert page.locator("#act-merge").count() == 0
    page.click("#merged-into a")
    page.wait_for_url(f"{base}/projects/{survivor['id']}")
    assert "并入重复项目" in page.inner_text("table.history")
    runtime.wait_for_read_models()
    assert runtime.app.get_project(duplicate["id"])["merged_into"] == survivor["id"]
    assert errors == []
