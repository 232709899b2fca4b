"""The project page and its action forms: roles, validation, stale versions."""

from __future__ import annotations

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

STALE = "此项目已被他人修改，请刷新后重试"


def days_ago(n: int) -> str:
    return (today() - timedelta(days=n)).isoformat()


def pool_row(runtime: Runtime, project_id: str) -> dict:
    row = runtime.db.fetchone("SELECT * FROM rm_projects WHERE id = ?", (project_id,))
    assert row is not None
    return row


def act(client: FlaskClient, pid: str, action: str, **data: object):
    return client.post(f"/projects/{pid}/actions/{action}", data=data)


@pytest.fixture(name="project")
def project_fixture(page_runtime: Runtime) -> dict:
    return register(page_runtime, stage_date=today() - timedelta(days=30))


def test_project_page_shows_state_timeline_history_and_actions(
    client: FlaskClient, project: dict
) -> None:
    login(client, "officer")
    page = page_text(client.get(f"/projects/{project['id']}"))
    assert project["name"] in page and "某某科技有限公司" in page
    assert "机器人与智能制造" in page and "吴中经济技术开发区" in page
    assert "12,000" in page
    assert "阶段进度" in page and days_ago(30) in page
    assert "决策记录" in page and "登记" in page
    assert 'name="expected_version" value="1"' in page
    assert "推进到下一阶段：签约" in page
    # Officers may not correct or reinstate: those forms are not offered.
    assert "更正：退回到更早阶段" not in page and "调整责任人" not in page


@pytest.mark.parametrize("name", ["viewer", "auditor"])
def test_read_only_roles_see_no_forms_and_cannot_act(
    client: FlaskClient, page_runtime: Runtime, project: dict, name: str
) -> None:
    login(client, name)
    page = page_text(client.get(f"/projects/{project['id']}"))
    assert "决策记录" in page and "办理" not in page
    response = act(
        client, project["id"], "move", to="signed", date=days_ago(1), expected_version=1
    )
    assert response.status_code == 403
    assert pool_row(page_runtime, project["id"])["stage"] == "negotiating"


def test_move_stage_updates_pool_and_history(
    client: FlaskClient, page_runtime: Runtime, project: dict
) -> None:
    login(client, "officer")
    response = act(
        client,
        project["id"],
        "move",
        to="signed",
        date=days_ago(10),
        reason="签订投资协议",
        expected_version=1,
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/projects/{project['id']}"
    row = pool_row(page_runtime, project["id"])
    assert (row["stage"], row["signed_on"], row["version"]) == (
        "signed",
        days_ago(10),
        2,
    )
    page = page_text(client.get(response.headers["Location"]))
    assert "阶段已更新" in page and "签订投资协议" in page


def test_stale_form_changes_nothing(
    client: FlaskClient, page_runtime: Runtime, project: dict
) -> None:
    login(client, "officer")
    first = act(
        client, project["id"], "move", to="signed", date=days_ago(5), expected_version=1
    )
    assert first.status_code == 302
    # A second form read at version 1 is now stale.
    stale = act(
        client, project["id"], "move", to="landed", date=days_ago(1), expected_version=1
    )
    assert stale.status_code == 409
    assert STALE in page_text(stale)
    row = pool_row(page_runtime, project["id"])
    assert (row["version"], row["progress_note"]) == (2, None)


def test_future_date_rerenders_form_with_field_message(
    client: FlaskClient, page_runtime: Runtime, project: dict
) -> None:
    login(client, "officer")
    tomorrow = (today() + timedelta(days=1)).isoformat()
    response = act(
        client, project["id"], "move", to="signed", date=tomorrow, expected_version=1
    )
    assert response.status_code == 422
    page = page_text(response)
    assert "日期不能晚于今天" in page
    assert 'id="act-move" open' in page and f'value="{tomorrow}"' in page
    assert pool_row(page_runtime, project["id"])["version"] == 1


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("move", {"to": "landed", "date": "DAY"}, "不能跳过阶段"),
        ("move", {"to": "signed", "date": "2024-13-40"}, "日期格式应为"),
        ("move", {"to": "signed"}, "请填写日期"),
        ("withdraw", {"date": "DAY", "reason": ""}, "不能为空"),
        ("progress", {"date": "DAY", "note": "x" * 2001}, "最多 2000 个字符"),
        (
            "plan",
            {"planned_signed": "2030-01-01", "planned_landed": "2029-01-01"},
            "计划日期必须按",
        ),
    ],
)
def test_rule_violations_are_422_with_message(
    client: FlaskClient,
    page_runtime: Runtime,
    project: dict,
    action: str,
    data: dict,
    message: str,
) -> None:
    login(client, "officer")
    data = {k: days_ago(1) if v == "DAY" else v for k, v in data.items()}
    response = act(client, project["id"], action, expected_version=1, **data)
    assert response.status_code == 422
    assert message in page_text(response)
    assert pool_row(page_runtime, project["id"])["version"] == 1


def test_missing_version_is_refused(client: FlaskClient, project: dict) -> None:
    login(client, "officer")
    response = act(client, project["id"], "progress", date=days_ago(1), note="x")
    assert response.status_code == 422
    assert "版本号" in page_text(response)


