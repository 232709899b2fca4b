"""GET /pool/kpis on a small data set whose figures are computed by hand."""

from __future__ import annotations

from datetime import date

import pytest

from domain.investment import same_day_last_year
from tests.web.api_fixtures import (  # noqa: F401 - fixtures
    API,
    api_app_fixture,
    api_runtime_fixture,
    client_fixture,
    tokens_fixture,
)


@pytest.mark.parametrize(
    ("day", "before"),
    [
        (date(2028, 2, 29), date(2027, 2, 28)),
        (date(2027, 3, 1), date(2026, 3, 1)),
        (date(2026, 12, 31), date(2025, 12, 31)),
    ],
)
def test_same_day_last_year(day, before):
    assert same_day_last_year(day) == before


def _project(app, name, signed, investment, landed=None, producing=None):
    actor = app.actor_for("leader1")
    p = app.register_project(
        actor,
        name=name,
        investor="投资方",
        industry="ngit",
        zone="mudu",
        planned_investment=investment,
        stage="signed",
        stage_date=signed,
    )
    version = p["version"]
    for stage, day in (("landed", landed), ("producing", producing)):
        if day:
            version = app.move_project(actor, p["id"], stage, day)["version"]
    return p["id"], version


def test_kpis_hand_computed_with_same_day_last_year(client, tokens, api_runtime):
    app = api_runtime.app
    actor = app.actor_for("leader1")
    # 2024 (leap year) and 2025, as of 2025-03-15; last year's day is 2024-03-15.
    a, va = _project(app, "A", date(2024, 1, 10), "100", landed=date(2024, 3, 15))
    b, _ = _project(app, "B", date(2024, 3, 16), "200")  # after 2024-03-15
    c, _ = _project(app, "C", date(2025, 2, 1), "300", landed=date(2025, 3, 1))
    d, vd = _project(
        app,
        "D",
        date(2025, 1, 5),
        "400",
        landed=date(2025, 1, 20),
        producing=date(2025, 3, 15),
    )
    e, ve = _project(app, "E", date(2025, 3, 16), "500")  # after as_of
    # A withdrawn project still counts by its stage dates.
    app.move_project(actor, e, "withdrawn", date(2025, 3, 20), reason="撤资")
    # Completed investment: months of 2025 up to March, and 2024 up to March.
    for pid, month, amount in (
        (a, "2024-02", "10"),
        (a, "2024-03", "5"),
        (a, "2024-04", "99"),  # after last year's month
        (c, "2025-01", "7.5"),
        (d, "2025-03", "2.25"),
        (d, "2025-04", "1000"),  # after as_of's month
    ):
        app.report_investment(actor, pid, month, amount)
    # A corrected month: 2025-01 of C becomes 8.
    app.report_investment(actor, c, "2025-01", "8")
    api_runtime.wait_for_read_models()
    r = client.get(
        f"{API}/pool/kpis?year=2025&as_of=2025-03-15", headers=tokens["viewer1"]
    )
    assert r.status_code == 200, r.json
    k = r.json
    assert k["year"] == 2025 and k["as_of"] == "2025-03-15"
    assert k["new"] == {
        "signed": {"count": 2, "investment": "700"},  # C, D
        "landed": {"count": 2, "investment": "700"},  # C, D
        "producing": {"count": 1, "investment": "400"},  # D on as_of itself
    }
    assert k["completed_investment"] == "10.25"  # 8 + 2.25
    last = k["same_day_last_year"]
    assert last["as_of"] == "2024-03-15"
    assert last["new"] == {
        "signed": {"count": 1, "investment": "100"},  # A (B came a day later)
        "landed": {"count": 1, "investment": "100"},  # A on the day itself
        "producing": {"count": 0, "investment": "0"},
    }
    assert last["completed_investment"] == "15"
    # Bad input names the field.
    r = client.get(f"{API}/pool/kpis?year=abc", headers=tokens["viewer1"])
    assert r.status_code == 422 and "year" in r.json["errors"]
    assert client.get(f"{API}/pool/kpis").status_code == 401


def test_the_yearly_investment_target(client, tokens):
    body = {"year": 2026, "amount": "1300000", "reason": "工业投资 130 亿"}
    r = client.put(f"{API}/targets/investment", json=body, headers=tokens["leader1"])
    assert r.status_code == 403
    r = client.put(f"{API}/targets/investment", json=body, headers=tokens["admin1"])
    assert r.status_code == 200 and r.json == {"year": 2026, "target": "1300000"}
    r = client.get(f"{API}/pool/kpis?year=2026", headers=tokens["viewer1"])
    assert r.json["target"] == "1300000"
    r = client.put(
        f"{API}/targets/investment",
        json={**body, "amount": "-1"},
        headers=tokens["admin1"],
    )
    assert r.status_code == 422 and "amount" in r.json["errors"]
