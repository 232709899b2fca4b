"""Project commands over the API: stage moves, reinstate, progress, history, revisions."""

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
    project_body,
    register,
    tokens_fixture,
)


def test_stage_moves_and_their_4xx(client, tokens, api_runtime):
    headers = tokens["officer1"]
    project = register(client, headers)
    pid = project["id"]
    url = f"{API}/projects/{pid}/stage"

    def move(**body):
        return client.post(url, json=body, headers=headers)

    # Skipping a stage, a future date, a date before the previous stage.
    r = move(to="landed", date=days_ago(1), expected_version=1)
    assert r.status_code == 422 and "to" in r.json["errors"]
    r = move(to="signed", date=days_ago(-1), expected_version=1)
    assert r.status_code == 422 and "date" in r.json["errors"]
    r = move(to="signed", date=days_ago(40), expected_version=1)
    assert r.status_code == 422 and "date" in r.json["errors"]
    r = move(to="signed", date="2025-13-01", expected_version=1)
    assert r.status_code == 422 and "date" in r.json["errors"]
    r = move(to="signed", date=days_ago(1))
    assert r.status_code == 422 and "expected_version" in r.json["errors"]
    r = move(to="signed", date=days_ago(1), expected_version="1.5")
    assert r.status_code == 422
    r = move(to="signed", date=days_ago(1), expected_version=1, reason="x" * 2001)
    assert r.status_code == 422 and "reason" in r.json["errors"]
    assert events_of(api_runtime, pid) == ["Registered"]
    # Forward, then a stale version is a 409 and changes nothing.
    r = move(to="signed", date=days_ago(10), expected_version=1, reason="签约仪式")
    assert r.status_code == 200 and r.json["version"] == 2
    r = move(to="landed", date=days_ago(5), expected_version=1)
    assert r.status_code == 409 and r.json["code"] == 409
    assert events_of(api_runtime, pid) == ["Registered", "Signed"]
    # Withdrawal needs a reason; then the project cannot move.
    r = move(to="withdrawn", date=days_ago(3), expected_version=2)
    assert r.status_code == 422 and "reason" in r.json["errors"]
    r = move(to="withdrawn", date=days_ago(3), expected_version=2, reason="投资方撤资")
    assert r.status_code == 200 and r.json["stage"] == "withdrawn"
    assert pool_row(api_runtime, pid)["stage"] == "withdrawn"
    leader = tokens["leader1"]
    r = client.post(
        url,
        json={"to": "landed", "date": days_ago(1), "expected_version": 3},
        headers=leader,
    )
    assert r.status_code == 422
    # Reinstate (leaders only), back to signed.
    reinstate = f"{API}/projects/{pid}/reinstate"
    body = {"reason": "投资方恢复洽谈", "expected_version": 3}
    assert client.post(reinstate, json=body, headers=headers).status_code == 403
    r = client.post(reinstate, json={"expected_version": 3}, headers=leader)
    assert r.status_code == 422 and "reason" in r.json["errors"]
    r = client.post(reinstate, json={**body, "expected_version": 2}, headers=leader)
    assert r.status_code == 409
    r = client.post(reinstate, json=body, headers=leader)
    assert (
        r.status_code == 200 and r.json["stage"] == "signed" and r.json["version"] == 4
    )
    assert pool_row(api_runtime, pid)["stage"] == "signed"
    # A backward move is a correction: 403 for an officer, needs a reason.
    r = move(to="negotiating", date=days_ago(1), expected_version=4, reason="录错")
    assert r.status_code == 403 and r.json["code"] == 403
    r = client.post(
        url,
        json={"to": "negotiating", "date": days_ago(1), "expected_version": 4},
        headers=leader,
    )
    assert r.status_code == 422 and "reason" in r.json["errors"]
    r = client.post(
        url,
        json={
            "to": "negotiating",
            "date": days_ago(1),
            "expected_version": 4,
            "reason": "录错",
        },
        headers=leader,
    )
    assert r.status_code == 200 and r.json["stage"] == "negotiating"
    assert events_of(api_runtime, pid)[-1] == "StageCorrected"


