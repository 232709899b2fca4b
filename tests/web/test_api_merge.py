"""POST /projects/{id}/merge: a duplicate into the project it duplicates."""

from __future__ import annotations

from tests.web.api_fixtures import (  # noqa: F401 - fixtures
    API,
    api_app_fixture,
    api_runtime_fixture,
    client_fixture,
    events_of,
    register,
    tokens_fixture,
)


def pair(client, headers):
    survivor = register(client, headers)
    duplicate = register(client, headers, confirm_duplicate=True)
    return survivor, duplicate


def merge(client, headers, pid, **body):
    return client.post(f"{API}/projects/{pid}/merge", json=body, headers=headers)


def test_a_leader_merges_and_the_duplicate_answers_with_the_survivor(
    client, tokens, api_runtime
):
    leader = tokens["leader1"]
    survivor, duplicate = pair(client, leader)
    total = client.get(f"{API}/projects", headers=leader).json["total"]

    r = merge(client, leader, duplicate["id"], into=survivor["id"], reason="重复登记")
    assert r.status_code == 200, r.json
    assert r.json["merged_into"] == survivor["id"]

    got = client.get(f"{API}/projects/{duplicate['id']}", headers=leader).json
    assert (got["merged_into"], got["merged_into_name"]) == (
        survivor["id"],
        survivor["name"],
    )
    kept = client.get(f"{API}/projects/{survivor['id']}", headers=leader).json
    assert kept["absorbed"] == [duplicate["id"]] and kept["merged_into"] is None
    assert client.get(f"{API}/projects", headers=leader).json["total"] == total - 1
    assert events_of(api_runtime, duplicate["id"])[-1] == "MergedInto"
    assert events_of(api_runtime, survivor["id"])[-1] == "DuplicateAbsorbed"
    items = client.get(
        f"{API}/projects/{duplicate['id']}/history", headers=tokens["auditor1"]
    ).json["items"]
    assert [i["type"] for i in items] == ["Registered", "MergedInto"]


def test_who_may_merge(client, tokens, api_runtime):
    survivor, duplicate = pair(client, tokens["leader1"])
    body = {"into": survivor["id"], "reason": "重复登记"}
    for name in ("officer1", "auditor1"):
        r = merge(client, tokens[name], duplicate["id"], **body)
        assert r.status_code == 403, (name, r.json)
    assert events_of(api_runtime, duplicate["id"]) == ["Registered"]
    assert merge(client, tokens["admin1"], duplicate["id"], **body).status_code == 200


def test_bad_merges_are_4xx_naming_the_field(client, tokens, api_runtime):
    leader = tokens["leader1"]
    survivor, duplicate = pair(client, leader)
    sid, did = survivor["id"], duplicate["id"]
    cases = [
        ({"reason": "重复"}, 422, "into"),
        ({"into": "not-an-id", "reason": "重复"}, 422, "into"),
        ({"into": "00000000-0000-0000-0000-000000000000", "reason": "x"}, 422, "into"),
        ({"into": did, "reason": "重复"}, 422, "into"),
        ({"into": sid}, 422, "reason"),
        ({"into": sid, "reason": "重复", "expected_version": 7}, 409, None),
    ]
    for body, status, field in cases:
        r = merge(client, leader, did, **body)
        assert r.status_code == status, (body, r.json)
        if field:
            assert field in r.json["errors"], (body, r.json)
    r = merge(client, leader, "no-such-project", into=sid, reason="重复")
    assert r.status_code == 404
    assert events_of(api_runtime, did) == ["Registered"]
    # Merged once: again, and into it, are refused; the duplicate changes no more.
    assert merge(client, leader, did, into=sid, reason="重复").status_code == 200
    third = register(client, leader, confirm_duplicate=True)
    r = merge(client, leader, did, into=third["id"], reason="再次")
    assert r.status_code == 422 and r.json["reason"] == "already_merged"
    r = merge(client, leader, third["id"], into=did, reason="并入已合并项目")
    assert r.status_code == 422 and r.json["reason"] == "merge_target_closed"
    r = client.post(
        f"{API}/projects/{did}/progress",
        json={"date": "2024-01-02", "note": "进展"},
        headers=leader,
    )
    assert r.status_code == 422 and r.json["reason"] == "project_merged"
