"""GET /activity: every decision across the system, filtered, newest first."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import today
from tests.web.api_fixtures import (  # noqa: F401 - fixtures
    API,
    api_app_fixture,
    api_runtime_fixture,
    client_fixture,
    register,
    tokens_fixture,
)


def _activity(client, headers, **query):
    response = client.get(f"{API}/activity", query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def _decide(client, tokens):
    """A project registered and signed by officer1, withdrawn by leader1."""
    project = register(client, tokens["officer1"], name="【示例】操作记录项目")
    moved = client.post(
        f"{API}/projects/{project['id']}/stage",
        json={"to": "signed", "date": today().isoformat(), "expected_version": 1},
        headers=tokens["officer1"],
    )
    assert moved.status_code == 200, moved.json
    withdrawn = client.post(
        f"{API}/projects/{project['id']}/stage",
        json={
            "to": "withdrawn",
            "date": today().isoformat(),
            "reason": "投资方撤资",
            "expected_version": 2,
        },
        headers=tokens["leader1"],
    )
    assert withdrawn.status_code == 200, withdrawn.json
    return project


def test_every_decision_newest_first_with_who_what_why(client, tokens):
    project = _decide(client, tokens)
    found = _activity(client, tokens["auditor1"], kind="project")
    assert found["total"] == 3
    newest = found["items"][0]
    assert newest["type"] == "Withdrawn" and newest["label"] == "终止"
    assert newest["actor"] == "leader1" and newest["actor_name"] == "leader1"
    assert newest["reason"] == "投资方撤资"
    assert newest["kind"] == "project" and newest["id"] == project["id"]
    assert newest["name"] == "【示例】操作记录项目"
    assert [i["type"] for i in found["items"]] == ["Withdrawn", "Signed", "Registered"]
    # User administration is a decision too (the fixtures added eight users).
    users = _activity(client, tokens["admin1"], kind="user")
    assert users["total"] == 8
    assert {i["type"] for i in users["items"]} == {"Added"}


def test_filters_by_person_action_and_dates(client, tokens):
    _decide(client, tokens)
    mine = _activity(client, tokens["leader1"], actor="officer1")
    assert [i["type"] for i in mine["items"]] == ["Signed", "Registered"]
    signed = _activity(client, tokens["leader1"], type="Signed")
    assert signed["total"] == 1 and signed["items"][0]["actor"] == "officer1"
    day = today()
    # Recorded today (Beijing time): a range ending yesterday finds nothing.
    yesterday = (day - timedelta(days=1)).isoformat()
    assert _activity(client, tokens["leader1"], to=yesterday)["total"] == 0
    around = _activity(
        client, tokens["leader1"], **{"from": yesterday, "to": day.isoformat()}
    )
    assert around["total"] == 11  # 8 users added, 3 project decisions
    page = _activity(client, tokens["leader1"], page=2, page_size=10)
    assert page["total"] == 11 and len(page["items"]) == 1


def test_only_auditors_leaders_and_admins_read_it(client, tokens):
    for name in ("viewer1", "officer1"):
        response = client.get(f"{API}/activity", headers=tokens[name])
        assert response.status_code == 403
    for name in ("auditor1", "leader1", "admin1"):
        assert client.get(f"{API}/activity", headers=tokens[name]).status_code == 200


def test_bad_filters_are_422_naming_the_field(client, tokens):
    headers = tokens["auditor1"]
    cases = [
        ({"page_size": 201}, "page_size"),
        ({"from": "2026-13-01"}, "from"),
        ({"from": "2026-02-01", "to": "2026-01-01"}, "from"),
    ]
    for query, field in cases:
        response = client.get(f"{API}/activity", query_string=query, headers=headers)
        assert response.status_code == 422, query
        assert field in response.json["errors"], response.json


def test_a_project_keeps_its_name_and_every_decision_reads_in_chinese(
    client, tokens, api_runtime
):
    project = register(client, tokens["officer1"], name="【示例】督办命名项目")
    app = api_runtime.app
    due = today() + timedelta(days=7)
    app.issue_supervision(app.actor_for("leader1"), project["id"], "请落实用地", due)
    api_runtime.wait_for_read_models()
    items = _activity(client, tokens["auditor1"], page_size=200)["items"]
    issued = next(i for i in items if i["type"] == "SupervisionIssued")
    # The 督办's number does not rename the project it concerns.
    assert issued["name"] == "【示例】督办命名项目"
    # The number's bookkeeping is labelled like every other decision.
    assert all(i["label"] != i["type"] for i in items), [i["type"] for i in items]
    # The fixtures' users were added by the system: people read 系统.
    users = _activity(client, tokens["admin1"], kind="user")["items"]
    assert {i["actor_name"] for i in users} == {"系统"}
