"""Enterprise pages (list, ladder, award form) and the admin pages."""

from __future__ import annotations

import random
from datetime import timedelta

from flask.testing import FlaskClient

from domain.clock import today
from gxtrack.app.demo import sample_uscc
from gxtrack.bootstrap import Runtime
from tests.web.pages_fixtures import (  # noqa: F401 - fixtures
    PASSWORD,
    app_fixture,
    client_fixture,
    login,
    page_runtime_fixture,
    page_text,
)

USCC = sample_uscc(random.Random(7))


def _enterprise(client: FlaskClient, name: str = "【示例】精密机械有限公司") -> str:
    response = client.post(
        "/enterprises", data={"uscc": USCC, "name": name, "zone": "mudu"}
    )
    assert response.status_code == 302
    return response.headers["Location"].rsplit("/", 1)[1]


def test_register_enterprise_and_award_designations(
    client: FlaskClient, page_runtime: Runtime
) -> None:
    login(client, "leader")
    eid = _enterprise(client)
    page = page_text(client.get(f"/enterprises/{eid}"))
    assert USCC in page and "暂无认定记录" in page and "认定新称号" in page
    certified = (today() - timedelta(days=10)).isoformat()
    response = client.post(
        f"/enterprises/{eid}/designations",
        data={
            "designation": "srdi",
            "certified_on": certified,
            "document_no": "苏工信〔示例〕1号",
            "expected_version": "1",
        },
    )
    assert response.status_code == 302
    page = page_text(client.get(f"/enterprises/{eid}"))
    assert "专精特新中小企业" in page and "苏工信〔示例〕1号" in page
    assert 'class="held current"' in page
    listing = page_text(client.get("/enterprises?tier=srdi"))
    assert "【示例】精密机械有限公司" in listing and "共 1 家企业" in listing
    assert "共 0 家企业" in page_text(client.get("/enterprises?tier=little_giant"))
    row = page_runtime.db.fetchone("SELECT * FROM rm_designations")
    assert (row["designation"], row["certified_on"]) == ("srdi", certified)


def test_award_errors_stale_and_roles(
    client: FlaskClient, page_runtime: Runtime
) -> None:
    login(client, "leader")
    eid = _enterprise(client)
    url = f"/enterprises/{eid}/designations"
    bad = client.post(
        url,
        data={
            "designation": "nope",
            "certified_on": "2024-01-01",
            "expected_version": "1",
        },
    )
    assert bad.status_code == 422 and "未知称号" in page_text(bad)
    future = (today() + timedelta(days=3)).isoformat()
    bad = client.post(
        url,
        data={"designation": "srdi", "certified_on": future, "expected_version": "1"},
    )
    assert bad.status_code == 422 and "日期不能晚于今天" in page_text(bad)
    stale = client.post(
        url,
        data={
            "designation": "srdi",
            "certified_on": "2024-01-01",
            "expected_version": "9",
        },
    )
    assert stale.status_code == 409 and "此企业已被他人修改" in page_text(stale)
    client.post("/logout")
    login(client, "officer")
    page = page_text(client.get(f"/enterprises/{eid}"))
    assert "认定新称号" not in page
    denied = client.post(
        url,
        data={
            "designation": "srdi",
            "certified_on": "2024-01-01",
            "expected_version": "1",
        },
    )
    assert denied.status_code == 403
    assert page_runtime.db.scalar("SELECT COUNT(*) AS n FROM rm_designations") == 0


def test_enterprise_register_errors(client: FlaskClient, page_runtime: Runtime) -> None:
    login(client, "officer")
    bad = client.post("/enterprises", data={"uscc": "91320506ABC", "name": "x"})
    assert bad.status_code == 422 and "has-error" in page_text(bad)
    _enterprise(client)
    dup = client.post("/enterprises", data={"uscc": USCC, "name": "另一家"})
    assert dup.status_code == 409 and "已登记" in page_text(dup)
    client.post("/logout")
    login(client, "viewer")
    assert "登记企业" not in page_text(client.get("/enterprises"))
    assert (
        client.post("/enterprises", data={"uscc": USCC, "name": "x"}).status_code == 403
    )
    assert client.get("/enterprises/not-an-id").status_code == 404
    assert client.get("/enterprises?tier=bogus").status_code == 422


