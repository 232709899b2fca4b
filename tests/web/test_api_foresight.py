"""GET /forecast and POST /stalled/policy/what-if through the API, with roles."""

from __future__ import annotations

from datetime import date

import pytest

from domain.permissions import Actor
from domain.users import Role
from tests.web.api_fixtures import (  # noqa: F401 - fixtures
    API,
    TODAY,
    api_app_fixture,
    api_runtime_fixture,
    client_fixture,
    days_ago,
    tokens_fixture,
)

LEADER = Actor("leader1", Role.LEADER)


def _project(app, stage, since, name, moves=()):
    """A project registered in `stage` on `since`, then moved as listed."""
    project = app.register_project(
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
        project = app.move_project(LEADER, project["id"], to, day)
    return project


def _history(runtime):
    """10 projects measured through 签约 → 落地 → 投产 (200 days each); 5 open."""
    app = runtime.app
    for n in range(10):
        _project(
            app,
            "signed",
            date.fromisoformat(days_ago(800)),
            f"【示例】已投产{n}",
            [
                ("landed", date.fromisoformat(days_ago(600))),
                ("producing", date.fromisoformat(days_ago(400))),
            ],
        )
    for n in range(5):
        _project(app, "signed", date.fromisoformat(days_ago(6)), f"【示例】新签约{n}")
    runtime.wait_for_read_models()


def test_forecast_counts_the_open_projects_over_eight_quarters(
    client, tokens, api_runtime
):
    _history(api_runtime)
    response = client.get(f"{API}/forecast?quarters=8", headers=tokens["viewer1"])
    assert response.status_code == 200, response.json
    body = response.json
    assert body["as_of"] == TODAY.isoformat()
    assert len(body["quarters"]) == 8
    # Each open project lands ~194 days and produces ~394 days from now.
    landed = sum(q["landed"]["expected"] for q in body["quarters"])
    producing = sum(q["producing"]["expected"] for q in body["quarters"])
    assert (landed, producing) == (pytest.approx(5.0), pytest.approx(5.0))
    assert body["basis"]["stages"]["signed"]["measured"] == 10
    assert body["basis"]["open"] == {"signed": 5, "landed": 0}


def test_a_forecast_as_of_yesterday_knows_nothing_recorded_today(
    client, tokens, api_runtime
):
    _history(api_runtime)
    yesterday = days_ago(1)
    known = client.get(f"{API}/forecast?as_of={yesterday}", headers=tokens["viewer1"])
    # Every event was recorded today: on yesterday the bureau knew nothing.
    assert known.json["insufficient_history"] is True
    assert known.json["basis"]["stages"]["signed"]["measured"] == 0
    dated = client.get(
        f"{API}/forecast?as_of={yesterday}&known=dated", headers=tokens["viewer1"]
    )
    assert dated.json["basis"]["stages"]["signed"]["measured"] == 10


def test_forecast_input_errors_name_the_field(client, tokens):
    for query, field in (
        ("quarters=9", "quarters"),
        ("quarters=0", "quarters"),
        ("as_of=2026-13-01", "as_of"),
        ("known=guess", "known"),
    ):
        response = client.get(f"{API}/forecast?{query}", headers=tokens["viewer1"])
        assert response.status_code == 422, query
        assert field in str(response.json["errors"]), query
    tomorrow = date.fromordinal(TODAY.toordinal() + 1).isoformat()
    response = client.get(f"{API}/forecast?as_of={tomorrow}", headers=tokens["viewer1"])
    assert response.status_code == 422
    assert "as_of" in response.json["errors"]
    assert client.get(f"{API}/forecast").status_code == 401


def _what_if_projects(runtime):
    app = runtime.app
    _project(app, "negotiating", date(2026, 1, 1), "【示例】甲")
    _project(app, "negotiating", date(2026, 1, 20), "【示例】乙")
    _project(app, "signed", date(2025, 9, 1), "【示例】丙")
    _project(
        app,
        "negotiating",
        date(2025, 10, 1),
        "【示例】丁",
        [("signed", date(2026, 3, 10))],
    )
    _project(app, "negotiating", date(2026, 4, 1), "【示例】戊")
    runtime.wait_for_read_models()


def test_what_if_weekly_counts_match_a_hand_count(client, tokens, api_runtime):
    _what_if_projects(api_runtime)
    before = api_runtime.app.recorder.max_notification_id()
    body = {"thresholds": {"negotiating": 60}, "from": "2026-03-01", "to": "2026-03-28"}
    response = client.post(
        f"{API}/stalled/policy/what-if", json=body, headers=tokens["leader1"]
    )
    assert response.status_code == 200, response.json
    weeks = response.json["weeks"]
    # Days in stage on each Monday, draft 在谈 60 (in force 90), 签约 180:
    #   甲 在谈 since 01-01: 60, 67, 74, 81        → draft only
    #   乙 在谈 since 01-20: 41, 48, 55, 62        → draft on 03-23
    #   丙 签约 since 2025-09-01: 182 … 203        → both
    #   丁 在谈 2025-10-01 → 签约 03-10: 152, 159, then 6 and 13 days in 签约
    #   戊 registered in April: not yet in the pool
    assert [(w["as_of"], w["flagged"], w["flagged_now"]) for w in weeks] == [
        ("2026-03-02", 3, 2),
        ("2026-03-09", 3, 2),
        ("2026-03-16", 2, 1),
        ("2026-03-23", 3, 1),
    ]
    assert [w["week"] for w in weeks] == [
        "2026-W10",
        "2026-W11",
        "2026-W12",
        "2026-W13",
    ]
    # Red at twice the threshold: 丁's 152 and 159 days pass 120 under the draft.
    assert [(w["red"], w["red_now"]) for w in weeks] == [(1, 0), (1, 0), (0, 0), (0, 0)]
    changed = response.json["changed"]
    assert changed["as_of"] == "2026-03-23" and changed["total"] == 2
    assert {i["name"] for i in changed["items"]} == {"【示例】甲", "【示例】乙"}
    assert {i["level_now"] for i in changed["items"]} == {None}
    # It records nothing.
    assert api_runtime.app.recorder.max_notification_id() == before


def test_what_if_follows_new_events(client, tokens, api_runtime):
    _what_if_projects(api_runtime)
    app = api_runtime.app
    extra = _project(app, "negotiating", date(2026, 1, 1), "【示例】己")
    api_runtime.wait_for_read_models()
    body = {"thresholds": {"negotiating": 60}, "from": "2026-03-01", "to": "2026-03-28"}
    url = f"{API}/stalled/policy/what-if"
    first = client.post(url, json=body, headers=tokens["leader1"]).json["weeks"]
    assert [w["flagged"] for w in first] == [4, 4, 3, 4]
    # 己 signed on 03-20: on 03-23 it is 3 days into 签约, no longer stalled.
    app.move_project(LEADER, extra["id"], "signed", date(2026, 3, 20))
    api_runtime.wait_for_read_models()
    again = client.post(url, json=body, headers=tokens["leader1"]).json["weeks"]
    assert [w["flagged"] for w in again] == [4, 4, 3, 3]


def test_what_if_is_for_leaders_and_admins_and_checks_its_input(client, tokens):
    body = {"thresholds": {"signed": 100}, "from": "2026-03-01", "to": "2026-03-28"}
    url = f"{API}/stalled/policy/what-if"
    for name in ("viewer1", "officer1", "auditor1"):
        assert client.post(url, json=body, headers=tokens[name]).status_code == 403
    for name in ("leader1", "admin1"):
        assert client.post(url, json=body, headers=tokens[name]).status_code == 200
    for bad, field in (
        ({**body, "thresholds": {"signed": 0}}, "thresholds.signed"),
        ({**body, "thresholds": {"producing": 10}}, "thresholds"),
        ({**body, "red_factor": 0}, "red_factor"),
        ({k: v for k, v in body.items() if k != "from"}, "from"),
        ({**body, "to": "2026-02-01"}, "to"),
    ):
        response = client.post(url, json=bad, headers=tokens["leader1"])
        assert response.status_code == 422, bad
        assert field in response.json["errors"], (bad, response.json)


def test_plan_slippage_by_officer_from_recorded_revisions(client, tokens, api_runtime):
    app = api_runtime.app
    first = _project(app, "negotiating", date(2026, 1, 1), "【示例】推迟两次")
    second = _project(app, "negotiating", date(2026, 1, 1), "【示例】提前一次")
    app.revise_plan(LEADER, first["id"], {"signed": date(2026, 6, 1)})  # first date
    app.revise_plan(LEADER, first["id"], {"signed": date(2026, 7, 1)})  # +30
    app.revise_plan(LEADER, first["id"], {"signed": date(2026, 9, 29)})  # +90
    app.revise_plan(LEADER, second["id"], {"signed": date(2026, 6, 1)})
    app.revise_plan(LEADER, second["id"], {"signed": date(2026, 5, 1)})  # −31
    api_runtime.wait_for_read_models()
    url = f"{API}/plans/slippage?by=officer"
    response = client.get(url, headers=tokens["auditor1"])
    assert response.status_code == 200, response.json
    body = response.json
    assert body["total"]["revisions"] == 3 and body["total"]["slipped"] == 2
    assert body["total"]["days_pushed"] == 120 and body["total"]["longest_days"] == 90
    assert [(g["key"], g["slipped"]) for g in body["groups"]] == [("leader1", 2)]
    assert [p["name"] for p in body["projects"]] == ["【示例】推迟两次"]
    for name in ("viewer1", "officer1"):
        assert client.get(url, headers=tokens[name]).status_code == 403
    bad = client.get(f"{API}/plans/slippage?by=town", headers=tokens["leader1"])
    assert bad.status_code == 422 and "by" in bad.json["errors"]


def test_todays_forecast_follows_new_events(client, tokens, api_runtime):
    _history(api_runtime)
    url = f"{API}/forecast?quarters=1"
    first = client.get(url, headers=tokens["viewer1"]).json
    assert first["basis"]["stages"]["signed"]["measured"] == 10
    _project(
        api_runtime.app,
        "signed",
        date.fromisoformat(days_ago(300)),
        "【示例】又一个",
        [("landed", date.fromisoformat(days_ago(100)))],
    )
    api_runtime.wait_for_read_models()
    again = client.get(url, headers=tokens["viewer1"]).json
    assert again["basis"]["stages"]["signed"]["measured"] == 11