def test_progress_and_history(client, tokens, api_runtime):
    headers = tokens["officer1"]
    pid = register(client, headers)["id"]
    url = f"{API}/projects/{pid}/progress"
    r = client.post(
        url, json={"date": days_ago(1), "note": "完成土地预审"}, headers=headers
    )
    assert r.status_code == 200
    assert r.json["last_progress"] == {"date": days_ago(1), "note": "完成土地预审"}
    assert pool_row(api_runtime, pid)["progress_note"] == "完成土地预审"
    r = client.post(
        url, json={"date": days_ago(1), "note": "n" * 2001}, headers=headers
    )
    assert r.status_code == 422 and "note" in r.json["errors"]
    r = client.post(url, json={"date": days_ago(-3), "note": "未来"}, headers=headers)
    assert r.status_code == 422 and "date" in r.json["errors"]
    r = client.post(url, json={"date": days_ago(1)}, headers=headers)
    assert r.status_code == 422 and "note" in r.json["errors"]
    r = client.post(
        url,
        json={"date": days_ago(1), "note": "x", "expected_version": 1},
        headers=headers,
    )
    assert r.status_code == 200  # a note read at an old version is still a note
    history = client.get(f"{API}/projects/{pid}/history", headers=tokens["auditor1"])
    assert history.status_code == 200
    items = history.json["items"]
    assert [i["type"] for i in items] == ["Registered", *["ProgressReported"] * 2]
    assert [i["version"] for i in items] == [1, 2, 3]
    assert items[0]["label"] == "登记" and items[0]["actor"] == "officer1"
    assert items[1]["reason"] == "完成土地预审"
    assert items[1]["effective_date"] == days_ago(1)
    assert all(i["recorded_at"] for i in items)


def test_revise_reassign_plan_redate(client, tokens, api_runtime):
    officer, leader = tokens["officer1"], tokens["leader1"]
    project = register(client, officer)
    pid = project["id"]

    def post(path, body, headers=officer):
        return client.post(f"{API}/projects/{pid}/{path}", json=body, headers=headers)

    r = post(
        "revise",
        {
            "changes": {"planned_investment": 20000.5, "name": "【示例】新名称"},
            "reason": "投资额调整",
            "expected_version": 1,
        },
    )
    assert r.status_code == 200, r.json
    assert (
        r.json["planned_investment"] == "20000.5" and r.json["name"] == "【示例】新名称"
    )
    assert pool_row(api_runtime, pid)["name"] == "【示例】新名称"
    r = post(
        "revise", {"changes": {"name": "x" * 201}, "reason": "r", "expected_version": 2}
    )
    assert r.status_code == 422 and "changes.name" in r.json["errors"]
    r = post(
        "revise", {"changes": {"officer": "x"}, "reason": "r", "expected_version": 2}
    )
    assert r.status_code == 422
    r = post("revise", {"changes": {}, "reason": "r", "expected_version": 2})
    assert r.status_code == 422
    r = post(
        "plan", {"planned_dates": {"signed": days_ago(-10)}, "expected_version": 2}
    )
    assert r.status_code == 200 and r.json["planned_dates"]["signed"] == days_ago(-10)
    r = post("reassign", {"officer": "officer2", "expected_version": 3})
    assert r.status_code == 403
    r = post("reassign", {"officer": "officer2", "expected_version": 3}, leader)
    assert r.status_code == 200 and r.json["officer"] == "officer2"
    assert pool_row(api_runtime, pid)["officer"] == "officer2"
    # officer1 no longer owns it.
    r = post("progress", {"date": days_ago(1), "note": "x"})
    assert r.status_code == 403
    r = post(
        "redate",
        {
            "stage": "negotiating",
            "date": days_ago(40),
            "reason": "补录",
            "expected_version": 4,
        },
        tokens["officer2"],
    )
    assert r.status_code == 403
    r = post(
        "redate",
        {
            "stage": "negotiating",
            "date": days_ago(40),
            "reason": "补录",
            "expected_version": 4,
        },
        leader,
    )
    assert r.status_code == 200 and r.json["stage_dates"]["negotiating"] == days_ago(40)
    assert events_of(api_runtime, pid) == [
        "Registered",
        "DetailsRevised",
        "PlannedDatesRevised",
        "OfficerReassigned",
        "StageDateCorrected",
    ]
    assert TODAY.isoformat() >= days_ago(40)
