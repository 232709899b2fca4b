"""红黑榜 through the API and the pages: counts per zone, ranking, export, chart."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from domain.scorecard import period_of
from tests.web.api_fixtures import (  # noqa: F401 - fixtures
    API,
    TODAY,
    api_app_fixture,
    api_runtime_fixture,
    client_fixture,
    days_ago,
    register,
    tokens_fixture,
)


def test_zones_ranked_by_what_they_landed_this_month(client, tokens, api_runtime):
    first = period_of("month", TODAY).first
    this_month = first.isoformat()
    # mudu: two new 签约 this month; luzhi: one signed then landed this month,
    # and one project stalled (in 在谈 for 200 days).
    for name in ("甲", "乙"):
        register(
            client,
            tokens["officer1"],
            name=f"【示例】{name}",
            zone="mudu",
            stage="signed",
            stage_date=this_month,
        )
    p = register(
        client,
        tokens["officer1"],
        name="【示例】丙",
        zone="luzhi",
        stage="signed",
        stage_date=this_month,
    )
    client.post(
        f"{API}/projects/{p['id']}/stage",
        json={"to": "landed", "date": this_month, "expected_version": p["version"]},
        headers=tokens["officer1"],
    )
    register(
        client,
        tokens["officer1"],
        name="【示例】丁",
        zone="luzhi",
        stage_date=days_ago(200),
    )
    # Last month's 签约 does not count this month.
    register(
        client,
        tokens["officer1"],
        name="【示例】戊",
        zone="mudu",
        stage="signed",
        stage_date=(first - timedelta(days=1)).isoformat(),
    )
    r = client.get(f"{API}/scorecard?period=month", headers=tokens["viewer1"])
    assert r.status_code == 200, r.json
    rows = {row["zone"]: row for row in r.json["rows"]}
    assert (rows["mudu"]["signed"], rows["mudu"]["points"]) == (2, 2)
    assert (rows["luzhi"]["signed"], rows["luzhi"]["landed"]) == (1, 1)
    assert rows["luzhi"]["points"] == 3
    assert (rows["luzhi"]["stalled"], rows["luzhi"]["live"]) == (1, 2)
    assert rows["luzhi"]["stalled_share"] == 0.5
    assert [row["zone"] for row in r.json["rows"][:2]] == ["luzhi", "mudu"]
    assert (
        r.json["rows"][0]["board"] == "red" and r.json["rows"][-1]["board"] == "black"
    )
    assert (
        client.get(
            f"{API}/scorecard?period=year", headers=tokens["viewer1"]
        ).status_code
        == 422
    )


def test_the_page_chart_and_export(client, tokens, api_runtime):
    from tests.web.helpers import give_passwords, login

    register(
        client,
        tokens["officer1"],
        zone="mudu",
        stage="signed",
        stage_date=TODAY.isoformat(),
    )
    give_passwords(api_runtime, "viewer1")
    client.application.config["WTF_CSRF_ENABLED"] = False
    login(client, "viewer1")
    for period in ("week", "month", "quarter"):
        page = client.get(f"/scorecard?period={period}").get_data(as_text=True)
        assert 'id="scorecard"' in page and "<svg" in page and "红榜" in page
    dashboard = client.get("/").get_data(as_text=True)
    assert 'id="scorecard-card"' in dashboard
    response = client.get("/scorecard.xlsx?period=week")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("名次", "榜单", "板块")
    assert rows[2][0] == 1 and rows[2][3] == 1  # the top zone signed one
