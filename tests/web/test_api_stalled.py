"""The stalled-project endpoints: scan, list, alerts, answer, escalate, policy."""

from __future__ import annotations

from uuid import UUID

import pytest

from domain.stall import POLICY_ID, iso_week
from domain.stall_scan import scan_id
from tests.web.api_fixtures import (  # noqa: F401 - fixtures
    API,
    TODAY,
    api_app_fixture,
    api_runtime_fixture,
    client_fixture,
    days_ago,
    events_of,
    pool_row,
    register,
    tokens_fixture,
)


def _stalled_project(client, tokens, days=100, **overrides):
    """A project in 在谈 for `days` days, registered by officer1."""
    return register(client, tokens["officer1"], stage_date=days_ago(days), **overrides)


def _scan(client, headers, **body):
    return client.post(f"{API}/stalled/scans", json=body, headers=headers)


def test_scan_is_idempotent_per_week(client, tokens, api_runtime):
    yellow = _stalled_project(client, tokens, 100)
    red = _stalled_project(client, tokens, 200, name="【示例】红色预警项目")
    fresh = _stalled_project(client, tokens, 10, name="【示例】新项目")
    first = _scan(client, tokens["leader1"])
    assert first.status_code == 201, first.json
    body = first.json
    assert body["week"] == iso_week(TODAY) and body["as_of"] == TODAY.isoformat()
    flagged = {f["project_id"]: f for f in body["flagged"]}
    assert set(flagged) == {yellow["id"], red["id"]}
    assert flagged[yellow["id"]] | {"project_id": 0} == {
        "project_id": 0,
        "level": "yellow",
        "days_in_stage": 100,
        "rule": "stage_threshold",
    }
    assert flagged[red["id"]]["level"] == "red"
    assert body["cleared"] == []
    assert events_of(api_runtime, yellow["id"]) == ["Registered", "StallFlagged"]
    assert events_of(api_runtime, fresh["id"]) == ["Registered"]
    assert pool_row(api_runtime, red["id"])["stall_level"] == "red"
    # The same week again (another date in it, another leader): 200, same body.
    again = _scan(client, tokens["admin1"], as_of=TODAY.isoformat())
    assert again.status_code == 200
    assert again.json == body
    assert events_of(api_runtime, yellow["id"]) == ["Registered", "StallFlagged"]
    scans = list(api_runtime.app.events.get(scan_id(body["week"])))
    assert len(scans) == 1
    listed = client.get(f"{API}/stalled/scans", headers=tokens["viewer1"])
    assert listed.status_code == 200
    assert [s["week"] for s in listed.json["items"]] == [body["week"]]
    assert listed.json["items"][0]["flagged"] == 2


def test_scan_of_a_past_week_and_its_4xx(client, tokens, api_runtime):
    project = _stalled_project(client, tokens, 100)
    # A week ago the project had been in 在谈 for 93 days: flagged then.
    r = _scan(client, tokens["leader1"], as_of=days_ago(7))
    assert r.status_code == 201
    assert r.json["week"] == iso_week(TODAY.fromordinal(TODAY.toordinal() - 7))
    assert [f["days_in_stage"] for f in r.json["flagged"]] == [93]
    # Not a leader; no token; bad dates.
    for name in ("officer1", "viewer1", "auditor1"):
        assert _scan(client, tokens[name]).status_code == 403
    assert client.post(f"{API}/stalled/scans", json={}).status_code == 401
    r = _scan(client, tokens["leader1"], as_of=days_ago(-1))
    assert r.status_code == 422 and "as_of" in r.json["errors"]
    r = _scan(client, tokens["leader1"], as_of="2026-02-30")
    assert r.status_code == 422 and "as_of" in r.json["errors"]
    r = _scan(client, tokens["leader1"], week="2026-W01")
    assert r.status_code == 422 and "week" in r.json["errors"]
    assert events_of(api_runtime, project["id"]) == ["Registered", "StallFlagged"]


