"""The pool page (filters, sort, paging), its exports, and the dashboard."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from domain.clock import today
from domain.clock import today as bureau_today
from gxtrack.bootstrap import Runtime
from gxtrack.readmodels.engine import memo
from tests.web.pages_fixtures import (  # noqa: F401 - fixtures
    app_fixture,
    client_fixture,
    login,
    page_runtime_fixture,
    page_text,
    register,
)
from web.pages.export import neutralise

HEADERS = ["项目名称", "投资方", "产业类别", "落户板块", "总投资（万元）", "当前阶段"]


@pytest.fixture(name="pool")
def pool_fixture(page_runtime: Runtime) -> dict[str, dict]:
    leader = page_runtime.app.actor_for("leader")
    made = {
        "a": register(page_runtime, "【示例】甲项目", planned_investment="500.25"),
        "b": register(
            page_runtime,
            "【示例】乙项目",
            investor='=HYPERLINK("http://x")',
            industry="biomed",
            zone="mudu",
            planned_investment="9000",
        ),
        "c": register(
            page_runtime,
            "【示例】丙项目",
            planned_investment="70",
            stage_date=today() - timedelta(days=5),
        ),
    }
    page_runtime.app.move_project(
        leader, made["c"]["id"], "signed", today() - timedelta(days=1)
    )
    page_runtime.wait_for_read_models()
    return made


def test_pool_lists_and_filters(client: FlaskClient, pool: dict) -> None:
    login(client, "viewer")
    page = page_text(client.get("/projects"))
    assert "共 3 个项目" in page
    assert all(p["name"] in page for p in pool.values())
    page = page_text(client.get("/projects?stage=signed"))
    assert "【示例】丙项目" in page and "【示例】甲项目" not in page
    page = page_text(client.get("/projects?zone=mudu&industry=biomed"))
    assert "共 1 个项目" in page and "【示例】乙项目" in page
    page = page_text(client.get("/projects?q=甲"))
    assert "共 1 个项目" in page
    page = page_text(client.get("/projects?stalled=true"))
    assert "没有符合条件的项目" in page
    page = page_text(
        client.get(f"/projects?officer=officer&as_of={today() - timedelta(days=2)}")
    )
    # Two days ago only 丙 existed, and it was still negotiating.
    assert "共 1 个项目" in page and "【示例】丙项目" in page
    assert "stage-negotiating" in page.split("<tbody>")[1]


def test_pool_sorts_and_pages(client: FlaskClient, pool: dict) -> None:
    login(client, "viewer")
    page = page_text(client.get("/projects?sort=-investment&page_size=20"))
    assert (
        page.index("【示例】乙项目")
        < page.index("【示例】甲项目")
        < page.index("【示例】丙项目")
    )
    first = page_text(client.get("/projects?sort=name&page_size=20&page=1"))
    assert "【示例】丙项目" in first
    assert "第 1 / 1 页" not in first  # a single page shows no pager


def test_a_page_past_the_end_counts_and_links_to_the_last_page(
    client: FlaskClient, pool: dict
) -> None:
    login(client, "viewer")
    past = client.get("/projects?sort=name&page_size=1&page=9")
    assert "共 3 个项目" in page_text(past) and "没有符合条件的项目" in page_text(past)
    assert "第 9 / 3 页" in page_text(past)
    # Back to the last page there is, not to page 8 (as empty as this one).
    html = past.get_data(as_text=True)
    assert re.search(r'href="[^"]*page=3[^"]*">‹ 最后一页', html)
    assert "上一页" not in html
    inside = client.get("/projects?sort=name&page_size=1&page=2")
    assert re.search(r'href="[^"]*page=1[^"]*">‹ 上一页', inside.get_data(as_text=True))


@pytest.mark.parametrize(
    "query",
    [
        "page_size=500",
        "page=0",
        "sort=evil",
        "as_of=yesterday",
        "stalled=maybe",
        "page=x",
    ],
)
def test_pool_bad_parameters_are_422(client: FlaskClient, query: str) -> None:
    login(client, "viewer")
    response = client.get(f"/projects?{query}")
    assert response.status_code == 422
    assert "输入有误" in page_text(response)


def test_xlsx_export_has_chinese_headers_and_rows(
    client: FlaskClient, pool: dict
) -> None:
    login(client, "auditor")
    response = client.get("/projects/export.xlsx?sort=-investment")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][: len(HEADERS)]) == HEADERS
    assert len(rows) == 4
    assert rows[1][:6] == (
        "【示例】乙项目",
        '\'=HYPERLINK("http://x")',
        "生物医药及大健康",
        "木渎镇",
        9000,
        "在谈",
    )
    assert float(rows[2][4]) == 500.25
    assert rows[3][5] == "签约" and rows[3][7].date() == today() - timedelta(days=1)


def test_xlsx_export_follows_filters(client: FlaskClient, pool: dict) -> None:
    login(client, "viewer")
    response = client.get("/projects/export.xlsx?zone=mudu")
    rows = list(
        load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
    )
    assert [r[0] for r in rows[1:]] == ["【示例】乙项目"]


def test_csv_export_is_utf8_with_bom_and_neutralised(
    client: FlaskClient, pool: dict
) -> None:
    login(client, "viewer")
    response = client.get("/projects/export.csv?sort=name")
    assert response.status_code == 200
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][: len(HEADERS)] == HEADERS
    investors = {r[0]: r[1] for r in rows[1:]}
    assert investors["【示例】乙项目"] == '\'=HYPERLINK("http://x")'
    assert len(rows) == 4


def test_exports_need_login(client: FlaskClient) -> None:
    assert client.get("/projects/export.xlsx").status_code == 302
    assert client.get("/projects/export.csv").status_code == 302


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("正常文本", "正常文本"),
        (12, 12),
        (None, None),
    ],
)
def test_neutralise_formula_starts(value: object, expected: object) -> None:
    assert neutralise(value) == expected


def test_dashboard_shows_funnel_breakdowns_and_sections(
    client: FlaskClient, page_runtime: Runtime, pool: dict
) -> None:
    login(client, "leader")
    response = client.get("/")
    assert response.status_code == 200
    page = page_text(response)
    assert "<svg" in page and "项目漏斗" in page
    assert "9,570.25" in page  # total investment of the three projects
    assert "生物医药及大健康" in page and "木渎镇" in page
    assert "转化率与阶段用时" in page and "66.7%" not in page
    # Time in stage: one row per stage a project passes through, in order.
    rows = re.findall(r"<tr><td>(在谈|签约|落地（开工）|投产)</td>", page)
    assert rows[-3:] == ["在谈", "签约", "落地（开工）"]
    assert "今天没有停滞项目" in page
    assert "尚未设置年度目标" in page
    # 95 days in 在谈 (threshold 90): stalled today, scan or no scan.
    with page_runtime.db.transaction() as cur:
        cur.execute(
            "UPDATE rm_projects SET stage_date = ? WHERE id = ?",
            ((bureau_today() - timedelta(days=95)).isoformat(), pool["a"]["id"]),
        )
    # A row written outside the event log moves no read model: the figures
    # kept since the first view are dropped by hand.
    memo.forget(page_runtime.db)
    page = page_text(client.get("/"))
    assert "黄色预警" in page and "【示例】甲项目" in page


def test_dashboard_as_of_and_bad_date(client: FlaskClient, pool: dict) -> None:
    login(client, "viewer")
    past = (today() - timedelta(days=30)).isoformat()
    page = page_text(client.get(f"/?as_of={past}"))
    assert "回到今天" in page
    assert client.get("/?as_of=2024-02-30").status_code == 422


def test_dashboard_in_english(client: FlaskClient, pool: dict) -> None:
    login(client, "leader")
    page = page_text(client.get("/?lang=en"))
    assert "Project funnel" in page and "Negotiating" in page
