"""Milestone nodes and completed investment through the API, end to end."""

from __future__ import annotations

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


def _node(project, code):
    return next(n for n in project["milestones"] if n["code"] == code)


def test_reference_lists_the_template_nodes_with_their_stages(client, tokens):
    r = client.get(f"{API}/reference", headers=tokens["viewer1"])
    nodes = r.json["milestones"]
    assert [n["name"] for n in nodes][:3] == [
        "立项备案",
        "土地摘牌（或厂房租赁）",
        "能评",
    ]
    assert {"code": "groundbreaking", "name": "开工", "stage": "landed"} in nodes
    assert {"code": "production", "name": "投产", "stage": "producing"} in nodes
    assert len(nodes) == 13


def test_a_node_change_is_an_event_with_actor_and_reason(client, tokens, api_runtime):
    headers = tokens["officer1"]
    project = register(client, headers, stage="signed", stage_date=days_ago(60))
    pid = project["id"]
    assert len(project["milestones"]) == 13
    assert project["investment"] == {
        "completed_total": "0",
        "by_year": {},
        "by_month": {},
    }
    url = f"{API}/projects/{pid}/milestones/env_review"
    body = {
        "planned_on": days_ago(1),
        "unit": "生态环境局",
        "note": "报告书已受理",
        "reason": "排期",
        "expected_version": 1,
    }
    r = client.post(url, json=body, headers=headers)
    assert r.status_code == 200, r.json
    node = _node(r.json, "env_review")
    assert node["planned_on"] == days_ago(1) and node["unit"] == "生态环境局"
    assert node["overdue"] is True  # planned yesterday, not done
    # Done: no longer overdue.
    r = client.post(
        url, json={"done_on": days_ago(0), "expected_version": 2}, headers=headers
    )
    assert _node(r.json, "env_review")["overdue"] is False
    items = client.get(f"{API}/projects/{pid}/history", headers=headers).json["items"]
    updates = [i for i in items if i["type"] == "MilestoneUpdated"]
    assert [u["actor"] for u in updates] == ["officer1", "officer1"]
    assert updates[0]["reason"] == "排期"
    assert updates[0]["data"]["changes"]["unit"] == ["", "生态环境局"]
    assert updates[0]["label"] == "节点更新"
    labels = {c["label"]: c["after"] for c in updates[0]["changes"]}
    assert labels["环评责任单位"] == "生态环境局"


def test_bad_node_input_is_a_4xx_naming_the_field(client, tokens, api_runtime):
    headers = tokens["officer1"]
    pid = register(client, headers, stage="signed", stage_date=days_ago(30))["id"]
    url = f"{API}/projects/{pid}/milestones"
    r = client.post(f"{url}/nope", json={"expected_version": 1}, headers=headers)
    assert r.status_code == 404
    r = client.post(
        f"{url}/filing",
        json={"done_on": days_ago(-1), "expected_version": 1},
        headers=headers,
    )
    assert r.status_code == 422 and "done_on" in r.json["errors"]
    r = client.post(
        f"{url}/filing",
        json={"done_on": days_ago(31), "expected_version": 1},
        headers=headers,
    )
    assert r.status_code == 422 and "done_on" in r.json["errors"]
    r = client.post(f"{url}/filing", json={"unit": "x"}, headers=headers)
    assert r.status_code == 422 and "expected_version" in r.json["errors"]
    r = client.post(
        f"{url}/filing", json={"unit": "x", "expected_version": 9}, headers=headers
    )
    assert r.status_code == 409
    r = client.post(
        f"{url}/filing",
        json={"unit": "x", "expected_version": 1},
        headers=tokens["viewer1"],
    )
    assert r.status_code == 403
    r = client.post(
        f"{url}/filing",
        json={"unit": "x", "expected_version": 1},
        headers=tokens["officer2"],
    )
    assert r.status_code == 403
    assert events_of(api_runtime, pid) == ["Registered"]


