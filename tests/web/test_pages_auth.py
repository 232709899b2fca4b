"""Login, logout, login throttling, CSRF, cookie flags, CSP and the language switch."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from domain.permissions import Actor
from gxtrack.bootstrap import Runtime
from tests.web.pages_fixtures import (  # noqa: F401 - fixtures
    PASSWORD,
    app_fixture,
    client_fixture,
    csrf_app_fixture,
    csrf_token,
    login,
    page_runtime_fixture,
    page_text,
)


def test_pages_need_login(client: FlaskClient) -> None:
    response = client.get("/projects?stage=signed")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/projects")


def test_login_shows_user_and_role(client: FlaskClient) -> None:
    response = login(client, "leader")
    assert response.status_code == 302
    page = page_text(client.get("/"))
    assert "leader" in page and "科室负责人/分管领导" in page


def test_login_goes_to_local_next_only(client: FlaskClient) -> None:
    response = client.post(
        "/login?next=/projects", data={"name": "viewer", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/projects"
    client.post("/logout")
    response = client.post(
        "/login?next=//evil.example/x", data={"name": "viewer", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_wrong_password_is_401_and_no_session(client: FlaskClient) -> None:
    response = login(client, "leader", "wrong-password")
    assert response.status_code == 401
    assert "用户名或密码错误" in page_text(response)
    assert client.get("/").status_code == 302


def test_unknown_and_deactivated_users_cannot_log_in(
    client: FlaskClient, page_runtime: Runtime
) -> None:
    assert login(client, "nobody").status_code == 401
    page_runtime.app.set_active(Actor.system(), "viewer", False)
    assert login(client, "viewer").status_code == 401


def test_deactivated_user_loses_session(
    client: FlaskClient, page_runtime: Runtime
) -> None:
    login(client, "viewer")
    assert client.get("/").status_code == 200
    page_runtime.app.set_active(Actor.system(), "viewer", False)
    assert client.get("/").status_code == 302


def test_five_failures_throttle_even_the_right_password(client: FlaskClient) -> None:
    for _ in range(5):
        assert login(client, "officer", "bad-password").status_code == 401
    response = login(client, "officer")
    assert response.status_code == 429
    assert "15 分钟" in page_text(response)
    # Another user from the same address is not blocked.
    assert login(client, "leader").status_code == 302


def test_failures_count_across_worker_processes(tmp_path) -> None:
    """Two web workers (two Runtimes on one SQLite store) share one count."""
    from gxtrack.settings import Settings
    from tests.web.helpers import give_passwords
    from web.app import create_app

    settings = Settings(data_dir=tmp_path / "var")
    first, second = Runtime.open(settings), Runtime.open(settings)
    try:
        first.app.add_user(Actor.system(), "officer", "officer", None)
        give_passwords(first, "officer")
        config = {"TESTING": True, "WTF_CSRF_ENABLED": False}
        worker_a = create_app(first, config).test_client()
        worker_b = create_app(second, config).test_client()
        for worker in (worker_a, worker_b, worker_a, worker_b, worker_a):
            assert login(worker, "officer", "bad-password").status_code == 401
        assert login(worker_b, "officer", PASSWORD).status_code == 429
        rows = first.db.fetchall("SELECT * FROM acc_login_failures")
        assert len(rows) == 5
        assert {r["name"] for r in rows} == {"officer"}
        assert all("password" not in str(r.values()) for r in rows)
    finally:
        first.close()
        second.close()


def test_a_successful_login_clears_the_count(client: FlaskClient, page_runtime) -> None:
    for _ in range(4):
        assert login(client, "officer", "bad-password").status_code == 401
    assert login(client, "officer").status_code == 302
    assert page_runtime.db.fetchall("SELECT * FROM acc_login_failures") == []


def test_logout_ends_session(client: FlaskClient) -> None:
    login(client, "leader")
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_logout_by_get_is_not_allowed(client: FlaskClient) -> None:
    login(client, "leader")
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_csrf_rejects_forms_without_token(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    response = client.post("/login", data={"name": "leader", "password": PASSWORD})
    assert response.status_code == 400
    assert "表单已过期" in page_text(response)
    assert client.get("/").status_code == 302


def test_csrf_token_from_the_form_is_accepted(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    token = csrf_token(page_text(client.get("/login")))
    response = client.post(
        "/login", data={"name": "leader", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    # A signed-in change form without the token is refused and changes nothing.
    response = client.post(
        "/projects/new", data={"name": "x", "investor": "y", "zone": "wzedz"}
    )
    assert response.status_code == 400
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_csrf_is_not_required_under_api(csrf_app: Flask) -> None:
    # The API authenticates with bearer tokens; whatever it answers, it is not
    # the CSRF refusal the pages give.
    response = csrf_app.test_client().post("/api/v1/projects", json={})
    body = page_text(response)
    assert "CSRF" not in body and "表单已过期" not in body


def test_security_headers_and_cookie_flags(client: FlaskClient) -> None:
    response = login(client, "leader")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'self'" in csp
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Cache-Control"] == "no-store"
    assert "<script" not in page_text(page)


def test_secure_cookie_flag_is_configurable(page_runtime: Runtime) -> None:
    from web.app import create_app

    app = create_app(
        page_runtime,
        {"TESTING": True, "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": True},
    )
    response = login(app.test_client(), "leader")
    assert "Secure" in response.headers["Set-Cookie"]


def test_language_switch_to_english_and_back(client: FlaskClient) -> None:
    login(client, "leader")
    assert "项目池" in page_text(client.get("/"))
    response = client.get("/lang/en?next=/projects")
    assert response.headers["Location"] == "/projects"
    page = page_text(client.get("/projects"))
    assert "Project pool" in page and "Dashboard" in page
    client.get("/lang/zh")
    assert "项目池" in page_text(client.get("/projects"))
    assert "Project pool" in page_text(client.get("/projects?lang=en"))


def test_unknown_page_is_404(client: FlaskClient) -> None:
    login(client, "leader")
    assert client.get("/no-such-page").status_code == 404


def test_each_request_is_rendered_in_its_own_language(client: FlaskClient) -> None:
    """The catalog is found once per request, never carried to the next one."""
    login(client, "leader")
    for lang, shown, hidden in (
        ("en", "Project pool", "项目池"),
        ("zh", "项目池", "Project pool"),
        ("en", "Project pool", "项目池"),
    ):
        page = page_text(client.get(f"/projects?lang={lang}"))
        assert shown in page and hidden not in page, lang
        # Labels from Python (stage names) follow the same request's language.
        labels = page_text(client.get(f"/projects?lang={lang}&stage=signed"))
        assert ("Signed" in labels) == (lang == "en"), lang
