"""The register and edit forms: fields, validation, roles, stale versions."""

from __future__ import annotations

from flask.testing import FlaskClient

from gxtrack.bootstrap import Runtime
from tests.web.pages_fixtures import (  # noqa: F401 - fixtures
    app_fixture,
    client_fixture,
    login,
    page_runtime_fixture,
    page_text,
    register,
)

VALID = {
    "name": "【示例】新能源电池项目",
    "investor": "某新能源有限公司",
    "industry": "green",
    "zone": "mudu",
    "planned_investment": "35000.5",
    "priority": "city",
    "stage": "negotiating",
}


def count(runtime: Runtime) -> int:
    return int(runtime.db.scalar("SELECT COUNT(*) AS n FROM rm_projects"))


def test_register_form_creates_the_project(
    client: FlaskClient, page_runtime: Runtime
) -> None:
    login(client, "officer")
    page = page_text(client.get("/projects/new"))
    assert "登记项目" in page and "节能环保" in page and 'name="csrf_token"' in page
    response = client.post("/projects/new", data=VALID)
    assert response.status_code == 302
    row = page_runtime.db.fetchone("SELECT * FROM rm_projects")
    assert row["name"] == VALID["name"] and row["officer"] == "officer"
    assert row["priority"] == "city" and row["investment"] == 350005000
    assert "项目已登记" in page_text(client.get(response.headers["Location"]))


def test_register_errors_rerender_with_field_message(
    client: FlaskClient, page_runtime: Runtime
) -> None:
    login(client, "officer")
    for field, value, message in (
        ("name", "", "不能为空"),
        ("planned_investment", "-5", "必须大于 0"),
        ("planned_investment", "abc", "必须是数字"),
        ("zone", "nowhere", "未知的落户板块"),
        ("stage", "landed", "新项目只能从 在谈 或 签约 开始"),
        ("stage_date", "2099-01-01", "日期不能晚于今天"),
        # The page reads dates with the API's schema: the same range.
        ("stage_date", "2999-01-01", "日期须在 1990-01-01 至 2100-12-31 之间"),
        ("stage_date", "1900-01-01", "日期须在 1990-01-01 至 2100-12-31 之间"),
        ("name", "示例\x1b[31m项目", "不能包含控制字符"),
        ("name", "示例\u202e项目", "不能包含控制字符"),
        ("planned_signed", "01/02/2025", "日期格式应为"),
        ("name", "x" * 201, "最多 200 个字符"),
    ):
        response = client.post("/projects/new", data={**VALID, field: value})
        assert response.status_code == 422, field
        page = page_text(response)
        assert message in page, field
        assert "has-error" in page
        # The user's other input is kept.
        assert "某新能源有限公司" in page
    assert count(page_runtime) == 0


def test_register_is_for_changers_and_zone_scoped(
    client: FlaskClient, page_runtime: Runtime
) -> None:
    login(client, "viewer")
    assert client.get("/projects/new").status_code == 403
    assert client.post("/projects/new", data=VALID).status_code == 403
    client.post("/logout")
    login(client, "officer_mudu")
    assert (
        client.post("/projects/new", data={**VALID, "zone": "wzedz"}).status_code == 403
    )
    assert count(page_runtime) == 0
    assert client.post("/projects/new", data=VALID).status_code == 302
    assert count(page_runtime) == 1


def test_leader_registers_for_another_officer(
    client: FlaskClient, page_runtime: Runtime
) -> None:
    login(client, "leader")
    response = client.post("/projects/new", data={**VALID, "officer": "officer_mudu"})
    assert response.status_code == 302
    assert page_runtime.db.scalar("SELECT officer FROM rm_projects") == "officer_mudu"


def test_officer_cannot_register_for_someone_else(
    client: FlaskClient, page_runtime: Runtime
) -> None:
    login(client, "officer")
    client.post("/projects/new", data={**VALID, "officer": "officer_mudu"})
    assert page_runtime.db.scalar("SELECT officer FROM rm_projects") == "officer"


def test_edit_form_revises_with_history(
    client: FlaskClient, page_runtime: Runtime
) -> None:
    project = register(page_runtime)
    pid = project["id"]
    login(client, "officer")
    page = page_text(client.get(f"/projects/{pid}/edit"))
    assert project["name"] in page and 'name="expected_version" value="1"' in page
    data = {
        "name": "【示例】智能装备二期",
        "investor": project["investor"],
        "industry": "robotics",
        "zone": "wzedz",
        "planned_investment": "15000",
        "priority": "district",
        "land_area": "",
        "reason": "投资方追加投资",
        "expected_version": "1",
    }
    response = client.post(f"/projects/{pid}/edit", data=data)
    assert response.status_code == 302
    row = page_runtime.db.fetchone("SELECT * FROM rm_projects WHERE id = ?", (pid,))
    assert row["name"] == "【示例】智能装备二期" and row["investment"] == 150000000
    page = page_text(client.get(f"/projects/{pid}"))
    assert "信息修改" in page and "投资方追加投资" in page
    assert f"<del>{project['name']}</del> → <ins>【示例】智能装备二期</ins>" in page
    assert "<del>12000</del> → <ins>15000</ins>" in page
    # The same form again is stale now.
    stale = client.post(f"/projects/{pid}/edit", data={**data, "name": "再改"})
    assert stale.status_code == 409
    assert "您编辑期间此项目已被他人修改" in page_text(stale)
    assert page_runtime.db.scalar("SELECT name FROM rm_projects") != "再改"


def test_edit_errors_and_roles(client: FlaskClient, page_runtime: Runtime) -> None:
    project = register(page_runtime)
    pid = project["id"]
    login(client, "officer")
    base = {"name": project["name"], "reason": "x", "expected_version": "1"}
    nothing = client.post(f"/projects/{pid}/edit", data=base)
    assert nothing.status_code == 422 and "没有需要修改的内容" in page_text(nothing)
    no_reason = client.post(
        f"/projects/{pid}/edit", data={**base, "name": "新", "reason": ""}
    )
    assert no_reason.status_code == 422 and "不能为空" in page_text(no_reason)
    client.post("/logout")
    login(client, "auditor")
    assert client.get(f"/projects/{pid}/edit").status_code == 403
    client.post("/logout")
    login(client, "officer_mudu")
    assert client.get(f"/projects/{pid}/edit").status_code == 403
    assert (
        client.post(f"/projects/{pid}/edit", data={**base, "name": "新"}).status_code
        == 403
    )
    assert page_runtime.db.scalar("SELECT version FROM rm_projects") == 1
