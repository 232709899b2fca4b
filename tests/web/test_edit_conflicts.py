"""Edit conflicts: what the user typed is kept and the other change is shown;
progress notes never conflict (two notes cannot contradict each other)."""

from __future__ import annotations

import re

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

FORM = {
    "name": "【示例】智能装备项目",
    "investor": "某某科技有限公司",
    "industry": "robotics",
    "zone": "wzedz",
    "priority": "district",
    "land_area": "",
}


def _hidden_version(html: str) -> int:
    match = re.search(r'name="expected_version" value="(\d+)"', html)
    assert match
    return int(match.group(1))


def test_a_conflicting_edit_keeps_the_typing_and_shows_the_other_change(
    client: FlaskClient, page_runtime: Runtime
):
    project = register(page_runtime)
    login(client, "officer")
    form_page = page_text(client.get(f"/projects/{project['id']}/edit"))
    read_at = _hidden_version(form_page)
    # Meanwhile a leader renames the project.
    leader = page_runtime.app.actor_for("leader")
    page_runtime.app.revise_project(
        leader,
        project["id"],
        {"investor": "【示例】另一家投资方"},
        "投资方更名",
        expected_version=read_at,
    )
    page_runtime.wait_for_read_models()
    typed = {
        **FORM,
        "planned_investment": "98765",
        "reason": "总投资按协议调整",
        "expected_version": str(read_at),
    }
    conflict = client.post(f"/projects/{project['id']}/edit", data=typed)
    html = page_text(conflict)
    assert conflict.status_code == 409
    assert 'value="98765"' in html and "总投资按协议调整" in html
    assert "他人所做的修改" in html and "【示例】另一家投资方" in html
    assert "投资方更名" in html
    assert _hidden_version(html) == read_at + 1
    saved = client.post(
        f"/projects/{project['id']}/edit",
        data={**typed, "expected_version": str(read_at + 1)},
    )
    assert saved.status_code == 302
    now = page_runtime.app.get_project(project["id"])
    assert now["planned_investment"] == "98765"


def test_two_progress_notes_read_at_one_version_are_both_recorded(
    client: FlaskClient, page_runtime: Runtime
):
    project = register(page_runtime)
    login(client, "officer")
    version = page_runtime.app.get_project(project["id"])["version"]
    for note in ("第一次对接", "第二次对接"):
        reply = client.post(
            f"/projects/{project['id']}/actions/progress",
            data={
                "date": today().isoformat(),
                "note": note,
                "expected_version": str(version),
            },
        )
        assert reply.status_code == 302, page_text(reply)
    events = [
        item["reason"]
        for item in page_runtime.app.project_history(project["id"])
        if item["type"] == "ProgressReported"
    ]
    assert events == ["第一次对接", "第二次对接"]
