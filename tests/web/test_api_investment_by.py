"""GET /pool/investment and the as-of pool's nodes and investment, on small data
sets computed by hand (a correction, a withdrawn project, a later change)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from eventsourcing.domain import CanCreateTimestamp

from tests.web.api_fixtures import (  # noqa: F401 - fixtures
    API,
    api_app_fixture,
    api_runtime_fixture,
    client_fixture,
    tokens_fixture,
)


def _project(app, name, zone, industry, signed):
    actor = app.actor_for("leader1")
    return app.register_project(
        actor,
        name=name,
        investor="投资方",
        industry=industry,
        zone=zone,
        planned_investment="1000",
        stage="signed",
        stage_date=signed,
    )["id"]


def _scenario(app):
    """As of 2025-03-15 (同比: 2024-03-15), months up to March count."""
    actor = app.actor_for("leader1")
    a = _project(app, "A", "mudu", "ngit", date(2024, 1, 10))
    b = _project(app, "B", "luzhi", "ngit", date(2024, 6, 1))
    c = _project(app, "C", "luzhi", "green", date(2024, 2, 1))
    _project(app, "D", "wzedz", "green", date(2025, 1, 1))  # nothing reported
    for pid, month, amount in (
        (a, "2024-02", "10"),
        (a, "2024-03", "5"),
        (a, "2024-04", "99"),  # after last year's month: cumulative only
        (a, "2025-01", "20"),
        (b, "2025-02", "30"),
        (b, "2025-02", "25"),  # corrected: 25, not 30
        (b, "2025-04", "1000"),  # after as_of's month: nowhere
        (c, "2024-03", "7"),
        (c, "2025-03", "3.5"),
    ):
        app.report_investment(actor, pid, month, amount)
    # Withdrawn afterwards: what it spent was spent, so its months still count.
    app.move_project(actor, c, "withdrawn", date(2025, 3, 10), reason="撤资")
    return a, b, c


def _rows(body):
    return {
        i["key"]: (i["year_to_date"], i["same_day_last_year"], i["cumulative"])
        for i in body["items"]
    }


def test_investment_by_zone_and_industry_hand_computed(client, tokens, api_runtime):
    app = api_runtime.app
    _scenario(app)
    api_runtime.wait_for_read_models()
    query = "year=2025&as_of=2025-03-15"
    r = client.get(f"{API}/pool/investment?by=zone&{query}", headers=tokens["viewer1"])
    assert r.status_code == 200, r.json
    body = r.json
    assert (body["year"], body["as_of"], body["by"]) == (2025, "2025-03-15", "zone")
    rows = _rows(body)
    assert rows["mudu"] == ("20", "15", "134")
    assert rows["luzhi"] == ("28.5", "7", "35.5")  # B corrected, C withdrawn
    assert rows["wzedz"] == ("0", "0", "0")
    labels = {i["key"]: i["label"] for i in body["items"]}
    assert labels["mudu"] == app.reference().zones["mudu"] == "木渎镇"
    assert body["total"] == {
        "year_to_date": "48.5",
        "same_day_last_year": "22",
        "cumulative": "169.5",
    }
    r = client.get(
        f"{API}/pool/investment?by=industry&{query}", headers=tokens["viewer1"]
    )
    rows = _rows(r.json)
    assert rows["ngit"] == ("45", "15", "159")
    assert rows["green"] == ("3.5", "7", "10.5")
    assert (
        r.json["items"][0]["label"]
        == app.reference().industries[r.json["items"][0]["key"]]
    )
    # The KPIs' total and the breakdown's agree.
    k = client.get(f"{API}/pool/kpis?{query}", headers=tokens["viewer1"]).json
    assert k["completed_investment"] == body["total"]["year_to_date"]
    assert k["same_day_last_year"]["completed_investment"] == "22"


@pytest.mark.parametrize(
    ("query", "field"),
    [("by=stage", "by"), ("", "by"), ("by=zone&year=abc", "year"),
     ("by=zone&as_of=2025-13-01", "as_of")],
)  # fmt: skip
def test_investment_by_refuses_bad_input(client, tokens, query, field):
    r = client.get(f"{API}/pool/investment?{query}", headers=tokens["viewer1"])
    assert r.status_code == 422 and field in r.json["errors"], r.json
    assert client.get(f"{API}/pool/investment?by=zone").status_code == 401


class _Clock:
    """Event timestamps from a settable instant, for bitemporal scenarios."""

    def __init__(self, monkeypatch):
        self.now = datetime.now(UTC)
        monkeypatch.setattr(
            CanCreateTimestamp, "create_timestamp", staticmethod(lambda: self.now)
        )

    def at(self, text: str) -> None:
        self.now = datetime.fromisoformat(text)


def test_as_of_pool_shows_nodes_and_investment_as_known_then(
    client, tokens, api_runtime, monkeypatch
):
    app = api_runtime.app
    actor = app.actor_for("leader1")
    clock = _Clock(monkeypatch)
    clock.at("2025-03-01T10:00:00+08:00")
    p = _project(app, "节点项目", "mudu", "ngit", date(2025, 1, 5))
    app.report_investment(actor, p, "2025-01", "40")
    app.report_investment(actor, p, "2025-02", "60")
    app.update_milestone(actor, p, "filing", {"planned_on": date(2025, 2, 1)})
    app.update_milestone(actor, p, "land", {"planned_on": date(2025, 4, 1)})
    # After the day asked (2025-03-15, Beijing): a correction, a later month,
    # the overdue node done (back-dated) and re-planned.
    clock.at("2025-03-16T09:00:00+08:00")
    app.report_investment(actor, p, "2025-02", "10")
    app.report_investment(actor, p, "2025-03", "5")
    app.update_milestone(actor, p, "filing", {"done_on": date(2025, 3, 1)})
    app.update_milestone(actor, p, "land", {"planned_on": date(2025, 3, 20)})
    api_runtime.wait_for_read_models()

    def item(as_of):
        r = client.get(f"{API}/projects?as_of={as_of}", headers=tokens["viewer1"])
        assert r.status_code == 200, r.json
        (found,) = [i for i in r.json["items"] if i["id"] == p]
        return found

    then = item("2025-03-15")
    assert then["completed_investment"] == "100"  # 40 + 60, uncorrected
    assert then["overdue_nodes"] == 1
    assert then["next_node"] == {
        "code": "filing",
        "name": "立项备案",
        "planned_on": "2025-02-01",
        "overdue": True,
    }
    later = item("2025-03-18")
    assert later["completed_investment"] == "55"  # 40 + 10 + 5
    assert later["overdue_nodes"] == 0
    assert later["next_node"]["code"] == "land"
    assert later["next_node"]["planned_on"] == "2025-03-20"
    assert later["next_node"]["overdue"] is False
    # Without as_of the list is as before: no as-of fields.
    r = client.get(f"{API}/projects", headers=tokens["viewer1"])
    assert "completed_investment" not in r.json["items"][0]


def test_a_project_moved_to_another_zone_takes_its_months_along(
    client, tokens, api_runtime
):
    app = api_runtime.app
    a, _b, _c = _scenario(app)
    app.revise_project(app.actor_for("leader1"), a, {"zone": "wzedz"}, "迁址")
    api_runtime.wait_for_read_models()
    r = client.get(
        f"{API}/pool/investment?by=zone&year=2025&as_of=2025-03-15",
        headers=tokens["viewer1"],
    )
    rows = _rows(r.json)
    assert rows["mudu"] == ("0", "0", "0")
    assert rows["wzedz"] == ("20", "15", "134")
    assert r.json["total"]["cumulative"] == "169.5"
    # A rebuilt read model gives the same figures as the one kept up to date.
    api_runtime.projections.rebuild()
    api_runtime.wait_for_read_models()
    again = client.get(
        f"{API}/pool/investment?by=zone&year=2025&as_of=2025-03-15",
        headers=tokens["viewer1"],
    )
    assert again.json == r.json


@pytest.mark.postgres
def test_investment_by_and_the_as_of_pool_on_postgres(pg_schema, tmp_path):
    from domain.permissions import Actor
    from gxtrack.app.reports.monthly import monthly_report
    from gxtrack.bootstrap import Runtime
    from tests.conftest import pg_settings
    from web.app import create_app

    runtime = Runtime.open(pg_settings(pg_schema, tmp_path))
    try:
        app = runtime.app
        app.add_user(Actor.system(), "leader1", "leader")
        a, b, _c = _scenario(app)
        app.revise_project(app.actor_for("leader1"), b, {"zone": "mudu"}, "迁址")
        runtime.wait_for_read_models()
        headers = {"Authorization": f"Bearer {runtime.accounts.issue_token('leader1')}"}
        client = create_app(runtime, {"TESTING": True}).test_client()
        r = client.get(
            f"{API}/pool/investment?by=zone&year=2025&as_of=2025-03-15",
            headers=headers,
        )
        assert r.status_code == 200, r.json
        rows = _rows(r.json)
        assert rows["mudu"] == ("45", "15", "159")  # A and B (moved)
        assert rows["luzhi"] == ("3.5", "7", "10.5")  # C, withdrawn
        page = client.get(f"{API}/projects?as_of=2025-03-15", headers=headers).json
        found = {i["id"]: i for i in page["items"]}
        assert found[a]["completed_investment"] == "0"  # reported after that day
        report = monthly_report(runtime.db, "2025-02", datetime.now(UTC), {})
        zone = {r["key"]: r for r in report["investment_by"]["zone"]}
        assert zone["mudu"]["now"]["month"] == "25"
        assert zone["mudu"]["known"]["month"] == "25"
    finally:
        runtime.close()
