"""Users' own account: changing one's password; deactivating oneself is confirmed;
the only active admin is kept."""

from __future__ import annotations

from flask import Flask

from tests.web.pages_fixtures import (  # noqa: F401 - fixtures
    PASSWORD,
    app_fixture,
    client_fixture,
    csrf_app_fixture,
    csrf_token,
    login,
    login_with_token,
    page_runtime_fixture,
    page_text,
)

NEW = "a-new-pass-word"


def test_everyone_changes_their_own_password(client, page_runtime):
    for name in ("viewer", "officer", "auditor"):
        login(client, name)
        form = {"current": PASSWORD, "password": NEW, "repeat": NEW}
        response = client.post("/account/password", data=form)
        assert response.status_code == 302, name
        assert page_runtime.accounts.check_password(name, NEW)
        stored = page_runtime.db.scalar(
            "SELECT hash FROM acc_passwords WHERE name = ?", (name,)
        )
        assert NEW not in stored  # hashed, never kept as typed
        client.post("/logout")


def test_the_current_password_is_required_and_the_new_one_checked(client, page_runtime):
    login(client, "viewer")
    cases = [
        (
            {"current": "wrong-password", "password": NEW, "repeat": NEW},
            "当前密码不正确",
        ),
        ({"current": PASSWORD, "password": NEW, "repeat": NEW + "x"}, "不一致"),
        ({"current": PASSWORD, "password": "short", "repeat": "short"}, "密码至少"),
    ]
    for form, message in cases:
        response = client.post("/account/password", data=form)
        assert response.status_code == 422
        assert message in page_text(response)
    assert page_runtime.accounts.check_password("viewer", PASSWORD)


def test_the_form_needs_its_csrf_token(csrf_app: Flask, page_runtime):
    client = csrf_app.test_client()
    login_with_token(client, "viewer")
    form = {"current": PASSWORD, "password": NEW, "repeat": NEW}
    assert client.post("/account/password", data=form).status_code == 400
    token = csrf_token(page_text(client.get("/account/password")))
    response = client.post("/account/password", data={**form, "csrf_token": token})
    assert response.status_code == 302
    assert page_runtime.accounts.check_password("viewer", NEW)


def test_deactivating_oneself_asks_for_confirmation(client, page_runtime):
    app = page_runtime.app
    app.add_user(app.actor_for("admin"), "second", "admin")
    page_runtime.wait_for_read_models()
    login(client, "admin")
    assert "确认停用我自己的账号" in page_text(client.get("/admin/users"))
    response = client.post("/admin/users/admin/active", data={"active": "0"})
    assert response.status_code == 422
    assert "请勾选确认" in page_text(response)
    assert app.find_user("admin").active
    response = client.post(
        "/admin/users/admin/active", data={"active": "0", "confirm": "1"}
    )
    assert response.status_code == 302
    assert not app.find_user("admin").active


def test_the_only_active_admin_cannot_deactivate_themself(client, page_runtime):
    login(client, "admin")
    response = client.post(
        "/admin/users/admin/active", data={"active": "0", "confirm": "1"}
    )
    assert response.status_code == 422
    assert "唯一启用的系统管理员" in page_text(response)
    assert page_runtime.app.find_user("admin").active
