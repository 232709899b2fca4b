"""Registering a project already in the pool (same name and investor, however
spaced or cased) is refused with the duplicates named, unless confirmed: by the
API (409 `duplicate_project`, `confirm_duplicate: true`) and by the form."""

from __future__ import annotations

from domain.duplicates import duplicate_key
from tests.web.api_fixtures import (  # noqa: F401 - fixtures
    API,
    api_app_fixture,
    api_runtime_fixture,
    client_fixture,
    events_of,
    project_body,
    tokens_fixture,
)


def test_same_name_and_investor_written_differently_is_one_key():
    assert duplicate_key("【示例】 智能装备项目", "ＡＢＣ 科技") == duplicate_key(
        "【示例】智能装备项目", "abc科技"
    )
    assert duplicate_key("甲项目", "乙公司") != duplicate_key("甲项目", "丙公司")


def test_the_api_refuses_a_duplicate_unless_confirmed(client, tokens, api_runtime):
    headers = tokens["officer1"]
    body = project_body()
    del body["confirm_duplicate"]
    first = client.post(f"{API}/projects", json=body, headers=headers)
    assert first.status_code == 201
    again = client.post(
        f"{API}/projects",
        json={**body, "investor": " " + body["investor"].upper() + " "},
        headers=headers,
    )
    assert again.status_code == 409
    assert again.json["reason"] == "duplicate_project"
    assert [d["id"] for d in again.json["duplicates"]] == [first.json["id"]]
    assert (
        "(" not in again.json["message"] and "已有同名同投资方" in again.json["message"]
    )
    total = api_runtime.db.scalar("SELECT COUNT(*) FROM rm_projects")
    assert total == 1
    other = client.post(
        f"{API}/projects", json={**body, "investor": "另一家公司"}, headers=headers
    )
    assert other.status_code == 201
    confirmed = client.post(
        f"{API}/projects", json={**body, "confirm_duplicate": True}, headers=headers
    )
    assert confirmed.status_code == 201
    assert events_of(api_runtime, confirmed.json["id"]) == ["Registered"]


def test_the_form_warns_and_registers_when_confirmed(api_app, api_runtime, tokens):
    from tests.web.helpers import give_passwords, login

    give_passwords(api_runtime, "officer1")
    api_app.config["WTF_CSRF_ENABLED"] = False
    client = api_app.test_client()
    login(client, "officer1")
    form = {
        "name": "【示例】精密部件项目",
        "investor": "【示例】某某公司",
        "industry": "robotics",
        "zone": "mudu",
        "planned_investment": "800",
        "stage": "negotiating",
    }
    assert client.post("/projects/new", data=form).status_code == 302
    warned = client.post("/projects/new", data=form)
    html = warned.get_data(as_text=True)
    assert warned.status_code == 409
    assert "已有同名同投资方的项目" in html and 'name="confirm_duplicate"' in html
    assert 'value="【示例】精密部件项目"' in html  # the typing is kept
    assert api_runtime.db.scalar("SELECT COUNT(*) FROM rm_projects") == 1
    confirmed = client.post("/projects/new", data={**form, "confirm_duplicate": "true"})
    assert confirmed.status_code == 302
    assert api_runtime.db.scalar("SELECT COUNT(*) FROM rm_projects") == 2