def test_stalled_list_with_filters(client, tokens):
    a = _stalled_project(client, tokens, 100)
    b = register(
        client,
        tokens["officer2"],
        stage_date=days_ago(200),
        name="【示例】乙项目",
        zone="luzhi",
    )
    _stalled_project(client, tokens, 10, name="【示例】新项目")
    url = f"{API}/stalled"
    r = client.get(url, headers=tokens["viewer1"])
    assert r.status_code == 200
    items = r.json["items"]
    assert [i["project_id"] for i in items] == [b["id"], a["id"]]  # red first
    expected = {
        "name": "【示例】智能装备产业园项目",
        "stage": "negotiating",
        "level": "yellow",
        "days_in_stage": 100,
        "rule": "stage_threshold",
        "officer": "officer1",
    }
    assert {k: items[1][k] for k in expected} == expected
    assert items[1]["alert"] is None  # not scanned yet
    only = client.get(
        url, query_string={"officer": "officer2"}, headers=tokens["viewer1"]
    )
    assert [i["project_id"] for i in only.json["items"]] == [b["id"]]
    only = client.get(url, query_string={"level": "yellow"}, headers=tokens["viewer1"])
    assert [i["project_id"] for i in only.json["items"]] == [a["id"]]
    only = client.get(url, query_string={"zone": "luzhi"}, headers=tokens["viewer1"])
    assert [i["project_id"] for i in only.json["items"]] == [b["id"]]
    # 50 days ago, project a had been in 在谈 for 50 days: not stalled.
    past = client.get(
        url, query_string={"as_of": days_ago(50)}, headers=tokens["viewer1"]
    )
    assert [i["project_id"] for i in past.json["items"]] == [b["id"]]
    assert client.get(url).status_code == 401
    r = client.get(url, query_string={"as_of": "yesterday"}, headers=tokens["viewer1"])
    assert r.status_code == 422 and "as_of" in r.json["errors"]
    r = client.get(url, query_string={"level": "green"}, headers=tokens["viewer1"])
    assert r.status_code == 422 and "level" in r.json["errors"]


