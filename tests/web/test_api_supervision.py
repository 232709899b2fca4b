"""督办 through the API: issue, reply, send back, close, list with timing; roles."""

from __future__ import annotations

import threading
from datetime import timedelta
from uuid import UUID

import pytest

from tests.web.api_fixtures import (  # noqa: F401 - fixtures
    API,
    TODAY,
    api_app_fixture,
    api_runtime_fixture,
    client_fixture,
    events_of,
    register,
    tokens_fixture,
)


def due(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


def issue(client, headers, project_id, days=10, **body):
    payload = {"requirement": "请协调解决用地指标", "due_on": due(days), **body}
    return client.post(
        f"{API}/projects/{project_id}/supervisions", json=payload, headers=headers
    )


def test_the_lifecycle_through_the_api(client, tokens, api_runtime):
    project = register(client, tokens["officer1"])
    # Issue.
    response = issue(
        client, tokens["leader1"], project["id"], units=["区资规分局", "区发改局"]
    )
    assert response.status_code == 201, response.json
    s = response.json
    assert s["number"] == f"督办〔{TODAY.year}〕1号"
    assert (s["project_id"], s["status"], s["timing"]) == (
        project["id"],
        "open",
        "on_time",
    )
    assert s["units"] == ["区资规分局", "区发改局"]
    assert (s["lead_unit"], s["partner_units"]) == ("区资规分局", ["区发改局"])
    assert s["due_on"] == due(10)
    # Reply, send back, reply again, close.
    url = f"{API}/supervisions/{s['id']}"
    r = client.post(f"{url}/reply", json={"note": "已对接"}, headers=tokens["officer1"])
    assert (r.status_code, r.json["status"]) == (200, "replied"), r.json
    r = client.post(
        f"{url}/send-back", json={"note": "请补充进度"}, headers=tokens["leader1"]
    )
    assert (r.status_code, r.json["status"]) == (200, "returned"), r.json
    r = client.post(f"{url}/reply", json={"note": "已落实"}, headers=tokens["officer1"])
    assert r.json["replies"] == 2
    r = client.post(
        f"{url}/close", json={"note": "同意办结"}, headers=tokens["leader1"]
    )
    assert (r.status_code, r.json["status"]) == (200, "closed"), r.json
    # Closing twice is a 422; the record does not change.
    again = client.post(f"{url}/close", json={"note": ""}, headers=tokens["admin1"])
    assert again.status_code == 422, again.json
    assert client.get(url, headers=tokens["viewer1"]).json["closed_by"] == "leader1"
    # Each step is in the project's history, its note as reason.
    history = client.get(
        f"{API}/projects/{project['id']}/history", headers=tokens["auditor1"]
    ).json["items"]
    steps = [(i["type"], i["reason"], i["actor"]) for i in history[1:]]
    assert steps == [
        ("SupervisionIssued", "请协调解决用地指标", "leader1"),
        ("SupervisionReplied", "已对接", "officer1"),
        ("SupervisionSentBack", "请补充进度", "leader1"),
        ("SupervisionReplied", "已落实", "officer1"),
        ("SupervisionClosed", "同意办结", "leader1"),
    ]
    assert events_of(api_runtime, project["id"])[-1] == "SupervisionClosed"


def test_numbers_count_up_across_projects(client, tokens):
    a = register(client, tokens["officer1"])
    b = register(client, tokens["officer2"], name="【示例】另一个项目")
    numbers = [
        issue(client, tokens["leader1"], pid).json["number"]
        for pid in (a["id"], b["id"], a["id"])
    ]
    year = TODAY.year
    assert numbers == [f"督办〔{year}〕{n}号" for n in (1, 2, 3)]


def test_concurrent_issues_take_distinct_numbers(client, tokens, api_runtime):
    projects = [
        register(client, tokens["officer1"], name=f"【示例】项目{i}")["id"]
        for i in range(4)
    ]
    leader = api_runtime.app.actor_for("leader1")
    numbers: list[str] = []
    errors: list[BaseException] = []

    def issue_one(pid: str) -> None:
        try:
            s = api_runtime.app.issue_supervision(leader, pid, "限期推进", TODAY)
            numbers.append(s["number"])
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=issue_one, args=(p,)) for p in projects * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(numbers) == sorted(f"督办〔{TODAY.year}〕{n}号" for n in range(1, 9))