def test_withdraw_then_only_a_leader_reinstates(
    client: FlaskClient, page_runtime: Runtime, project: dict
) -> None:
    login(client, "officer")
    response = act(
        client,
        project["id"],
        "withdraw",
        date=days_ago(2),
        reason="投资方撤资",
        expected_version=1,
    )
    assert response.status_code == 302
    assert pool_row(page_runtime, project["id"])["stage"] == "withdrawn"
    page = page_text(client.get(f"/projects/{project['id']}"))
    assert "恢复项目" not in page
    denied = act(
        client, project["id"], "reinstate", reason="重新洽谈", expected_version=2
    )
    assert denied.status_code == 403
    client.post("/logout")
    login(client, "leader")
    assert "恢复项目" in page_text(client.get(f"/projects/{project['id']}"))
    response = act(
        client, project["id"], "reinstate", reason="重新洽谈", expected_version=2
    )
    assert response.status_code == 302
    assert pool_row(page_runtime, project["id"])["stage"] == "negotiating"


def test_correction_is_for_leaders(
    client: FlaskClient, page_runtime: Runtime, project: dict
) -> None:
    login(client, "officer")
    act(
        client, project["id"], "move", to="signed", date=days_ago(3), expected_version=1
    )
    denied = act(
        client,
        project["id"],
        "correct",
        to="negotiating",
        date=days_ago(1),
        reason="误操作",
        expected_version=2,
    )
    assert denied.status_code == 403
    assert pool_row(page_runtime, project["id"])["stage"] == "signed"
    client.post("/logout")
    login(client, "leader")
    no_reason = act(
        client,
        project["id"],
        "correct",
        to="negotiating",
        date=days_ago(1),
        reason="",
        expected_version=2,
    )
    assert no_reason.status_code == 422
    done = act(
        client,
        project["id"],
        "correct",
        to="negotiating",
        date=days_ago(1),
        reason="误操作",
        expected_version=2,
    )
    assert done.status_code == 302
    page = page_text(client.get(f"/projects/{project['id']}"))
    assert "阶段更正" in page and "误操作" in page


def test_progress_plan_reassign_and_redate(
    client: FlaskClient, page_runtime: Runtime, project: dict
) -> None:
    pid = project["id"]
    login(client, "leader")
    assert (
        act(
            client,
            pid,
            "progress",
            date=days_ago(1),
            note="完成尽调",
            expected_version=1,
        ).status_code
        == 302
    )
    assert (
        act(
            client,
            pid,
            "plan",
            planned_signed="2099-01-01",
            reason="",
            expected_version=2,
        ).status_code
        == 302
    )
    assert (
        act(
            client,
            pid,
            "reassign",
            officer="officer_mudu",
            reason="分工调整",
            expected_version=3,
        ).status_code
        == 302
    )
    assert (
        act(
            client,
            pid,
            "redate",
            stage="negotiating",
            date=days_ago(40),
            reason="补录",
            expected_version=4,
        ).status_code
        == 302
    )
    row = pool_row(page_runtime, pid)
    assert row["progress_note"] == "完成尽调"
    assert row["planned_signed"] == "2099-01-01"
    assert row["officer"] == "officer_mudu"
    assert row["negotiating_on"] == days_ago(40)
    page = page_text(client.get(f"/projects/{pid}"))
    # The history spells out before → after.
    assert "<del>officer</del> → <ins>officer_mudu</ins>" in page
    assert f"<del>{days_ago(30)}</del> → <ins>{days_ago(40)}</ins>" in page


def test_reassign_is_for_leaders(client: FlaskClient, project: dict) -> None:
    login(client, "officer")
    response = act(
        client, project["id"], "reassign", officer="officer_mudu", expected_version=1
    )
    assert response.status_code == 403


def test_zone_officer_cannot_change_other_zones(
    client: FlaskClient, page_runtime: Runtime, project: dict
) -> None:
    login(client, "officer_mudu")
    page = page_text(client.get(f"/projects/{project['id']}"))
    assert "办理" not in page
    response = act(
        client,
        project["id"],
        "progress",
        date=days_ago(1),
        note="x",
        expected_version=1,
    )
    assert response.status_code == 403
    assert pool_row(page_runtime, project["id"])["version"] == 1


def test_unknown_project_action_and_id(client: FlaskClient, project: dict) -> None:
    login(client, "leader")
    assert client.get("/projects/not-a-uuid").status_code == 404
    assert (
        client.get("/projects/00000000-0000-0000-0000-000000000000").status_code == 404
    )
    assert act(client, project["id"], "explode", expected_version=1).status_code == 404
    assert client.get(f"/projects/{project['id']}/actions/move").status_code == 405


def test_user_text_is_escaped(client: FlaskClient, page_runtime: Runtime) -> None:
    evil = register(page_runtime, "<script>alert(1)</script>", investor="<b>x</b>")
    login(client, "leader")
    for url in (f"/projects/{evil['id']}", "/projects"):
        page = page_text(client.get(url))
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<script>" not in page and "<b>x</b>" not in page
