"""Project endpoints: register, list (filters, as of), read (now, version, instant)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from tests.web.api_fixtures import (  # noqa: F401 - fixtures
    API,
    TODAY,
    api_app_fixture,
    api_runtime_fixture,
    client_fixture,
    days_ago,
    events_of,
    pool_row,
    project_body,
    register,
    tokens_fixture,
)


def test_register_returns_201_and_writes_event_and_pool_row(
    client, tokens, api_runtime
):
    response = client.post(
        f"{API}/projects", json=project_body(), headers=tokens["officer1"]
    )
    assert response.status_code == 201
    project = response.json
    assert project["stage"] == "negotiating"
    assert project["officer"] == "officer1"
    assert project["planned_investment"] == "12345.6789"
    assert project["version"] == 1
    assert project["stage_dates"] == {"negotiating": days_ago(30)}
    assert project["stall"] is None
    assert events_of(api_runtime, project["id"]) == ["Registered"]
    # Read-your-writes: the pool already has it.
    row = pool_row(api_runtime, project["id"])
    assert row is not None and row["officer"] == "officer1"


def test_money_as_json_number_keeps_every_cent(client, tokens):
    project = register(client, tokens["officer1"], planned_investment=12345678901.2345)
    assert project["planned_investment"] == "12345678901.2345"
    again = register(client, tokens["officer1"], planned_investment=100)
    assert again["planned_investment"] == "100"


def test_register_signed_with_plan_and_chinese_names(client, tokens):
    project = register(
        client,
        tokens["leader1"],
        stage="signed",
        industry="机器人与智能制造",
        zone="木渎镇",
        officer="officer2",
        priority="city",
        planned_dates={"landed": days_ago(-30), "producing": days_ago(-300)},
    )
    assert project["stage"] == "signed"
    assert project["industry"] == "robotics" and project["zone"] == "mudu"
    assert project["officer"] == "officer2"
    assert project["planned_dates"]["landed"] == days_ago(-30)


def test_an_officer_registers_projects_as_their_own(client, tokens):
    # The same rule as the registration page: the named officer is ignored.
    project = register(client, tokens["officer1"], officer="officer2")
    assert project["officer"] == "officer1"
    assert register(client, tokens["officer1"], officer="")["officer"] == "officer1"
    # A leader names any officer, or registers as themselves.
    assert register(client, tokens["leader1"], officer="officer2")["officer"] == (
        "officer2"
    )
    assert register(client, tokens["leader1"])["officer"] == "leader1"


def test_register_validation_errors_name_the_field(client, tokens, api_runtime):
    headers = tokens["officer1"]
    cases = [
        ({"name": "项" * 201}, "name"),
        ({"investor": "x" * 201}, "investor"),
        ({"stage_date": "2024-02-30"}, "stage_date"),
        ({"stage_date": days_ago(-1)}, "stage_date"),
        ({"stage": "landed"}, "stage"),
        ({"industry": "nope"}, "industry"),
        ({"zone": "nowhere"}, "zone"),
        ({"planned_investment": "-5"}, "planned_investment"),
        ({"planned_investment": "abc"}, "planned_investment"),
        ({"planned_investment": True}, "planned_investment"),
        ({"priority": "galactic"}, "priority"),
        ({"planned_dates": {"signed": "soon"}}, "planned_dates.signed"),
        ({"unexpected": 1}, "unexpected"),
        ({"name": "a\x00b"}, "name"),
    ]
    for overrides, field in cases:
        response = client.post(
            f"{API}/projects", json=project_body(**overrides), headers=headers
        )
        assert response.status_code == 422, (overrides, response.json)
        assert response.json["code"] == 422
        assert field in response.json["errors"], (overrides, response.json)
        assert response.json["message"]
    body = project_body()
    del body["name"]
    response = client.post(f"{API}/projects", json=body, headers=headers)
    assert response.status_code == 422 and "name" in response.json["errors"]
    assert api_runtime.db.scalar("SELECT COUNT(*) FROM rm_projects") == 0


def test_non_json_and_bad_json_bodies_are_4xx(client, tokens):
    headers = tokens["officer1"]
    response = client.post(
        f"{API}/projects",
        data="{not json",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and response.json["code"] == 400
    response = client.post(f"{API}/projects", json=[1, 2], headers=headers)
    assert response.status_code == 422
    response = client.post(f"{API}/projects", data="name=x", headers=headers)
    assert response.status_code == 422


def test_auth_401_for_missing_bad_and_deactivated(client, tokens, api_runtime):
    from domain.permissions import Actor

    assert client.get(f"{API}/projects").status_code == 401
    bad = {"Authorization": "Bearer gxt_not-a-token"}
    response = client.get(f"{API}/projects", headers=bad)
    assert response.status_code == 401 and response.json["code"] == 401
    assert "Bearer" in response.headers["WWW-Authenticate"]
    assert (
        client.get(f"{API}/projects", headers={"Authorization": "Basic x"}).status_code
        == 401
    )
    assert client.get(f"{API}/projects", headers=tokens["viewer1"]).status_code == 200
    api_runtime.app.set_active(Actor.system(), "viewer1", False)
    assert client.get(f"{API}/projects", headers=tokens["viewer1"]).status_code == 401


def test_list_filters_paging_sort_and_page_size_limit(client, tokens):
    headers = tokens["leader1"]
    a = register(client, headers, name="【示例】甲项目", zone="mudu", industry="biomed")
    b = register(
        client,
        headers,
        name="【示例】乙项目",
        zone="luzhi",
        investor="【示例】乙投资方",
    )
    c = register(
        client, headers, name="【示例】丙项目", zone="luzhi", planned_investment="1"
    )
    client.post(
        f"{API}/projects/{c['id']}/stage",
        json={"to": "signed", "date": days_ago(1), "expected_version": 1},
        headers=headers,
    )

    def ids(**query):
        response = client.get(f"{API}/projects", query_string=query, headers=headers)
        assert response.status_code == 200, response.json
        return [p["id"] for p in response.json["items"]], response.json["total"]

    assert ids(zone="luzhi", sort="name")[1] == 2
    item = client.get(f"{API}/projects?stage=signed", headers=headers).json["items"][0]
    assert (item["stage_label"], item["zone_name"]) == ("签约", "甪直镇")
    assert ids(industry="biomed") == ([a["id"]], 1)
    assert ids(stage="signed") == ([c["id"]], 1)
    assert ids(q="乙投资") == ([b["id"]], 1)
    assert ids(officer="leader1")[1] == 3
    assert ids(officer="officer1")[1] == 0
    assert ids(stalled="false")[1] == 3
    assert ids(stalled="true")[1] == 0
    assert ids(sort="investment", page_size=1) == ([c["id"]], 3)
    assert ids(sort="-investment", page_size=1, page=3) == ([c["id"]], 3)
    # As of before the signing, c was still in negotiation.
    assert ids(stage="signed", as_of=days_ago(2))[1] == 0
    assert ids(stage="negotiating", as_of=days_ago(2))[1] == 3
    assert ids(as_of=days_ago(31))[1] == 0
    for query, field in (
        ({"page_size": 201}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"page": 0}, "page"),
        ({"page": "x"}, "page"),
        ({"sort": "secret"}, "sort"),
        ({"stage": "flying"}, "stage"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"stalled": "maybe"}, "stalled"),
    ):
        response = client.get(f"{API}/projects", query_string=query, headers=headers)
        assert response.status_code == 422, query
        assert field in response.json["errors"]


def test_get_now_at_version_and_as_of_instant(client, tokens):
    headers = tokens["officer1"]
    project = register(client, headers)
    before_move = datetime.now(UTC)
    time.sleep(0.01)
    moved = client.post(
        f"{API}/projects/{project['id']}/stage",
        json={"to": "signed", "date": days_ago(2), "expected_version": 1},
        headers=headers,
    ).json
    assert moved["stage"] == "signed" and moved["version"] == 2
    pid = project["id"]
    now = client.get(f"{API}/projects/{pid}", headers=headers).json
    assert now["stage"] == "signed" and now["version"] == 2
    v1 = client.get(f"{API}/projects/{pid}?version=1", headers=headers).json
    assert v1["stage"] == "negotiating" and v1["version"] == 1
    at = client.get(
        f"{API}/projects/{pid}",
        query_string={"as_of": before_move.isoformat()},
        headers=headers,
    ).json
    assert at["stage"] == "negotiating"
    # An instant before the registration: the project did not exist yet.
    early = (before_move - timedelta(days=1)).isoformat()
    response = client.get(
        f"{API}/projects/{pid}", query_string={"as_of": early}, headers=headers
    )
    assert response.status_code == 404
    assert (
        client.get(f"{API}/projects/{pid}?version=9", headers=headers).status_code
        == 404
    )
    assert (
        client.get(f"{API}/projects/{pid}?version=0", headers=headers).status_code
        == 422
    )
    assert (
        client.get(f"{API}/projects/{pid}?as_of=garbage", headers=headers).status_code
        == 422
    )
    # A naive datetime is bureau time and must not crash the comparison.
    naive = client.get(
        f"{API}/projects/{pid}?as_of=2999-01-01T00:00:00", headers=headers
    )
    assert naive.status_code == 200 and naive.json["version"] == 2


def test_unknown_and_malformed_ids_are_404(client, tokens):
    headers = tokens["leader1"]
    for pid in (str(uuid4()), "not-a-uuid", "1"):
        for method, path, body in (
            ("get", "", None),
            ("get", "/history", None),
            (
                "post",
                "/stage",
                {"to": "signed", "date": days_ago(1), "expected_version": 1},
            ),
            ("post", "/reinstate", {"reason": "r", "expected_version": 1}),
            ("post", "/progress", {"date": days_ago(1), "note": "n"}),
        ):
            response = getattr(client, method)(
                f"{API}/projects/{pid}{path}", json=body, headers=headers
            )
            assert response.status_code == 404, (pid, path, response.json)
            assert response.json["code"] == 404 and response.json["message"]
    response = client.get(f"{API}/no-such-thing", headers=headers)
    assert response.status_code == 404 and response.is_json
    response = client.delete(f"{API}/projects", headers=headers)
    assert response.status_code == 405 and response.json["code"] == 405


def test_enterprise_link_unknown_is_422_known_is_kept(client, tokens):
    headers = tokens["leader1"]
    r = client.post(
        f"{API}/projects",
        json=project_body(enterprise_id=str(uuid4())),
        headers=headers,
    )
    assert r.status_code == 422 and "enterprise_id" in r.json["errors"]


def test_validation_messages_are_chinese_first(client, tokens):
    headers = tokens["officer1"]
    body = project_body(name="名" * 201, stage_date="not-a-date")
    del body["investor"]
    errors = client.post(f"{API}/projects", json=body, headers=headers).json["errors"]
    assert errors["name"] == ["最多 200 个字符"]
    assert errors["investor"] == ["不能为空"]
    assert errors["stage_date"][0].startswith("日期格式应为 YYYY-MM-DD")
    r = client.get(f"{API}/projects?page_size=201", headers=headers)
    assert r.json["errors"]["page_size"] == ["须在 1 到 200 之间"]
    assert r.json["message"].startswith("输入有误")
