"""Browser: a leader exports the pool from its page — progress, then the file —
and starts the audit page's full verification. Real headless Chromium against a
waitress server; skipped when chromium is missing (a failure when CI=true)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from gxtrack.bootstrap import Runtime
from tests.web.helpers import (  # noqa: F401 - fixtures
    browser_fixture,
    console_errors,
    server_fixture,
    shot,
    sign_in,
)

pytestmark = pytest.mark.browser


def test_leader_exports_the_pool_and_follows_its_progress(
    browser: Any, server: tuple[str, Runtime]
) -> None:
    base, runtime = server
    leader = runtime.app.actor_for("leader")
    for n in range(3):
        runtime.app.register_project(
            leader,
            name=f"【示例】导出项目{n}",
            investor="【示例】某投资方",
            industry="ngit",
            zone="mudu",
            planned_investment=str(1000 + n),
            stage_date=date(2025, 1, 2 + n),
        )
    runtime.wait_for_read_models()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = console_errors(page)
    sign_in(page, base, "leader")
    page.goto(f"{base}/projects?sort=name")
    page.click("#export-xlsx")
    page.wait_for_url(f"{base}/projects/export-runs/*")
    page.wait_for_selector("#export-download", timeout=20000)  # refreshed until done
    assert "导出完成，共 3 行" in page.inner_text("#export-run")
    shot(page, "export-1-done")
    with page.expect_download() as download:
        page.click("#export-download")
    data = Path(download.value.path()).read_bytes()
    rows = list(
        openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)
    )
    assert rows[0][0] == "项目名称" and [r[0] for r in rows[1:]] == [
        f"【示例】导出项目{n}" for n in range(3)
    ]
    assert rows[1][6].date() == date(2025, 1, 2)  # a real date cell
    assert not errors, errors


def test_leader_starts_the_full_verification(
    browser: Any, server: tuple[str, Runtime]
) -> None:
    base, _runtime = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = console_errors(page)
    sign_in(page, base, "leader")
    page.goto(f"{base}/audit")
    page.click("text=启动全量校验")
    page.wait_for_url(f"{base}/audit?run=*")
    # A locator, not a JavaScript string: the page's CSP forbids eval, which
    # wait_for_function needs whenever its first check does not pass.
    page.locator("#verify-run", has_text="完成").wait_for(timeout=20000)
    assert "全量校验完成：通过" in page.inner_text("#verify-run")
    assert "上次全量校验" in page.inner_text("#verify-status")
    shot(page, "audit-full-verify")
    assert not errors, errors
