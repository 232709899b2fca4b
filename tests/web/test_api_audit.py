"""Audit API: enterprise history, monthly report, as-known pool, verify."""

from __future__ import annotations

import sqlite3

import pytest
from flask.testing import FlaskClient

from gxtrack.bootstrap import Runtime
from tests.web.api_fixtures import (  # noqa: F401 - fixtures
    API,
    api_app_fixture,
    api_runtime_fixture,
    client_fixture,
    days_ago,
    register,
    tokens_fixture,
)
from tests.web.test_api_enterprises import enterprise


def test_enterprise_history(client: FlaskClient, tokens: dict) -> None:
    found = enterprise(client, tokens["leader1"])
    response = client.get(
        f"{API}/enterprises/{found['id']}/history", headers=tokens["viewer1"]
    )
    assert response.status_code == 200
    items = response.json["items"]
    assert items[0]["type"] == "Registered" and items[0]["version"] == 1
    assert any(c["field"] == "uscc" for c in items[0]["changes"])
    missing = client.get(f"{API}/enterprises/nope/history", headers=tokens["viewer1"])
    assert missing.status_code == 404


def test_project_history_carries_changes(client: FlaskClient, tokens: dict) -> None:
    project = register(client, tokens["leader1"])
    response = client.get(
        f"{API}/projects/{project['id']}/history", headers=tokens["auditor1"]
    )
    changes = response.json["items"][0]["changes"]
    stage = next(c for c in changes if c["field"] == "stage")
    assert (stage["label"], stage["before"], stage["after"]) == (
        "阶段",
        None,
        "negotiating",
    )


def test_monthly_report_as_known_then_and_now(
    client: FlaskClient, tokens: dict
) -> None:
    project = register(
        client, tokens["leader1"], stage="signed", stage_date=days_ago(1)
    )
    month = days_ago(1)[:7]
    now = client.get(
        f"{API}/reports/monthly?month={month}", headers=tokens["auditor1"]
    ).json
    signed = next(r for r in now["rows"] if r["section"] == "new_signed")
    assert signed["now_count"] == 1 and signed["known_count"] == 1
    # Known on a day before anything was recorded: nothing then, one now.
    earlier = client.get(
        f"{API}/reports/monthly?month={month}&as_known_on=2020-01-01",
        headers=tokens["auditor1"],
    ).json
    signed = next(r for r in earlier["rows"] if r["section"] == "new_signed")
    assert (signed["known_count"], signed["now_count"]) == (0, 1)
    assert signed["changed"] is True
    assert [c["id"] for c in earlier["corrections"]][:1] == [project["id"]]


@pytest.mark.parametrize(
    "query",
    ["", "?month=2026-13", "?month=202605", "?month=2026-05&as_known_on=bad"],
)
def test_monthly_report_bad_input(
    client: FlaskClient, tokens: dict, query: str
) -> None:
    response = client.get(f"{API}/reports/monthly{query}", headers=tokens["viewer1"])
    assert response.status_code == 422
    assert response.json["errors"]


def test_pool_as_known(client: FlaskClient, tokens: dict) -> None:
    project = register(client, tokens["leader1"], stage_date=days_ago(5))
    today_ = days_ago(0)
    body = client.get(
        f"{API}/pool/as-known?date={today_}&known_on={today_}",
        headers=tokens["viewer1"],
    ).json
    assert [i["id"] for i in body["items"]] == [project["id"]]
    assert body["items"][0]["stage"] == "negotiating"
    before = client.get(
        f"{API}/pool/as-known?date={today_}&known_on=2020-01-01",
        headers=tokens["viewer1"],
    ).json
    assert before["items"] == [] and before["total"] == 0
    bad = client.get(f"{API}/pool/as-known?date=x", headers=tokens["viewer1"])
    assert bad.status_code == 422 and "date" in bad.json["errors"]
    assert (
        client.get(f"{API}/pool/as-known", headers=tokens["viewer1"]).status_code == 422
    )


@pytest.mark.parametrize("user", ["auditor1", "admin1"])
def test_verify_ok(client: FlaskClient, tokens: dict, user: str) -> None:
    register(client, tokens["leader1"])
    body = client.get(f"{API}/audit/verify", headers=tokens[user]).json
    assert body["ok"] is True and body["problem"] is None
    assert body["checked"] > 0 and body["anchor"]["digest"] == body["head_digest"]


@pytest.mark.parametrize("user", ["leader1", "officer1", "viewer1"])
def test_verify_is_for_auditors_and_admins(
    client: FlaskClient, tokens: dict, user: str
) -> None:
    assert client.get(f"{API}/audit/verify", headers=tokens[user]).status_code == 403
    assert client.get(f"{API}/audit/verify").status_code == 401


def test_verify_reports_an_altered_event(
    client: FlaskClient, tokens: dict, api_runtime: Runtime
) -> None:
    project = register(client, tokens["leader1"], name="【示例】原名项目")
    api_runtime.wait_for_read_models()
    recorder = api_runtime.app.recorder
    path = api_runtime.settings.data_dir / "events.db"
    conn = sqlite3.connect(path, isolation_level=None)
    table = recorder.events_table_name
    rows = conn.execute(f"SELECT rowid, state FROM {table}").fetchall()
    position, state = next((r, s) for r, s in rows if "原名".encode() in bytes(s))
    conn.execute(
        f"UPDATE {table} SET state = ? WHERE rowid = ?",
        (bytes(state).replace("原名".encode(), "改名".encode()), position),
    )
    conn.close()
    body = client.get(f"{API}/audit/verify", headers=tokens["auditor1"]).json
    assert body["ok"] is False
    assert body["problem"]["kind"] == "altered"
    assert body["problem"]["originator_id"] == project["id"]
