"""POST /projects/<id>/stall/exempt, GET /stalled/exemptions and the paged /stalled."""

from __future__ import annotations

from datetime import timedelta

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


def _exempt(client, headers, project, **body):
    body = {
        "reason": "等待土地指标",
        "until": (TODAY + timedelta(days=30)).isoformat(),
        "expected_version": project["version"],
        **body,
    }
    return client.post(
        f"{API}/projects/{project['id']}/stall/exempt", json=body, headers=headers
    )


def test_a_leader_exempts_a_stalled_project_until_a_date(client, tokens):
    p = register(client, tokens["officer1"], stage_date=days_ago(100))
    assert (
        client.get(f"{API}/projects/{p['id']}", headers=tokens["leader1"]).json[
            "stall"
        ]["level"]
        == "yellow"
    )
    assert _exempt(client, tokens["officer1"], p).status_code == 403
    assert _exempt(client, tokens["viewer1"], p).status_code == 403
    for until in (TODAY, TODAY + timedelta(days=367), "tomorrow"):
        bad = _exempt(client, tokens["leader1"], p, until=str(until))
        assert bad.status_code == 422 and "until" in bad.json["errors"], bad.json
    assert _exempt(client, tokens["leader1"], p, reason="").status_code == 422
    stale = _exempt(client, tokens["leader1"], p, expected_version=p["version"] + 5)
    assert stale.status_code == 409
    done = _exempt(client, tokens["leader1"], p)
    assert done.status_code == 200, done.json
    assert done.json["stall"] is None
    assert done.json["exemption"]["reason"] == "等待土地指标"
    history = client.get(
        f"{API}/projects/{p['id']}/history", headers=tokens["auditor1"]
    )
    exempted = [i for i in history.json["items"] if i["type"] == "StallExempted"]
    assert exempted[0]["reason"] == "等待土地指标" and exempted[0]["actor"] == "leader1"
    # The project leaves every list of stalled projects; the exemption is listed.
    listed = client.get(f"{API}/stalled", headers=tokens["viewer1"]).json
    assert listed["items"] == [] and listed["total"] == 0
    pool = client.get(f"{API}/projects?stalled=true", headers=tokens["viewer1"]).json
    assert pool["total"] == 0
    rows = client.get(f"{API}/stalled/exemptions", headers=tokens["auditor1"]).json
    assert [(r["project_id"], r["active"]) for r in rows["items"]] == [(p["id"], True)]
    # The day after it ends, the project is judged again without anyone acting.
    after = (TODAY + timedelta(days=31)).isoformat()
    later = client.get(f"{API}/stalled?as_of={after}", headers=tokens["viewer1"]).json
    assert [i["project_id"] for i in later["items"]] == [p["id"]]


def test_the_stalled_list_is_paged_and_keeps_its_keys(client, tokens):
    for days in range(95, 100):
        register(
            client,
            tokens["officer1"],
            name=f"【示例】{days}",
            stage_date=days_ago(days),
        )
    headers = tokens["viewer1"]
    page = client.get(f"{API}/stalled?page=2&page_size=2", headers=headers).json
    assert page["total"] == 5 and (page["page"], page["page_size"]) == (2, 2)
    assert [i["days_in_stage"] for i in page["items"]] == [97, 96]
    assert {"as_of", "policy_version", "items"} <= set(page)
    item = page["items"][0]
    assert {
        "project_id",
        "name",
        "stage",
        "level",
        "days_in_stage",
        "rule",
        "officer",
    } <= set(item)
    assert client.get(f"{API}/stalled", headers=headers).json["total"] == 5
    for query in ("page_size=201", "page_size=0", "page=0"):
        bad = client.get(f"{API}/stalled?{query}", headers=headers)
        assert bad.status_code == 422, query
        assert query.split("=")[0] in bad.json["errors"]
    assert (
        client.get(f"{API}/stalled?page_size=200", headers=headers).status_code == 200
    )
    red = client.get(f"{API}/stalled?level=red", headers=headers).json
    assert red["total"] == 0 and red["items"] == []