def test_admin_pages_are_admin_only(client: FlaskClient) -> None:
    for name in ("leader", "officer", "viewer", "auditor"):
        login(client, name)
        assert client.get("/admin/users").status_code == 403, name
        assert client.get("/admin/reference").status_code == 403, name
        data = {"name": "x", "role": "viewer", "password": PASSWORD}
        assert client.post("/admin/users", data=data).status_code == 403, name
        client.post("/logout")
    assert client.get("/admin/users").status_code == 302


def test_admin_adds_user_who_can_log_in(
    client: FlaskClient, page_runtime: Runtime, app
) -> None:
    login(client, "admin")
    page = page_text(client.get("/admin/users"))
    assert "officer_mudu" in page and "新增用户" in page
    short = client.post(
        "/admin/users", data={"name": "newbie", "role": "officer", "password": "short"}
    )
    assert short.status_code == 422 and "密码至少 8 位" in page_text(short)
    assert page_runtime.app.actor_for("newbie") is None
    bad_role = client.post(
        "/admin/users", data={"name": "newbie", "role": "boss", "password": PASSWORD}
    )
    assert bad_role.status_code == 422 and "未知角色" in page_text(bad_role)
    ok = client.post(
        "/admin/users",
        data={
            "name": "newbie",
            "role": "officer",
            "zone": "luzhi",
            "display_name": "新同事",
            "password": PASSWORD,
        },
    )
    assert ok.status_code == 302
    dup = client.post(
        "/admin/users", data={"name": "newbie", "role": "viewer", "password": PASSWORD}
    )
    assert dup.status_code == 409 and "用户已存在" in page_text(dup)
    other = app.test_client()
    assert login(other, "newbie").status_code == 302
    assert "新同事" in page_text(other.get("/"))  # by display name


def test_admin_changes_role_and_deactivates(
    client: FlaskClient, page_runtime: Runtime
) -> None:
    login(client, "admin")
    response = client.post(
        "/admin/users/viewer/role", data={"role": "auditor", "zone": ""}
    )
    assert response.status_code == 302
    assert page_runtime.app.actor_for("viewer").role.value == "auditor"
    same = client.post("/admin/users/viewer/role", data={"role": "auditor", "zone": ""})
    assert same.status_code == 422 and page_text(same).count("角色没有变化") == 1
    assert (
        client.post("/admin/users/ghost/role", data={"role": "viewer"}).status_code
        == 404
    )
    assert (
        client.post("/admin/users/viewer/active", data={"active": "0"}).status_code
        == 302
    )
    assert page_runtime.app.actor_for("viewer") is None
    row = page_runtime.db.fetchone("SELECT active FROM rm_users WHERE name = 'viewer'")
    assert row["active"] == 0
    again = client.post("/admin/users/viewer/active", data={"active": "0"})
    assert again.status_code == 422
    assert (
        client.post("/admin/users/viewer/active", data={"active": "1"}).status_code
        == 302
    )


def test_admin_reference_add_and_rename(
    client: FlaskClient, page_runtime: Runtime
) -> None:
    login(client, "admin")
    page = page_text(client.get("/admin/reference"))
    assert "新一代信息技术" in page and "木渎镇" in page
    ok = client.post(
        "/admin/reference/industry", data={"code": "new_materials", "name": "新材料"}
    )
    assert ok.status_code == 302
    assert page_runtime.app.reference().industries["new_materials"] == "新材料"
    dup = client.post(
        "/admin/reference/industry", data={"code": "new_materials", "name": "别名"}
    )
    assert dup.status_code == 422 and "代码已存在" in page_text(dup)
    bad = client.post("/admin/reference/zone", data={"code": "中文", "name": "某园区"})
    assert bad.status_code == 422 and "代码只能包含" in page_text(bad)
    assert (
        client.post(
            "/admin/reference/planet", data={"code": "x", "name": "y"}
        ).status_code
        == 422
    )
    renamed = client.post("/admin/reference/zone/mudu", data={"name": "木渎镇（示例）"})
    assert renamed.status_code == 302
    assert page_runtime.app.reference().zones["mudu"] == "木渎镇（示例）"
    unknown = client.post("/admin/reference/zone/nowhere", data={"name": "x"})
    assert unknown.status_code == 422
