"""Auditor pages: history download, as-of views, enterprise history, monthly
report, audit verification — read-only roles allowed, every 4xx path."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import openpyxl
import pytest
from flask.testing import FlaskClient

from domain.clock import today
from domain.uscc import check_character
from gxtrack.bootstrap import Runtime
from tests.web.pages_fixtures import (  # noqa: F401 - fixtures
    app_fixture,
    client_fixture,
    login,
    page_runtime_fixture,
    page_text,
    register,
)

INJECTION = '=HYPERLINK("http://example.invalid","x")'


@pytest.fixture(name="project")
def project_fixture(page_runtime: Runtime) -> dict:
    """A project at version 3: registered, signed, then a formula-like note."""
    project = register(page_runtime, stage_date=today() - timedelta(days=30))
    leader = page_runtime.app.actor_for("leader")
    app = page_runtime.app
    app.move_project(leader, project["id"], "signed", today() - timedelta(days=10))
    app.report_progress(leader, project["id"], today(), INJECTION)
    page_runtime.wait_for_read_models()
    return app.get_project(project["id"])


@pytest.fixture(name="enterprise")
def enterprise_fixture(page_runtime: Runtime) -> dict:
    first17 = "91320506MA0000001"
    leader = page_runtime.app.actor_for("leader")
    found = page_runtime.app.register_enterprise(
        leader, first17 + check_character(first17), "【示例】精密科技有限公司"
    )
    page_runtime.wait_for_read_models()
    return found


@pytest.mark.parametrize("name", ["auditor", "viewer", "officer", "leader"])
def test_project_history_downloads_as_xlsx_with_formulas_neutralised(
    client: FlaskClient, project: dict, name: str
) -> None:
    login(client, name)
    page = page_text(client.get(f"/projects/{project['id']}"))
    assert f"/projects/{project['id']}/history.xlsx" in page
    response = client.get(f"/projects/{project['id']}/history.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("版本", "事项", "记录时间（北京时间）")
    assert {r[0] for r in rows[1:]} == {1, 2, 3}
    texts = [v for r in rows for v in r if isinstance(v, str)]
    assert "'" + INJECTION in texts
    assert not any(t.startswith(("=", "+", "@")) for t in texts)


def test_project_as_of_version_and_instant(
    client: FlaskClient, project: dict, page_runtime: Runtime
) -> None:
    login(client, "auditor")
    pid = project["id"]
    first = page_text(client.get(f"/projects/{pid}/as-of?version=1"))
    assert "只读历史视图" in first and "版本 1 / 3" in first
    assert 'class="badge stage-negotiating"' in first or "在谈" in first
    assert "expected_version" not in first  # read-only: no action forms
    history = page_runtime.app.project_history(pid)
    signed_at = history[1]["recorded_at"]
    at = page_text(client.get(f"/projects/{pid}/as-of", query_string={"at": signed_at}))
    assert "版本 2 / 3" in at
    # The per-version links in the as-of view.
    assert f"/projects/{pid}/as-of?version=1" in first


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("", 422),
        ("?version=abc", 422),
        ("?version=0", 422),
        ("?version=99", 422),
        ("?at=yesterday", 422),
        ("?at=1999-01-01T00:00:00", 404),
    ],
)
def test_as_of_bad_input(
    client: FlaskClient, project: dict, query: str, status: int
) -> None:
    login(client, "auditor")
    response = client.get(f"/projects/{project['id']}/as-of{query}")
    assert response.status_code == status
    assert "Traceback" not in page_text(response)


def test_unknown_project_is_404(client: FlaskClient) -> None:
    login(client, "auditor")
    assert client.get("/projects/not-an-id/history.xlsx").status_code == 404
    assert client.get("/projects/not-an-id/as-of?version=1").status_code == 404


def test_enterprise_history_page_and_xlsx(
    client: FlaskClient, enterprise: dict
) -> None:
    login(client, "auditor")
    eid = enterprise["id"]
    assert f"/enterprises/{eid}/history" in page_text(client.get(f"/enterprises/{eid}"))
    page = page_text(client.get(f"/enterprises/{eid}/history"))
    assert (
        "企业决策记录" in page and "登记" in page and "【示例】精密科技有限公司" in page
    )
    response = client.get(f"/enterprises/{eid}/history.xlsx")
    assert response.status_code == 200
    assert client.get("/enterprises/nope/history").status_code == 404


def test_monthly_report_on_screen_and_as_xlsx(
    client: FlaskClient, project: dict
) -> None:
    login(client, "viewer")
    month = today().strftime("%Y-%m")
    page = page_text(client.get(f"/reports/monthly?month={month}"))
    assert "上报时数量" in page and "更正后数量" in page and "新签约" in page
    known = today().isoformat()
    response = client.get(f"/reports/monthly.xlsx?month={month}&as_known_on={known}")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == [
        "月报",
        "更正差异",
        "停滞项目",
        "分板块完成投资",
        "分产业完成投资",
    ]
    # Default month (the previous one) renders too.
    assert client.get("/reports/monthly").status_code == 200


@pytest.mark.parametrize(
    "query",
    ["?month=2026-13", "?month=abc", "?month=2026-1", "?month=2026-05&as_known_on=x"],
)
def test_monthly_report_bad_input_is_422(client: FlaskClient, query: str) -> None:
    login(client, "auditor")
    response = client.get(f"/reports/monthly{query}")
    assert response.status_code == 422
    assert 'role="alert"' in page_text(response)
    assert client.get(f"/reports/monthly.xlsx{query}").status_code == 422


@pytest.mark.parametrize("name", ["auditor", "admin", "leader"])
def test_audit_page_shows_verification_and_anchor(
    client: FlaskClient, project: dict, page_runtime: Runtime, name: str
) -> None:
    login(client, name)
    page = page_text(client.get("/audit"))
    assert "校验通过" in page
    response = client.get("/audit/anchor.jsonl")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    anchor = json.loads(response.get_data(as_text=True))
    assert anchor["digest"] in page and anchor["position"] > 0
    # The next view walks only what was recorded since, and says when the
    # last full walk ran.
    again = page_text(client.get("/audit"))
    assert "上次全量校验" in again and "通过" in again
    assert "本次校验了上次校验之后新增的 0 个事件" in again


@pytest.mark.parametrize("name", ["officer", "viewer"])
def test_audit_page_is_for_auditors_admins_leaders(
    client: FlaskClient, name: str
) -> None:
    login(client, name)
    assert client.get("/audit").status_code == 403
    assert client.get("/audit/anchor.jsonl").status_code == 403


def test_anonymous_visitors_are_sent_to_login(client: FlaskClient) -> None:
    for path in ("/audit", "/reports/monthly", "/projects/x/history.xlsx"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_monthly_xlsx_neutralises_formula_text() -> None:
    from gxtrack.app.reports.monthly_xlsx import write_monthly_xlsx

    report = {
        "month": "2026-05",
        "business_date": "2026-05-31",
        "known_at": "2026-06-05T00:00:00+08:00",
        "now": "2026-11-26T00:00:00+08:00",
        "rows": [
            {
                "section_label": "=1+1",
                "dimension": "zone",
                "label": "@SUM(A1)",
                "known_count": 1,
                "known_investment": "-5",
                "now_count": 1,
                "now_investment": "5",
                "changed": False,
            }
        ],
        "corrections": [
            {
                "id": "x",
                "name": "+cmd",
                "what": "new_signed",
                "known": None,
                "now": None,
            }
        ],
        "stalled": [
            {
                "id": "y",
                "name": "-2",
                "stage": "signed",
                "level": "red",
                "days": 400,
                "rule": "=r",
                "officer": "o",
            }
        ],
    }
    buffer = io.BytesIO()
    write_monthly_xlsx(report, buffer)  # type: ignore[arg-type]
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    texts = [
        v
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for v in row
        if isinstance(v, str)
    ]
    assert {"'=1+1", "'@SUM(A1)", "'+cmd", "'-2", "'=r"} <= set(texts)
    assert not any(t.startswith(("=", "+", "-", "@")) for t in texts)


def test_every_spreadsheet_the_pages_write_neutralises_formulas(
    client: FlaskClient, page_runtime: Runtime
) -> None:
    project = register(page_runtime, name="@SUM(A1)【示例】", investor="-1+2 有限公司")
    leader = page_runtime.app.actor_for("leader")
    page_runtime.app.report_progress(leader, project["id"], today(), "+cmd|' /C calc'")
    page_runtime.wait_for_read_models()
    login(client, "auditor")
    texts: list[str] = []
    for url in (
        "/projects/export.xlsx",
        f"/projects/{project['id']}/history.xlsx",
        f"/reports/monthly.xlsx?month={today():%Y-%m}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        book = openpyxl.load_workbook(io.BytesIO(response.data))
        texts += [
            v
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for v in row
            if isinstance(v, str)
        ]
    csv_text = client.get("/projects/export.csv").get_data(as_text=True)
    texts += [cell for line in csv_text.splitlines() for cell in line.split(",")]
    assert "'@SUM(A1)【示例】" in texts and "'+cmd|' /C calc'" in texts
    assert not [t for t in texts if t.lstrip("\ufeff").startswith(("=", "+", "-", "@"))]


def test_monthly_report_lists_the_longest_stalled_and_counts_them_all(
    client: FlaskClient, page_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gxtrack.app.reports import monthly

    monkeypatch.setattr(monthly, "STALLED_SHOWN", 2)
    for days in (120, 300, 200):
        register(
            page_runtime, f"【示例】停滞{days}天", stage_date=today() - timedelta(days)
        )
    register(page_runtime, "【示例】新项目", stage_date=today())
    login(client, "leader")
    month = today().strftime("%Y-%m")
    api = monthly.monthly_report(page_runtime.db, month)
    assert [s["days"] for s in api["stalled"]] == [300, 200]
    assert (api["stalled_total"], api["stalled_as_of"]) == (3, today().isoformat())
    page = page_text(client.get(f"/reports/monthly?month={month}"))
    assert "停滞300天" in page and "停滞200天" in page and "停滞120天" not in page
    assert "全部 3 个见" in page and f"/stalled?as_of={today().isoformat()}" in page
    response = client.get(f"/reports/monthly.xlsx?month={month}")
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.data))["停滞项目"].iter_rows(
            values_only=True
        )
    )
    assert [r[3] for r in rows[1:3]] == [300, 200]
    assert rows[3][0] == "共 3 个停滞项目，此处列出停滞最久的 2 个"
    # The workbook is kept until the read models move: an event shows.
    register(page_runtime, "【示例】停滞400天", stage_date=today() - timedelta(400))
    response = client.get(f"/reports/monthly.xlsx?month={month}")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data))["停滞项目"]
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[3] for r in rows[1:3]] == [400, 300]
    assert rows[3][0] == "共 4 个停滞项目，此处列出停滞最久的 2 个"
