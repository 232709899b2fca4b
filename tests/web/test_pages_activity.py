"""The activity log page and its export: filters, roles, Beijing time, Chinese."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl

from domain.clock import today
from tests.web.pages_fixtures import (  # noqa: F401 - fixtures
    app_fixture,
    client_fixture,
    login,
    page_runtime_fixture,
    page_text,
    register,
)

INJECTION = '=HYPERLINK("http://example.invalid","x")'


def _decisions(page_runtime):
    project = register(page_runtime, stage_date=today() - timedelta(days=5))
    leader = page_runtime.app.actor_for("leader")
    page_runtime.app.move_project(
        leader, project["id"], "withdrawn", today(), INJECTION
    )
    page_runtime.wait_for_read_models()
    return project


def test_auditor_reads_every_decision_with_chinese_labels(client, page_runtime):
    project = _decisions(page_runtime)
    login(client, "auditor")
    html = page_text(client.get("/audit/activity"))
    assert "操作记录" in html and "终止" in html and "登记" in html
    assert f"/projects/{project['id']}" in html
    # Filtered by person: the leader's withdrawal only.
    html = page_text(client.get("/audit/activity?actor=leader"))
    assert "<td>终止</td>" in html and "<td>登记</td>" not in html
    html = page_text(client.get("/audit/activity?kind=project&type=Registered"))
    assert "共 1 条" in html


def test_the_nav_leads_there_for_the_roles_that_may_read_it(client, page_runtime):
    login(client, "leader")
    assert "/audit/activity" in page_text(client.get("/"))
    client.get("/logout")
    login(client, "officer")
    assert "/audit/activity" not in page_text(client.get("/"))
    assert client.get("/audit/activity").status_code == 403
    assert client.get("/audit/activity.xlsx").status_code == 403


def test_bad_dates_are_refused_on_the_page(client, page_runtime):
    login(client, "auditor")
    response = client.get("/audit/activity?from=2026-02-30")
    assert response.status_code == 422


def test_export_in_beijing_time_with_formulas_neutralised(client, page_runtime):
    _decisions(page_runtime)
    login(client, "admin")
    response = client.get("/audit/activity.xlsx?kind=project")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "时间（北京时间）"
    assert [r[3] for r in rows[1:]] == ["终止", "登记"]
    assert rows[1][6] == "'" + INJECTION
    stamp = page_runtime.db.scalar(
        "SELECT recorded_at FROM rm_activity ORDER BY position DESC LIMIT 1"
    )
    from datetime import datetime

    from domain.clock import BUREAU_TZ

    local = datetime.fromisoformat(stamp).astimezone(BUREAU_TZ)
    assert rows[1][0] == local.strftime("%Y-%m-%d %H:%M:%S")
