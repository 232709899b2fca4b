"""Which action forms the project page offers, per role and stage and stall alert."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from domain.clock import today
from gxtrack.bootstrap import Runtime
from tests.web.pages_fixtures import (  # noqa: F401 - fixtures
    app_fixture,
    client_fixture,
    login,
    page_runtime_fixture,
    page_text,
    register,
)

OPEN = {"move", "progress", "plan", "withdraw", "edit"}
LEADER_OPEN = OPEN | {"reassign", "redate", "merge"}
# The project belongs to `officer` in zone wzedz; officer_mudu is scoped elsewhere.
EXPECTED = {
    # Leaders exempt (暂缓) a project in any stage that can stall.
    "negotiating": {"officer": OPEN, "leader": LEADER_OPEN | {"exempt"}},
    "signed": {"officer": OPEN, "leader": LEADER_OPEN | {"correct", "exempt"}},
    "landed": {"officer": OPEN, "leader": LEADER_OPEN | {"correct", "exempt"}},
    "producing": {
        "officer": OPEN - {"move"},
        "leader": LEADER_OPEN - {"move"} | {"correct"},
    },
    "withdrawn": {
        "officer": {"progress"},
        "leader": {"progress", "reinstate", "merge"},
    },
}
KIND = {"admin": "leader", "leader": "leader", "officer": "officer"}


def offered(client: FlaskClient, pid: str) -> set[str]:
    """The actions the page offers: its forms' targets and the edit link."""
    html = page_text(client.get(f"/projects/{pid}"))
    forms = set(re.findall(rf'action="/projects/{pid}/actions/(\w+)"', html))
    if f'href="/projects/{pid}/edit"' in html:
        forms.add("edit")
    return forms


def project_in(runtime: Runtime, stage: str) -> str:
    """A project of `officer`, moved by a leader to `stage`."""
    start = today() - timedelta(days=40)
    project = register(runtime, stage_date=start)
    leader = runtime.app.actor_for("leader")
    path = ["signed", "landed", "producing"]
    if stage == "withdrawn":
        runtime.app.move_project(leader, project["id"], "withdrawn", today(), "撤资")
    else:
        for n, step in enumerate(
            path[: path.index(stage) + 1] if stage in path else []
        ):
            runtime.app.move_project(
                leader, project["id"], step, start + timedelta(days=10 * (n + 1))
            )
    runtime.wait_for_read_models()
    return project["id"]


@pytest.mark.parametrize("stage", list(EXPECTED))
def test_the_page_offers_each_role_its_actions_in_each_stage(
    client: FlaskClient, page_runtime: Runtime, stage: str
) -> None:
    pid = project_in(page_runtime, stage)
    for name in ("admin", "leader", "officer", "officer_mudu", "viewer", "auditor"):
        login(client, name)
        expected = EXPECTED[stage][KIND[name]] if name in KIND else set()
        assert offered(client, pid) == expected, (stage, name)


def test_a_stall_alert_is_answered_by_owners_and_escalated_once_by_leaders(
    client: FlaskClient, page_runtime: Runtime
) -> None:
    # Negotiating for 100 days: past the 90-day threshold, flagged by the scan.
    project = register(page_runtime, stage_date=today() - timedelta(days=100))
    pid = project["id"]
    leader = page_runtime.app.actor_for("leader")
    page_runtime.app.run_stall_scan(leader)
    page_runtime.wait_for_read_models()
    login(client, "officer")
    assert offered(client, pid) == OPEN | {"answer"}
    login(client, "leader")
    assert offered(client, pid) == LEADER_OPEN | {"answer", "escalate", "exempt"}
    login(client, "viewer")
    assert offered(client, pid) == set()
    # Escalated once, the escalate form is gone; the answer stays.
    page_runtime.app.escalate_stall(leader, pid, "请加快推进")
    page_runtime.wait_for_read_models()
    login(client, "leader")
    assert offered(client, pid) == LEADER_OPEN | {"answer", "exempt"}
