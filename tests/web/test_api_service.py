"""Pool summary, reference data, users admin, /me, health, OpenAPI and the docs page."""

from __future__ import annotations

import pytest

from gxtrack.bootstrap import Runtime
from tests.conftest import pg_settings
from tests.web.api_fixtures import (  # noqa: F401 - fixtures
    API,
    api_app_fixture,
    api_runtime_fixture,
    client_fixture,
    days_ago,
    register,
    tokens_fixture,
)
from web.app import create_app


def test_pool_summary_now_and_as_of(client, tokens):
    leader = tokens["leader1"]
    a = register(client, leader, planned_investment="100.25")
    register(
        client, leader, planned_investment="200.5", zone="luzhi", industry="biomed"
    )
    client.post(
        f"{API}/projects/{a['id']}/stage",
        json={"to": "signed", "date": days_ago(3), "expected_version": 1},
        headers=leader,
    )
    r = client.get(f"{API}/pool/summary", headers=tokens["viewer1"])
    assert r.status_code == 200
    s = r.json
    assert s["by_stage"]["signed"] == {"count": 1, "investment": "100.25"}
    assert s["by_stage"]["negotiating"] == {"count": 1, "investment": "200.5"}
    assert s["by_stage"]["producing"] == {"count": 0, "investment": "0"}
    assert s["by_zone"]["luzhi"]["count"] == 1
    assert s["by_industry"]["robotics"]["investment"] == "100.25"
    past = client.get(f"{API}/pool/summary?as_of={days_ago(5)}", headers=leader).json
    assert past["as_of"] == days_ago(5)
    assert past["by_stage"]["signed"]["count"] == 0
    assert past["by_stage"]["negotiating"] == {"count": 2, "investment": "300.75"}
    r = client.get(f"{API}/pool/summary?as_of=2024-99-01", headers=leader)
    assert r.status_code == 422 and "as_of" in r.json["errors"]
    assert client.get(f"{API}/pool/summary").status_code == 401


def test_reference_lists_every_code(client, tokens):
    r = client.get(f"{API}/reference", headers=tokens["auditor1"])
    assert r.status_code == 200
    ref = r.json
    assert {"code": "robotics", "name": "机器人与智能制造"} in ref["industries"]
    assert {"code": "mudu", "name": "木渎镇"} in ref["zones"]
    assert [s["code"] for s in ref["stages"]] == [
        "negotiating",
        "signed",
        "landed",
        "producing",
        "withdrawn",
    ]
    assert {"code": "little_giant", "name": "专精特新“小巨人”", "rank": 3} in ref[
        "designations"
    ]
    assert {r["code"] for r in ref["roles"]} == {
        "admin",
        "leader",
        "officer",
        "viewer",
        "auditor",
    }


def test_reference_admin(client, tokens, api_runtime):
    body = {"code": "new_materials", "name": "新材料"}
    for role in ("leader1", "officer1", "viewer1", "auditor1"):
        r = client.post(f"{API}/reference/industries", json=body, headers=tokens[role])
        assert r.status_code == 403
    r = client.post(f"{API}/reference/industries", json=body, headers=tokens["admin1"])
    assert r.status_code == 201
    assert {"code": "new_materials", "name": "新材料"} in r.json["industries"]
    assert api_runtime.app.reference().industries["new_materials"] == "新材料"
    r = client.post(f"{API}/reference/industries", json=body, headers=tokens["admin1"])
    assert r.status_code == 422 and "code" in r.json["errors"]
    r = client.post(
        f"{API}/reference/zones/mudu",
        json={"name": "木渎镇（示例改名）"},
        headers=tokens["admin1"],
    )
    assert r.status_code == 200
    assert api_runtime.app.reference().zones["mudu"] == "木渎镇（示例改名）"
    r = client.post(f"{API}/reference/planets", json=body, headers=tokens["admin1"])
    assert r.status_code == 404
    # The new industry is accepted by project registration.
    project = register(client, tokens["officer1"], industry="新材料")
    assert project["industry"] == "new_materials"


