"""Browser: a leader imports a ledger — template, a bad row, the fix, confirm —
and browses the audit views. Real headless Chromium against a waitress server;
skipped when chromium is missing (a failure when CI=true). Screenshots go to
test-artifacts/browser/ (gitignored)."""

from __future__ import annotations

import io
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

ROWS = [
    ["1", "【示例】浏览器导入项目甲", "【示例】投资方甲", "机器人与智能制造", "木渎镇"]
    + ["8000", "2023-01-01", "2023-02-01", "2023-06-01"],
    ["2", "【示例】浏览器导入项目乙", "【示例】投资方乙", "生物医药", "木渎镇"]
    + ["1.5亿", "2023-03-01", "", ""],
]


def fill_template(template: bytes, industry_of_row_2: str, folder: Path) -> Path:
    """The downloaded template with our rows below its example row."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    wanted = ["序号", "项目名称", "投资方", "产业类别", "落户板块", "总投资（万元）"]
    wanted += ["入库日期", "签约日期", "开工日期"]
    for values in ROWS:
        row = [None] * len(headers)
        for header, value in zip(wanted, values, strict=True):
            row[headers.index(header)] = value
        sheet.append(row)
    sheet.cell(row=4, column=headers.index("产业类别") + 1, value=industry_of_row_2)
    path = folder / "台账.xlsx"
    book.save(path)
    return path


def test_leader_imports_a_ledger_after_fixing_a_bad_row(
    browser: Any, server: tuple[str, Runtime], tmp_path: Path
) -> None:
    base, runtime = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = console_errors(page)
    sign_in(page, base, "leader")

    # Download the template from the import page.
    page.click("text=台账导入")
    page.wait_for_url(f"{base}/imports/ledger")
    shot(page, "import-1-upload")
    with page.expect_download() as download:
        page.click("text=下载台账模板 (.xlsx)")
    template = Path(download.value.path()).read_bytes()

    # Upload a ledger with one bad row: the row and column are named.
    before = runtime.app.recorder.max_notification_id() or 0
    bad = fill_template(template, "生物医", tmp_path)
    page.set_input_files("#f-file", str(bad))
    page.click("text=上传并预览")
    page.wait_for_selector("#problems")
    problems = page.inner_text("#problems")
    assert "第 4 行「产业类别」" in problems, problems
    assert "生物医药及大健康" in problems  # the closest known industry
    assert page.locator("#confirm-import").count() == 0
    shot(page, "import-2-bad-row")
    assert (runtime.app.recorder.max_notification_id() or 0) == before

    # Fix the file and upload again: a clean preview, then confirm.
    page.click("text=批量导入项目台账")
    good = fill_template(template, "生物医药及大健康", tmp_path)
    page.set_input_files("#f-file", str(good))
    page.click("text=上传并预览")
    page.wait_for_selector("#confirm-import")
    assert "示例行，已跳过" in page.inner_text("#preview-rows")
    shot(page, "import-3-preview")
    page.click("#confirm-import")
    page.wait_for_selector("#import-result")
    shot(page, "import-4-result")

    # The projects are in the pool.
    page.click("text=查看项目池")
    page.wait_for_load_state()
    text = page.inner_text("main")
    assert "【示例】浏览器导入项目甲" in text and "【示例】浏览器导入项目乙" in text
    shot(page, "import-5-pool")

    # The imported project's history, an earlier version, the monthly report, audit.
    page.click("text=【示例】浏览器导入项目甲")
    page.wait_for_selector(".history-tools")
    shot(page, "audit-1-project")
    page.fill("#asof-version", "1")
    page.click("text=查看当时状态")
    page.wait_for_selector("#asof-banner")
    shot(page, "audit-2-as-of")
    page.click("text=月报")
    page.wait_for_selector("form.inline-form")
    page.fill("#f-month", "2023-03")
    page.click("text=生成")
    page.wait_for_selector("#report-rows")
    shot(page, "audit-3-monthly")
    page.click("nav >> text=审计")
    page.wait_for_selector("#verify-status")
    assert "校验通过" in page.inner_text("#verify-status")
    shot(page, "audit-4-verify")
    assert errors == []
