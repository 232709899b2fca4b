"""In-app notifications reach the people they concern, and only them (zone scoping)."""

from __future__ import annotations

from datetime import timedelta

from tests.web.api_fixtures import (  # noqa: F401 - fixtures
    API,
    TODAY,
    USERS,
    api_app_fixture,
    api_runtime_fixture,
    client_fixture,
    days_ago,
    register,
    tokens_fixture,
)


def titles(client, headers, **query):
    r = client.get(f"{API}/notifications", query_string=query, headers=headers)
    assert r.status_code == 200, r.json
    return [i["title"] for i in r.json["items"]], r.json["unread"]


def seen_by(client, tokens, text):
    """The users who have a notification whose title contains `text`."""
    return {
        name
        for name in USERS
        if any(text in t for t in titles(client, tokens[name])[0])
    }


def test_alerts_and_supervisions_reach_the_right_people(client, tokens):
    # A mudu project of officer1 that has stalled, and a luzhi one of officer2.
    mine = register(
        client,
        tokens["officer1"],
        name="【示例】木渎项目",
        zone="mudu",
        stage_date=days_ago(100),
    )
    register(
        client,
        tokens["officer2"],
        name="【示例】陆直项目",
        zone="luzhi",
        stage_date=days_ago(10),
    )
    assert (
        client.post(
            f"{API}/stalled/scans", json={}, headers=tokens["leader1"]
        ).status_code
        == 201
    )
    officers_of_mudu = {"officer1", "zoneofficer"}
    assert seen_by(client, tokens, "停滞黄色预警：【示例】木渎项目") == officers_of_mudu
    # 督办 issued: the project's officers; the reply: the leaders.
    s = client.post(
        f"{API}/projects/{mine['id']}/supervisions",
        json={
            "requirement": "限期推进",
            "due_on": (TODAY + timedelta(days=5)).isoformat(),
        },
        headers=tokens["leader1"],
    ).json
    assert seen_by(client, tokens, f"收到{s['number']}") == officers_of_mudu
    client.post(
        f"{API}/supervisions/{s['id']}/reply",
        json={"note": "已推进"},
        headers=tokens["officer1"],
    )
    assert seen_by(client, tokens, "督办已回复") == {"leader1", "admin1"}
    client.post(
        f"{API}/supervisions/{s['id']}/close", json={}, headers=tokens["admin1"]
    )
    assert seen_by(client, tokens, "督办已办结") == officers_of_mudu
    # Nothing for viewers, auditors, or officers of other projects and zones.
    for name in ("viewer1", "auditor1", "officer2", "luzhiofficer"):
        assert titles(client, tokens[name]) == ([], 0), name


def test_mark_read_counts_down_per_user(client, tokens, api_runtime):
    register(client, tokens["officer1"], zone="mudu", stage_date=days_ago(200))
    client.post(f"{API}/stalled/scans", json={}, headers=tokens["leader1"])
    _, unread = titles(client, tokens["officer1"])
    assert unread == 1
    items = client.get(f"{API}/notifications", headers=tokens["officer1"]).json["items"]
    r = client.post(
        f"{API}/notifications/read",
        json={"ids": [items[0]["id"]]},
        headers=tokens["officer1"],
    )
    assert r.json == {"marked": 1, "unread": 0}
    assert titles(client, tokens["officer1"], unread="true") == ([], 0)
    # Another user's read mark is their own.
    assert titles(client, tokens["zoneofficer"])[1] == 1
    # A user cannot mark what is not theirs.
    r = client.post(
        f"{API}/notifications/read",
        json={"ids": [items[0]["id"]]},
        headers=tokens["officer2"],
    )
    assert r.json["marked"] == 0
    # Read marks survive a rebuild of the read models.
    api_runtime.projections.rebuild()
    assert titles(client, tokens["officer1"])[1] == 0
    assert titles(client, tokens["zoneofficer"])[1] == 1
    assert client.post(
        f"{API}/notifications/read", json={}, headers=tokens["zoneofficer"]
    ).json == {"marked": 1, "unread": 0}
    assert client.get(f"{API}/notifications").status_code == 401