def test_the_gate_node_and_the_stage_are_one_fact(client, tokens, api_runtime):
    headers = tokens["officer1"]
    pid = register(client, headers, stage="signed", stage_date=days_ago(30))["id"]
    url = f"{API}/projects/{pid}/milestones/groundbreaking"
    # Its planned date is the stage's planned date.
    r = client.post(
        url, json={"planned_on": days_ago(2), "expected_version": 1}, headers=headers
    )
    assert r.json["planned_dates"]["landed"] == days_ago(2)
    assert _node(r.json, "groundbreaking")["overdue"] is True
    # Its done date moves the stage.
    r = client.post(
        url,
        json={"done_on": days_ago(1), "unit": "住建局", "expected_version": 2},
        headers=headers,
    )
    assert r.status_code == 200, r.json
    assert r.json["stage"] == "landed" and r.json["stage_dates"]["landed"] == days_ago(
        1
    )
    assert _node(r.json, "groundbreaking")["done_on"] == days_ago(1)
    assert pool_row(api_runtime, pid)["stage"] == "landed"
    version = r.json["version"]
    # A stage move shows on the node; re-dating it through the node is a leader's.
    r = client.post(
        f"{API}/projects/{pid}/stage",
        json={"to": "producing", "date": days_ago(0), "expected_version": version},
        headers=headers,
    )
    assert _node(r.json, "production")["done_on"] == days_ago(0)
    version = r.json["version"]
    body = {"done_on": days_ago(3), "reason": "补录", "expected_version": version}
    assert client.post(url, json=body, headers=headers).status_code == 403
    r = client.post(url, json=body, headers=tokens["leader1"])
    assert r.status_code == 200 and r.json["stage_dates"]["landed"] == days_ago(3)
    # Clearing a gate's done date is refused: that is a stage correction.
    r = client.post(
        url,
        json={"done_on": None, "expected_version": r.json["version"]},
        headers=tokens["leader1"],
    )
    assert r.status_code == 422 and "done_on" in r.json["errors"]
    # Skipping a stage through a gate node is refused on done_on.
    other = register(client, headers)["id"]
    r = client.post(
        f"{API}/projects/{other}/milestones/production",
        json={"done_on": days_ago(1), "expected_version": 1},
        headers=headers,
    )
    assert r.status_code == 422 and "done_on" in r.json["errors"]


def test_investment_months_and_their_corrections(client, tokens, api_runtime):
    headers = tokens["officer1"]
    pid = register(client, headers, stage="signed", stage_date=days_ago(400))["id"]
    url = f"{API}/projects/{pid}/investment"
    this_month = f"{TODAY:%Y-%m}"
    last_year = f"{TODAY.year - 1}-06"
    r = client.post(
        url,
        json={"month": last_year, "amount": "100.5", "expected_version": 1},
        headers=headers,
    )
    assert r.status_code == 200, r.json
    r = client.post(
        url,
        json={"month": this_month, "amount": 200, "expected_version": 2},
        headers=headers,
    )
    assert r.json["investment"]["by_year"] == {
        str(TODAY.year - 1): "100.5",
        str(TODAY.year): "200",
    }
    assert r.json["investment"]["completed_total"] == "300.5"
    # Reporting a month again corrects it: before → after in the history.
    r = client.post(
        url,
        json={
            "month": this_month,
            "amount": "150",
            "note": "统计局核定",
            "expected_version": 3,
        },
        headers=headers,
    )
    assert r.json["investment"]["completed_total"] == "250.5"
    items = client.get(f"{API}/projects/{pid}/history", headers=headers).json["items"]
    last = items[-1]
    assert last["type"] == "InvestmentReported"
    assert last["data"]["before"] == "200" and last["data"]["amount"] == "150"
    # Refusals.
    future = f"{TODAY.year + 1}-01"
    for body, field in (
        ({"month": future, "amount": 1}, "month"),
        ({"month": "2026-13", "amount": 1}, "month"),
        ({"month": this_month, "amount": -1}, "amount"),
        ({"month": this_month, "amount": "abc"}, "amount"),
        ({"month": this_month, "amount": "150"}, "amount"),  # nothing changed
    ):
        r = client.post(url, json={**body, "expected_version": 4}, headers=headers)
        assert r.status_code == 422 and field in r.json["errors"], (body, r.json)