@pytest.mark.parametrize("who", ["officer1", "viewer1", "auditor1", "zoneofficer"])
def test_only_leaders_issue_close_and_send_back(client, tokens, who):
    project = register(client, tokens["officer1"])
    assert issue(client, tokens[who], project["id"]).status_code == 403
    s = issue(client, tokens["admin1"], project["id"]).json
    client.post(
        f"{API}/supervisions/{s['id']}/reply",
        json={"note": "已推进"},
        headers=tokens["officer1"],
    )
    for step in ("close", "send-back"):
        r = client.post(
            f"{API}/supervisions/{s['id']}/{step}",
            json={"note": "x"},
            headers=tokens[who],
        )
        assert r.status_code == 403, (step, r.json)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer1", 200),
        ("zoneofficer", 200),  # the project is in their zone (mudu)
        ("leader1", 200),
        ("officer2", 403),
        ("luzhiofficer", 403),
        ("viewer1", 403),
        ("auditor1", 403),
    ],
)
def test_who_may_reply(client, tokens, who, status):
    project = register(client, tokens["officer1"], zone="mudu")
    s = issue(client, tokens["leader1"], project["id"]).json
    r = client.post(
        f"{API}/supervisions/{s['id']}/reply",
        json={"note": "已推进"},
        headers=tokens[who],
    )
    assert r.status_code == status, r.json


def test_bad_input_names_the_field(client, tokens):
    project = register(client, tokens["officer1"])
    leader = tokens["leader1"]
    r = issue(client, leader, project["id"], days=-1)
    assert (r.status_code, list(r.json["errors"])) == (422, ["due_on"])
    r = issue(client, leader, project["id"], days=367)
    assert (r.status_code, list(r.json["errors"])) == (422, ["due_on"])
    r = issue(client, leader, project["id"], requirement=" ")
    assert (r.status_code, list(r.json["errors"])) == (422, ["requirement"])
    r = client.post(
        f"{API}/projects/{project['id']}/supervisions", json={}, headers=leader
    )
    assert r.status_code == 422
    assert set(r.json["errors"]) == {"requirement", "due_on"}
    s = issue(client, leader, project["id"]).json
    r = client.post(
        f"{API}/supervisions/{s['id']}/reply", json={"note": ""}, headers=leader
    )
    assert (r.status_code, list(r.json["errors"])) == (422, ["note"])
    r = client.post(
        f"{API}/supervisions/{s['id']}/send-back", json={"note": "x"}, headers=leader
    )
    assert r.status_code == 422  # not replied yet
    for bad in ("nope", str(UUID(int=1))):
        r = client.post(
            f"{API}/supervisions/{bad}/reply", json={"note": "x"}, headers=leader
        )
        assert r.status_code == 404
    r = issue(client, leader, str(UUID(int=2)))
    assert r.status_code == 404
    r = client.get(f"{API}/supervisions?page_size=201", headers=leader)
    assert r.status_code == 422


@pytest.mark.parametrize(
    ("days", "timing"),
    [(-1, "overdue"), (0, "due_soon"), (3, "due_soon"), (4, "on_time")],
)
def test_list_times_each_as_of_the_day_asked(client, tokens, days, timing):
    project = register(client, tokens["officer1"])
    s = issue(client, tokens["leader1"], project["id"], days=10).json
    as_of = (TODAY + timedelta(days=10 - days)).isoformat()
    r = client.get(
        f"{API}/supervisions?as_of={as_of}&project_id={project['id']}",
        headers=tokens["viewer1"],
    )
    assert r.status_code == 200, r.json
    assert r.json["total"] == 1
    assert (r.json["items"][0]["id"], r.json["items"][0]["timing"]) == (s["id"], timing)
    r = client.get(
        f"{API}/supervisions?as_of={as_of}&timing={timing}", headers=tokens["viewer1"]
    )
    assert [i["id"] for i in r.json["items"]] == [s["id"]]


def test_list_filters_by_status_and_pages(client, tokens):
    project = register(client, tokens["officer1"])
    ids = [
        issue(client, tokens["leader1"], project["id"], days=d).json["id"]
        for d in (5, 6, 7)
    ]
    client.post(
        f"{API}/supervisions/{ids[0]}/close", json={}, headers=tokens["leader1"]
    )
    get = lambda q: client.get(f"{API}/supervisions?{q}", headers=tokens["leader1"])  # noqa: E731
    assert get("status=closed").json["total"] == 1
    assert [i["id"] for i in get("status=open").json["items"]] == ids[1:]
    assert get("status=pending").json["total"] == 2
    page = get("page=2&page_size=2").json
    assert (page["total"], [i["id"] for i in page["items"]]) == (3, ids[2:])
    assert get("status=bogus").status_code == 422
    assert get("").json["items"][0]["project_name"] == project["name"]
