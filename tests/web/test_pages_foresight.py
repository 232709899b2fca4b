"""The forecast and backtest pages, the dashboard's forecast card, and the
what-if on the stall policy page."""

from __future__ import annotations

from datetime import date

from domain.permissions import Actor
from domain.users import Role
from tests.web.pages_fixtures import (  # noqa: F401 - fixtures
    app_fixture,
    client_fixture,
    login,
    page_runtime_fixture,
    page_text,
)

LEADER = Actor("leader", Role.LEADER)


def _project(runtime, stage, since, name, moves=()):
    project = runtime.app.register_project(
        LEADER,
        name=name,
        investor="【示例】某某有限公司",
        industry="robotics",
        zone="mudu",
        planned_investment="100",
        stage=stage,
        stage_date=since,
    )
    for to, day in moves:
        project = runtime.app.move_project(LEADER, project["id"], to, day)
    return project


def _measured_history(runtime):
    for n in range(10):
        _project(
            runtime,
            "signed",
            date(2024, 1, 1),
            f"【示例】已投产{n}",
            [("landed", date(2024, 6, 1)), ("producing", date(2024, 12, 1))],
        )
    _project(runtime, "signed", date(2026, 1, 1), "【示例】新签约")
    runtime.wait_for_read_models()


def test_the_forecast_page_shows_quarters_with_intervals(client, page_runtime):
    _measured_history(page_runtime)
    login(client, "viewer")
    page = page_text(client.get("/forecast?quarters=2"))
    assert "落地投产预测" in page and "80%区间" in page
    assert "竞争风险" in page  # the method is explained
    assert client.get("/forecast?quarters=9").status_code == 422


def test_the_forecast_page_says_when_history_is_insufficient(client):
    login(client, "officer")
    response = client.get("/forecast")
    assert response.status_code == 200
    assert "历史数据不足" in page_text(response)


def test_the_dashboard_shows_the_forecast_card(client):
    login(client, "leader")
    response = client.get("/")
    assert response.status_code == 200
    assert 'id="forecast-card"' in response.get_data(as_text=True)


def test_the_backtest_page_is_for_leaders_admins_and_auditors(client):
    for name, status in (
        ("viewer", 403),
        ("officer", 403),
        ("auditor", 200),
        ("leader", 200),
    ):
        login(client, name)
        response = client.get("/forecast/backtest?known=dated")
        assert response.status_code == status, name
    assert "区间覆盖率" in page_text(response)


def test_the_policy_page_tries_a_draft_on_past_weeks(client, page_runtime):
    _project(page_runtime, "negotiating", date(2026, 1, 1), "【示例】甲")
    _project(page_runtime, "signed", date(2025, 9, 1), "【示例】丙")
    page_runtime.wait_for_read_models()
    login(client, "admin")
    form = client.get("/admin/stall-policy")
    assert 'id="what-if-form"' in form.get_data(as_text=True)
    response = client.get(
        "/admin/stall-policy?thresholds.negotiating=60&from=2026-03-01&to=2026-03-10"
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "2026-W10" in html and "2026-W11" in html
    assert "【示例】甲" in html  # judged differently under the draft
    assert "whatif-chart" in html
    bad = client.get("/admin/stall-policy?thresholds.signed=0&from=2026-03-01")
    assert bad.status_code == 422
    assert "须在 1–3650 天之间" in page_text(bad)


def test_the_slippage_page_for_leaders_with_a_chart(client, page_runtime):
    project = _project(page_runtime, "negotiating", date(2026, 1, 1), "【示例】甲")
    page_runtime.app.revise_plan(LEADER, project["id"], {"signed": date(2026, 6, 1)})
    page_runtime.app.revise_plan(LEADER, project["id"], {"signed": date(2026, 8, 1)})
    page_runtime.wait_for_read_models()
    login(client, "viewer")
    assert client.get("/forecast/slippage").status_code == 403
    login(client, "leader")
    for grouping in ("officer", "zone", "industry"):
        response = client.get(f"/forecast/slippage?by={grouping}")
        assert response.status_code == 200
        html = page_text(response)
        assert "【示例】甲" in html and "svg" in html
    assert "牟都" in html or "机器人" in html
