"""The role × action matrix: every role against every mutating endpoint.

Each cell runs on a fresh project owned by officer1 in zone 木渎 (mudu), and
checks the status code and that the event store and pool changed exactly when
the action was allowed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.permissions import Actor
from domain.users import Role
from tests.web.api_fixtures import (  # noqa: F401 - fixtures
    API,
    USERS,
    api_app_fixture,
    api_runtime_fixture,
    client_fixture,
    days_ago,
    events_of,
    pool_row,
    project_body,
    tokens_fixture,
)

ACTORS = list(USERS)
LEADERS = {"admin1", "leader1"}
# Who may change officer1's project in zone mudu: the owner, the mudu-scoped
# officer, leaders and admins.
CHANGERS = LEADERS | {"officer1", "zoneofficer"}
REGISTRARS = LEADERS | {"officer1", "officer2", "zoneofficer", "luzhiofficer"}


def _project(runtime, stage: str = "negotiating") -> str:
    owner = Actor("officer1", Role.OFFICER)
    body = {**project_body(), "stage_date": _day(30)}
    project = runtime.app.register_project(owner, **body)
    pid = project["id"]
    if stage in ("signed", "withdrawn"):
        runtime.app.move_project(owner, pid, "signed", _day(20))
    if stage == "withdrawn":
        runtime.app.move_project(owner, pid, "withdrawn", _day(10), "撤资")
    runtime.wait_for_read_models()
    return pid


def _day(n: int) -> date:
    return date.fromisoformat(days_ago(n))


def _version(runtime, pid: str) -> int:
    return len(events_of(runtime, pid))


# action → (starting stage, path under the project, body(version), event, allowed)
PROJECT_ACTIONS: dict[str, tuple[str, str, Any, str, set[str]]] = {
    "forward": (
        "negotiating",
        "stage",
        lambda v: {"to": "signed", "date": days_ago(5), "expected_version": v},
        "Signed",
        CHANGERS,
    ),
    "withdraw": (
        "negotiating",
        "stage",
        lambda v: {
            "to": "withdrawn",
            "date": days_ago(5),
            "reason": "撤资",
            "expected_version": v,
        },
        "Withdrawn",
        CHANGERS,
    ),
    "correct": (
        "signed",
        "stage",
        lambda v: {
            "to": "negotiating",
            "date": days_ago(5),
            "reason": "录错",
            "expected_version": v,
        },
        "StageCorrected",
        LEADERS,
    ),
    "reinstate": (
        "withdrawn",
        "reinstate",
        lambda v: {"reason": "恢复洽谈", "expected_version": v},
        "Reinstated",
        LEADERS,
    ),
    "progress": (
        "negotiating",
        "progress",
        lambda v: {"date": days_ago(1), "note": "已对接", "expected_version": v},
        "ProgressReported",
        CHANGERS,
    ),
    "revise": (
        "negotiating",
        "revise",
        lambda v: {
            "changes": {"planned_investment": "999"},
            "reason": "调整",
            "expected_version": v,
        },
        "DetailsRevised",
        CHANGERS,
    ),
    "plan": (
        "negotiating",
        "plan",
        lambda v: {"planned_dates": {"signed": days_ago(-20)}, "expected_version": v},
        "PlannedDatesRevised",
        CHANGERS,
    ),
    "reassign": (
        "negotiating",
        "reassign",
        lambda v: {"officer": "officer2", "expected_version": v},
        "OfficerReassigned",
        LEADERS,
    ),
    "redate": (
        "negotiating",
        "redate",
        lambda v: {
            "stage": "negotiating",
            "date": days_ago(40),
            "reason": "补录",
            "expected_version": v,
        },
        "StageDateCorrected",
        LEADERS,
    ),
}


@pytest.mark.parametrize("action", list(PROJECT_ACTIONS))
def test_project_actions_by_role(action, client, tokens, api_runtime):
    start, path, body, event, allowed = PROJECT_ACTIONS[action]
    for name in ACTORS:
        pid = _project(api_runtime, start)
        version = _version(api_runtime, pid)
        before = events_of(api_runtime, pid)
        response = client.post(
            f"{API}/projects/{pid}/{path}", json=body(version), headers=tokens[name]
        )
        after = events_of(api_runtime, pid)
        row = pool_row(api_runtime, pid)
        if name in allowed:
            assert response.status_code == 200, (action, name, response.json)
            assert after == [*before, event], (action, name)
            assert row["version"] == version + 1
        else:
            assert response.status_code == 403, (action, name, response.json)
            assert response.json["code"] == 403 and response.json["message"]
            assert after == before, (action, name)
            assert row["version"] == version


def test_register_project_by_role(client, tokens, api_runtime):
    for name in ACTORS:
        count = api_runtime.db.scalar("SELECT COUNT(*) FROM rm_projects")
        response = client.post(
            f"{API}/projects", json=project_body(zone="mudu"), headers=tokens[name]
        )
        now = api_runtime.db.scalar("SELECT COUNT(*) FROM rm_projects")
        if name in REGISTRARS - {"luzhiofficer"}:
            assert response.status_code == 201, (name, response.json)
            assert now == count + 1
            assert events_of(api_runtime, response.json["id"]) == ["Registered"]
        else:
            assert response.status_code == 403, (name, response.json)
            assert now == count
    # The zone-scoped officer registers in their own zone.
    response = client.post(
        f"{API}/projects",
        json=project_body(zone="luzhi"),
        headers=tokens["luzhiofficer"],
    )
    assert response.status_code == 201


def test_enterprise_actions_by_role(client, tokens, api_runtime):
    from domain.uscc import check_character

    for n, name in enumerate(ACTORS):
        first17 = f"91320506MA{n:07d}"
        body = {"uscc": first17 + check_character(first17), "name": f"【示例】企业{n}"}
        response = client.post(f"{API}/enterprises", json=body, headers=tokens[name])
        if name in REGISTRARS:
            assert response.status_code == 201, (name, response.json)
        else:
            assert response.status_code == 403, (name, response.json)
    eid = api_runtime.db.fetchone("SELECT id FROM rm_enterprises")["id"]
    for name in ACTORS:
        before = events_of(api_runtime, eid)
        response = client.post(
            f"{API}/enterprises/{eid}/designations",
            json={"designation": "cloud_star", "certified_on": days_ago(1), "stars": 3},
            headers=tokens[name],
        )
        after = events_of(api_runtime, eid)
        if name in LEADERS and "DesignationAwarded" not in before:
            assert response.status_code == 200, (name, response.json)
            assert after == [*before, "DesignationAwarded"]
        elif name in LEADERS:
            assert response.status_code == 422  # already held: the domain says no
        else:
            assert response.status_code == 403, (name, response.json)
            assert after == before


def test_admin_actions_by_role(client, tokens, api_runtime):
    for n, name in enumerate(ACTORS):
        user = client.post(
            f"{API}/users",
            json={"name": f"new{n}", "role": "viewer"},
            headers=tokens[name],
        )
        entry = client.post(
            f"{API}/reference/zones",
            json={"code": f"zone{n}", "name": f"【示例】板块{n}"},
            headers=tokens[name],
        )
        role = client.post(
            f"{API}/users/viewer1/role", json={"role": "auditor"}, headers=tokens[name]
        )
        exists = api_runtime.db.fetchone(
            "SELECT 1 AS x FROM rm_users WHERE name = ?", (f"new{n}",)
        )
        zones = api_runtime.app.reference().zones
        if name == "admin1":
            assert (user.status_code, entry.status_code, role.status_code) == (
                201,
                201,
                200,
            )
            assert exists and f"zone{n}" in zones
        else:
            assert (user.status_code, entry.status_code, role.status_code) == (
                403,
                403,
                403,
            )
            assert not exists and f"zone{n}" not in zones