def test_users_admin_and_me(client, tokens, api_runtime):
    admin = tokens["admin1"]
    me = client.get(f"{API}/me", headers=tokens["zoneofficer"]).json
    assert me == {
        "name": "zoneofficer",
        "role": "officer",
        "role_label": "招商专员",
        "zone": "mudu",
    }
    for role in ("leader1", "officer1", "viewer1", "auditor1"):
        assert client.get(f"{API}/users", headers=tokens[role]).status_code == 403
        r = client.post(
            f"{API}/users", json={"name": "xyz", "role": "viewer"}, headers=tokens[role]
        )
        assert r.status_code == 403
    listed = client.get(f"{API}/users", headers=admin).json
    assert listed["total"] == 8
    r = client.post(
        f"{API}/users",
        json={"name": "newofficer", "role": "officer", "zone": "luzhi"},
        headers=admin,
    )
    assert r.status_code == 201 and r.json["zone"] == "luzhi"
    assert api_runtime.db.fetchone(
        "SELECT role FROM rm_users WHERE name = 'newofficer'"
    )
    r = client.post(
        f"{API}/users", json={"name": "newofficer", "role": "officer"}, headers=admin
    )
    assert r.status_code == 409
    r = client.post(
        f"{API}/users", json={"name": "x", "role": "emperor"}, headers=admin
    )
    assert r.status_code == 422 and "role" in r.json["errors"]
    r = client.post(
        f"{API}/users", json={"name": "has space", "role": "viewer"}, headers=admin
    )
    assert r.status_code == 422 and "name" in r.json["errors"]
    # A token issued through the API works; deactivation stops it at once.
    r = client.post(f"{API}/users/newofficer/tokens", headers=admin)
    assert r.status_code == 201
    token = {"Authorization": f"Bearer {r.json['token']}"}
    assert client.get(f"{API}/me", headers=token).json["name"] == "newofficer"
    r = client.post(
        f"{API}/users/newofficer/role", json={"role": "leader"}, headers=admin
    )
    assert r.status_code == 200 and r.json["role"] == "leader"
    assert client.get(f"{API}/me", headers=token).json["role"] == "leader"
    r = client.post(f"{API}/users/newofficer/deactivate", headers=admin)
    assert r.status_code == 200 and r.json["active"] is False
    assert client.get(f"{API}/me", headers=token).status_code == 401
    r = client.post(f"{API}/users/newofficer/tokens", headers=admin)
    assert r.status_code == 422
    r = client.post(f"{API}/users/newofficer/reactivate", headers=admin)
    assert r.status_code == 200
    assert client.get(f"{API}/me", headers=token).status_code == 200
    assert (
        client.post(f"{API}/users/ghost/deactivate", headers=admin).status_code == 404
    )
    assert client.post(f"{API}/users/ghost/tokens", headers=admin).status_code == 404


def test_healthz_ok(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json["status"] == "ok"


@pytest.mark.postgres
def test_healthz_503_when_postgres_is_unreachable(pg_schema, tmp_path):
    runtime = Runtime.open(pg_settings(pg_schema, tmp_path))
    client = create_app(runtime, {"TESTING": True}).test_client()
    assert client.get("/healthz").status_code == 200
    # The store goes away: health says so, and the API answers 503, not 500.
    runtime.db.close()
    runtime.app.close()
    r = client.get("/healthz")
    assert r.status_code == 503 and r.json["status"] == "unavailable"
    r = client.get(f"{API}/projects", headers={"Authorization": "Bearer gxt_x"})
    assert r.status_code == 503 and r.json["code"] == 503


def test_openapi_document_and_local_docs_page(client):
    r = client.get(f"{API}/openapi.json")
    assert r.status_code == 200
    spec = r.json
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path in (
        "/projects",
        "/projects/{project_id}/stage",
        "/pool/summary",
        "/enterprises",
        "/reference",
        "/users",
    ):
        assert f"{API}{path}" in spec["paths"]
    page = client.get(f"{API}/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "http://" not in html and "https://" not in html
    assert "<script>" not in html  # no inline script
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "init.js"):
        assert client.get(f"{API}/docs/assets/{asset}").status_code == 200
    assert client.get(f"{API}/docs/assets/../../app.py").status_code == 404
    assert client.get(f"{API}/docs/assets/secret.txt").status_code == 404


def test_pages_keep_html_errors(client):
    r = client.get("/no-such-page")
    assert r.status_code == 404 and not r.is_json


def test_unexpected_error_is_a_logged_json_500(api_app, tokens, caplog):
    def boom():
        raise RuntimeError("bug")

    api_app.add_url_rule(f"{API}/boom", "boom", boom)
    api_app.add_url_rule("/boom", "page_boom", boom)
    client = api_app.test_client()
    r = client.get(f"{API}/boom", headers=tokens["viewer1"])
    assert r.status_code == 500 and r.json == {
        "code": 500,
        "message": "服务器内部错误",
    }
    assert "bug" not in r.get_data(as_text=True)
    assert any("unhandled error" in rec.getMessage() for rec in caplog.records)
    r = client.get("/boom")
    assert r.status_code == 500 and not r.is_json


def test_projection_timeout_is_503(api_app, tokens, monkeypatch):
    from gxtrack.errors import ProjectionTimeoutError

    runtime = api_app.extensions["gxtrack"]

    def slow() -> None:
        raise ProjectionTimeoutError("读模型未能及时更新，请稍后重试")

    monkeypatch.setattr(runtime, "wait_for_read_models", slow)
    monkeypatch.setattr(runtime, "wait_for_own_writes", slow)
    client = api_app.test_client()
    body = {"uscc": "91320506MA1MXXXX0X", "name": "x"}
    from domain.uscc import check_character

    body["uscc"] = body["uscc"][:17] + check_character(body["uscc"][:17])
    r = client.post(f"{API}/enterprises", json=body, headers=tokens["officer1"])
    assert r.status_code == 503 and r.json["code"] == 503
    assert "读模型" in r.json["message"]