def test_the_pool_filters_by_overdue_node(client, tokens, api_runtime):
    headers = tokens["officer1"]
    late = register(
        client, headers, name="逾期节点项目", stage="signed", stage_date=days_ago(30)
    )["id"]
    gate = register(
        client,
        headers,
        name="逾期开工项目",
        stage="signed",
        stage_date=days_ago(30),
        planned_dates={"landed": days_ago(1)},
    )["id"]
    fine = register(
        client, headers, name="按期项目", stage="signed", stage_date=days_ago(30)
    )["id"]
    client.post(
        f"{API}/projects/{late}/milestones/land",
        json={"planned_on": days_ago(2), "expected_version": 1},
        headers=headers,
    )
    client.post(
        f"{API}/projects/{fine}/milestones/land",
        json={"planned_on": days_ago(0), "expected_version": 1},
        headers=headers,
    )

    def ids(flag):
        r = client.get(f"{API}/projects?overdue_node={flag}", headers=headers)
        assert r.status_code == 200, r.json
        return {item["id"] for item in r.json["items"]}

    assert ids("true") == {late, gate}
    assert ids("false") == {fine}
    # Done: no longer overdue.
    client.post(
        f"{API}/projects/{late}/milestones/land",
        json={"done_on": days_ago(0), "expected_version": 2},
        headers=headers,
    )
    assert ids("true") == {gate}


def test_the_openapi_document_lists_the_new_endpoints(client):
    paths = client.get(f"{API}/openapi.json").json["paths"]
    for path in (
        "/api/v1/projects/{project_id}/milestones/{code}",
        "/api/v1/projects/{project_id}/investment",
        "/api/v1/projects/{project_id}/promises",
        "/api/v1/projects/{project_id}/results",
        "/api/v1/pool/kpis",
        "/api/v1/compliance",
        "/api/v1/milestones/template",
        "/api/v1/targets/investment",
    ):
        assert path in paths, path
    project = client.get(f"{API}/openapi.json").json["components"]["schemas"]["Project"]
    assert {"milestones", "investment", "agreement"} <= set(project["properties"])


def test_the_template_is_admin_edited_and_versioned(client, tokens):
    url = f"{API}/milestones/template"
    template = client.get(url, headers=tokens["viewer1"]).json
    assert template["version"] == 1
    nodes = [
        *template["nodes"],
        {"code": "fire", "name": "消防验收", "stage": "landed"},
    ]
    body = {"nodes": nodes, "reason": "新增消防验收", "expected_version": 1}
    assert client.put(url, json=body, headers=tokens["leader1"]).status_code == 403
    r = client.put(url, json=body, headers=tokens["admin1"])
    assert r.status_code == 200 and r.json["version"] == 2
    assert client.put(url, json=body, headers=tokens["admin1"]).status_code == 409
    ref = client.get(f"{API}/reference", headers=tokens["viewer1"]).json
    assert ref["milestones"][-1] == {
        "code": "fire",
        "name": "消防验收",
        "stage": "landed",
    }
    r = client.put(
        url,
        json={"nodes": nodes[1:6] + nodes[7:], "expected_version": 2},
        headers=tokens["admin1"],
    )
    assert r.status_code == 422 and "nodes" in r.json["errors"]
    pid = register(client, tokens["officer1"])["id"]
    project = client.get(f"{API}/projects/{pid}", headers=tokens["officer1"]).json
    assert project["milestones"][-1]["code"] == "fire"