def test_answer_escalate_and_alerts(client, tokens, api_runtime):
    project = _stalled_project(client, tokens, 100)
    pid = project["id"]
    answer_url = f"{API}/projects/{pid}/stall/answer"
    escalate_url = f"{API}/projects/{pid}/stall/escalate"
    answer = {
        "cause": "投资方融资未到位",
        "plan": "协调银行对接，月底前再次洽谈",
        "checkpoint": days_ago(-14),
        "expected_version": 1,
    }
    # Nothing to answer before the scan flags it.
    r = client.post(answer_url, json=answer, headers=tokens["officer1"])
    assert r.status_code == 422
    assert _scan(client, tokens["leader1"]).status_code == 201
    # A stale version, another officer, a reader, no token, an unknown project.
    r = client.post(answer_url, json=answer, headers=tokens["officer1"])
    assert r.status_code == 409
    answer["expected_version"] = 2
    assert (
        client.post(answer_url, json=answer, headers=tokens["officer2"]).status_code
        == 403
    )
    assert (
        client.post(answer_url, json=answer, headers=tokens["viewer1"]).status_code
        == 403
    )
    assert client.post(answer_url, json=answer).status_code == 401
    unknown = f"{API}/projects/{UUID(int=7)}/stall/answer"
    assert (
        client.post(unknown, json=answer, headers=tokens["officer1"]).status_code == 404
    )
    bad = f"{API}/projects/not-an-id/stall/answer"
    assert client.post(bad, json=answer, headers=tokens["officer1"]).status_code == 404
    # Bad fields: a checkpoint in the past, missing plan, an overlong cause.
    r = client.post(
        answer_url,
        json={**answer, "checkpoint": days_ago(1)},
        headers=tokens["officer1"],
    )
    assert r.status_code == 422 and "checkpoint" in r.json["errors"]
    r = client.post(
        answer_url,
        json={k: v for k, v in answer.items() if k != "plan"},
        headers=tokens["officer1"],
    )
    assert r.status_code == 422 and "plan" in r.json["errors"]
    r = client.post(
        answer_url, json={**answer, "cause": "x" * 2001}, headers=tokens["officer1"]
    )
    assert r.status_code == 422 and "cause" in r.json["errors"]
    assert events_of(api_runtime, pid) == ["Registered", "StallFlagged"]
    # The officer answers.
    r = client.post(answer_url, json=answer, headers=tokens["officer1"])
    assert r.status_code == 200, r.json
    stall = r.json["stall"]
    assert stall["answer"] == {
        "cause": "投资方融资未到位",
        "plan": "协调银行对接，月底前再次洽谈",
        "checkpoint": days_ago(-14),
        "actor": "officer1",
    }
    assert stall["threshold"] == 90 and stall["policy_version"] == 1
    assert stall["week"] == iso_week(TODAY) and stall["flagged_on"] == TODAY.isoformat()
    assert r.json["version"] == 3
    # Escalation: leaders only, a reason, once.
    body = {"reason": "请本周内提交专项报告", "expected_version": 3}
    assert (
        client.post(escalate_url, json=body, headers=tokens["officer1"]).status_code
        == 403
    )
    r = client.post(
        escalate_url, json={"expected_version": 3}, headers=tokens["leader1"]
    )
    assert r.status_code == 422 and "reason" in r.json["errors"]
    r = client.post(
        escalate_url, json={**body, "expected_version": 2}, headers=tokens["leader1"]
    )
    assert r.status_code == 409
    r = client.post(escalate_url, json=body, headers=tokens["leader1"])
    assert r.status_code == 200
    assert r.json["stall"]["escalation"] == {
        "reason": "请本周内提交专项报告",
        "actor": "leader1",
    }
    r = client.post(
        escalate_url, json={**body, "expected_version": 4}, headers=tokens["leader1"]
    )
    assert r.status_code == 422
    assert events_of(api_runtime, pid) == [
        "Registered",
        "StallFlagged",
        "StallAnswered",
        "StallEscalated",
    ]
    # The alert list shows the lifecycle and the metrics count it.
    r = client.get(f"{API}/stalled/alerts", headers=tokens["auditor1"])
    assert r.status_code == 200
    (alert,) = r.json["items"]
    assert alert["project_id"] == pid and alert["is_open"] is True
    assert alert["cause"] == "投资方融资未到位" and alert["answered_by"] == "officer1"
    assert alert["escalated_by"] == "leader1" and alert["response_hours"] >= 0
    metrics = r.json["metrics"]
    assert metrics | {"median_response_hours": 0} == {
        "alerts": 1,
        "open": 1,
        "red": 0,
        "answered": 1,
        "escalated": 1,
        "cleared": 0,
        "median_response_hours": 0,
        "median_resolution_hours": None,
    }
    # The stalled list carries the open alert's answer too.
    r = client.get(f"{API}/stalled", headers=tokens["viewer1"])
    assert r.json["items"][0]["alert"]["cause"] == "投资方融资未到位"
    # Moving the project clears the alert.
    r = client.post(
        f"{API}/projects/{pid}/stage",
        json={"to": "signed", "date": TODAY.isoformat(), "expected_version": 4},
        headers=tokens["officer1"],
    )
    assert r.status_code == 200 and r.json["stall"] is None
    r = client.get(
        f"{API}/stalled/alerts",
        query_string={"open": "true"},
        headers=tokens["viewer1"],
    )
    assert r.json["items"] == [] and r.json["metrics"]["cleared"] == 1
    r = client.get(
        f"{API}/stalled/alerts",
        query_string={"project_id": pid},
        headers=tokens["viewer1"],
    )
    assert r.json["items"][0]["cleared_at"] is not None
    assert client.get(f"{API}/stalled/alerts").status_code == 401
    r = client.get(
        f"{API}/stalled/alerts", query_string={"limit": 0}, headers=tokens["viewer1"]
    )
    assert r.status_code == 422 and "limit" in r.json["errors"]


