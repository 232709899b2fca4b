"""People by display name, codes in Chinese, exports that look finished.

One project, registered by an officer known as 王芳, left in 在谈 long enough to
be flagged red and answered: the pages, the history .xlsx, the pool export and
the monthly report must show 王芳 (not `wangfang`), 红色预警 (not `red`),
阶段停留超期 (not `stage_threshold`), the zone and industry by name, Beijing time
to the second, real date cells, and Chinese download names.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from urllib.parse import quote

import openpyxl
import pytest
from flask.testing import FlaskClient

from domain.clock import BUREAU_TZ, today
from domain.permissions import Actor
from gxtrack.bootstrap import Runtime
from tests.web.pages_fixtures import (  # noqa: F401 - fixtures
    app_fixture,
    client_fixture,
    login,
    page_runtime_fixture,
    page_text,
    register,
)


@pytest.fixture(name="flagged")
def flagged_fixture(page_runtime: Runtime) -> dict:
    app = page_runtime.app
    app.add_user(Actor.system(), "wangfang", "officer", None, display_name="王芳")
    page_runtime.wait_for_read_models()
    project = register(
        page_runtime,
        actor="wangfang",
        officer="wangfang",
        zone="mudu",
        industry="robotics",
        stage_date=today() - timedelta(days=400),
    )
    leader = app.actor_for("leader")
    app.run_stall_scan(leader)
    page_runtime.wait_for_read_models()
    current = app.get_project(project["id"])
    app.answer_stall(
        app.actor_for("wangfang"),
        project["id"],
        "土地指标未落实",
        "本月协调",
        today() + timedelta(days=14),
        expected_version=current["version"],
    )
    page_runtime.wait_for_read_models()
    return app.get_project(project["id"])


def _rows(data: bytes, sheet: str | None = None) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return list((book[sheet] if sheet else book.active).iter_rows(values_only=True))


def test_pages_show_the_display_name_and_readable_history(client, flagged):
    login(client, "leader")
    page = page_text(client.get(f"/projects/{flagged['id']}"))
    assert "王芳" in page
    assert not re.search(r">\s*wangfang\s*<", page)
    assert "红色预警" in page
    assert not re.search(r"→\s*<ins>\s*red\s*</ins>", page)
    assert "cause=" not in page and "plan=" not in page
    assert "原因：土地指标未落实" in page
    pool = page_text(client.get("/projects"))
    assert '<option value="wangfang">王芳</option>' in pool
    assert re.search(r"<td>\s*王芳\s*</td>", pool)


def test_history_xlsx_is_chinese_in_beijing_time_with_a_chinese_name(
    client: FlaskClient, flagged: dict, page_runtime: Runtime
):
    login(client, "auditor")
    response = client.get(f"/projects/{flagged['id']}/history.xlsx")
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''" + quote(flagged["name"]) in disposition
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert "Event" not in rows[0]
    cells = [v for r in rows[1:] for v in r]
    assert "王芳" in cells and "wangfang" not in cells
    for code in ("red", "robotics", "mudu", "district", "negotiating"):
        assert code not in cells, code
    assert "红色预警" in cells and "木渎镇" in cells
    assert not [c for c in cells if isinstance(c, str) and "cause=" in c]
    first = page_runtime.app.project_history(flagged["id"])[0]
    recorded = datetime.fromisoformat(first["recorded_at"]).astimezone(BUREAU_TZ)
    assert rows[1][2] == recorded.replace(tzinfo=None, microsecond=0)
    assert isinstance(rows[1][3], datetime)  # the effective date is a date cell
    widths = [sheet.column_dimensions[c].width for c in "ABCDEFGHI"]
    assert widths[2] >= 19 and max(widths) > 10


def test_pool_export_and_monthly_report_are_readable(client, flagged):
    login(client, "leader")
    pool = client.get("/projects/export.xlsx")
    assert "filename*=UTF-8''" + quote("项目池") in pool.headers["Content-Disposition"]
    rows = _rows(pool.data)
    officer = rows[0].index("责任人")
    assert rows[1][officer] == "王芳"
    assert isinstance(rows[1][rows[0].index("阶段日期")], datetime)
    monthly = client.get(f"/reports/monthly.xlsx?month={today():%Y-%m}")
    assert quote("招商项目月报") in monthly.headers["Content-Disposition"]
    stalled = _rows(monthly.data, "停滞项目")
    assert stalled[1][2:6] == ("红色预警", 400, "阶段停留超期", "王芳")
    summary = _rows(monthly.data, "月报")
    assert not re.search(r"\.\d{6}", " ".join(str(v) for v in summary[0]))
