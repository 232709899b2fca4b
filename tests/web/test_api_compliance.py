"""履约 through the API: promises, yearly actuals, the status and the lists."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from domain.agreement import Promises, YearResult, compliance
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

DAY = date(2026, 6, 1)


@pytest.mark.parametrize(
    ("stage", "promises", "results", "status"),
    [
        ("signed", None, {}, None),
        ("signed", Promises(producing_by=DAY), {}, "pending"),  # due today: not late
        ("signed", Promises(producing_by=DAY - timedelta(days=1)), {}, "unmet"),
        ("withdrawn", Promises(producing_by=date(2020, 1, 1)), {}, "pending"),
        ("producing", Promises(annual_output=D(100)), {}, "pending"),
        (
            "producing",
            Promises(annual_output=D(100)),
            {2025: YearResult(output=D(100))},
            "met",
        ),
        (
            "producing",
            Promises(annual_output=D(100)),
            {2025: YearResult(output=D(99))},
            "unmet",
        ),
        # 10 亩: 亩均税收 2 needs 20 of tax; intensity 50 needs 500 invested in all.
        ("producing", Promises(tax_per_mu=D(2)), {2025: YearResult(tax=D(20))}, "met"),
        (
            "producing",
            Promises(tax_per_mu=D(2)),
            {2025: YearResult(tax=D(19))},
            "unmet",
        ),
        (
            "producing",
            Promises(intensity=D(50)),
            {2024: YearResult(investment=D(300)), 2025: YearResult(investment=D(200))},
            "met",
        ),
    ],
)
def test_compliance_rule(stage, promises, results, status):
    assert compliance(promises, results, stage, D(10), DAY) == status


def test_promises_actuals_status_and_lists(client, tokens, api_runtime):
    h = tokens["officer1"]
    # Before signing there is nothing to promise.
    nego = register(client, h)["id"]
    r = client.post(
        f"{API}/projects/{nego}/promises",
        json={"annual_output": "100", "expected_version": 1},
        headers=h,
    )
    assert r.status_code == 422
    # Producing, promised 产值 1000 and 亩均税收 2 on 10 亩.
    p = register(client, h, stage="signed", stage_date=days_ago(400), land_area="10")
    pid = p["id"]
    for to, ago, v in (("landed", 300, 1), ("producing", 200, 2)):
        client.post(
            f"{API}/projects/{pid}/stage",
            json={"to": to, "date": days_ago(ago), "expected_version": v},
            headers=h,
        )
    r = client.post(
        f"{API}/projects/{pid}/promises",
        json={
            "annual_output": "1000",
            "tax_per_mu": "2",
            "reason": "协议第5条",
            "expected_version": 3,
        },
        headers=h,
    )
    assert r.status_code == 200, r.json
    assert r.json["agreement"]["status"] == "pending"
    year = TODAY.year
    r = client.post(
        f"{API}/projects/{pid}/results",
        json={"year": year, "output": "1200", "tax": "15", "expected_version": 4},
        headers=h,
    )
    assert r.json["agreement"]["status"] == "unmet"  # 1.5 万元/亩 < 2
    assert r.json["agreement"]["status_label"] == "未达标"
    r = client.post(
        f"{API}/projects/{pid}/results",
        json={"year": year + 1, "output": "1"} | {"expected_version": 5},
        headers=h,
    )
    assert r.status_code == 422 and "year" in r.json["errors"]
    # Lists: 投而未达 this one; 供而未建 a signed project with its land node done.
    land = register(
        client, h, name="供地项目", stage="signed", stage_date=days_ago(50)
    )["id"]
    client.post(
        f"{API}/projects/{land}/milestones/land",
        json={"done_on": days_ago(10), "expected_version": 1},
        headers=h,
    )
    r = client.get(f"{API}/compliance?list=producing_not_met", headers=h)
    assert [i["id"] for i in r.json["items"]] == [pid]
    r = client.get(f"{API}/compliance?list=supplied_not_built", headers=h)
    assert [i["id"] for i in r.json["items"]] == [land]
    r = client.get(f"{API}/projects?compliance=unmet", headers=h)
    assert [i["id"] for i in r.json["items"]] == [pid]
    r = client.get(f"{API}/projects?compliance=met", headers=h)
    assert r.json == {"items": [], "total": 0}
    r = client.get(f"{API}/projects?compliance_list=supplied_not_built", headers=h)
    assert [i["id"] for i in r.json["items"]] == [land]
    # Correcting the year's tax makes it 达标.
    r = client.post(
        f"{API}/projects/{pid}/results",
        json={"year": year, "tax": "20", "expected_version": 5},
        headers=h,
    )
    assert r.json["agreement"]["status"] == "met"
    items = client.get(f"{API}/projects/{pid}/history", headers=h).json["items"]
    assert items[-1]["type"] == "ResultsReported"
    assert items[-1]["data"]["before"]["tax"] == "15"
    assert items[-1]["label"] == "报送年度实绩"
    assert {c["label"]: c["after"] for c in items[-1]["changes"]} == {
        f"{year}年税收（万元）": "20"
    }