def test_policy_read_and_change(client, tokens, api_runtime):
    url = f"{API}/stalled/policy"
    r = client.get(url, headers=tokens["viewer1"])
    assert r.status_code == 200
    assert r.json | {"modified_at": ""} == {
        "version": 1,
        "thresholds": {"negotiating": 90, "signed": 180, "landed": 365},
        "overdue_days": 30,
        "quiet_days": 30,
        "red_factor": 2,
        "modified_at": "",
    }
    change = {
        "thresholds": {"negotiating": 60},
        "overdue_days": 15,
        "reason": "加快在谈项目推进",
        "expected_version": 1,
    }
    assert client.put(url, json=change, headers=tokens["leader1"]).status_code == 403
    assert client.put(url, json=change).status_code == 401
    r = client.put(
        url, json={**change, "thresholds": {"negotiating": 0}}, headers=tokens["admin1"]
    )
    assert r.status_code == 422 and "thresholds.negotiating" in r.json["errors"]
    r = client.put(
        url, json={**change, "thresholds": {"producing": 10}}, headers=tokens["admin1"]
    )
    assert r.status_code == 422 and "thresholds.producing" in r.json["errors"]
    r = client.put(
        url, json={**change, "overdue_days": "ten"}, headers=tokens["admin1"]
    )
    assert r.status_code == 422 and "overdue_days" in r.json["errors"]
    r = client.put(
        url, json={"reason": "无变化", "expected_version": 1}, headers=tokens["admin1"]
    )
    assert r.status_code == 422
    r = client.put(
        url, json={**change, "expected_version": 5}, headers=tokens["admin1"]
    )
    assert r.status_code == 409
    r = client.put(url, json=change, headers=tokens["admin1"])
    assert r.status_code == 200
    assert r.json["version"] == 2 and r.json["thresholds"]["negotiating"] == 60
    assert r.json["overdue_days"] == 15
    assert [type(e).__name__ for e in api_runtime.app.events.get(POLICY_ID)] == [
        "Created",
        "PolicyChanged",
    ]
    # A project 70 days in 在谈 is now stalled, judged under version 2.
    project = _stalled_project(client, tokens, 70)
    r = _scan(client, tokens["leader1"])
    assert [f["project_id"] for f in r.json["flagged"]] == [project["id"]]
    assert r.json["policy_version"] == 2
    r = client.get(f"{API}/projects/{project['id']}", headers=tokens["viewer1"])
    assert r.json["stall"]["policy_version"] == 2 and r.json["stall"]["threshold"] == 60


# Who may answer officer1's alert in zone mudu: the owner, the mudu-scoped
# officer, leaders and admins; only leaders and admins escalate and scan.
LEADERS = {"admin1", "leader1"}
ANSWERERS = LEADERS | {"officer1", "zoneofficer"}
ROLES = ["admin1", "leader1", "officer1", "officer2", "zoneofficer", "luzhiofficer"]


@pytest.mark.parametrize("name", [*ROLES, "viewer1", "auditor1"])
def test_role_matrix(client, tokens, api_runtime, name):
    project = _stalled_project(client, tokens, 100)
    pid = project["id"]
    r = _scan(client, tokens[name])
    assert r.status_code == (201 if name in LEADERS else 403)
    if name not in LEADERS:
        assert _scan(client, tokens["leader1"]).status_code == 201
    answer = {
        "cause": "原因",
        "plan": "措施",
        "checkpoint": days_ago(-7),
        "expected_version": 2,
    }
    r = client.post(
        f"{API}/projects/{pid}/stall/answer", json=answer, headers=tokens[name]
    )
    assert r.status_code == (200 if name in ANSWERERS else 403)
    version = 3 if name in ANSWERERS else 2
    r = client.post(
        f"{API}/projects/{pid}/stall/escalate",
        json={"reason": "督办", "expected_version": version},
        headers=tokens[name],
    )
    assert r.status_code == (200 if name in LEADERS else 403)
    expected = ["Registered", "StallFlagged"]
    expected += ["StallAnswered"] if name in ANSWERERS else []
    expected += ["StallEscalated"] if name in LEADERS else []
    assert events_of(api_runtime, pid) == expected
    r = client.put(
        f"{API}/stalled/policy",
        json={"overdue_days": 20, "expected_version": 1},
        headers=tokens[name],
    )
    assert r.status_code == (200 if name == "admin1" else 403)
    for path in ("/stalled", "/stalled/alerts", "/stalled/policy", "/stalled/scans"):
        assert client.get(f"{API}{path}", headers=tokens[name]).status_code == 200
