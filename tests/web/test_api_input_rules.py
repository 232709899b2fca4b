"""The input rules that hold everywhere, through the API: 422 naming the field,
405 with Allow, page sizes at most 200."""

from __future__ import annotations

import pytest

from tests.web.api_fixtures import (  # noqa: F401 - fixtures
    API,
    api_app_fixture,
    api_runtime_fixture,
    client_fixture,
    days_ago,
    events_of,
    project_body,
    register,
    tokens_fixture,
)


@pytest.mark.parametrize(
    "field, value",
    [
        ("stage_date", "1900-01-01"),
        ("stage_date", "1989-12-31"),
        ("name", "示例\x1b[31m项目"),
        ("name", "示例\u202e目项"),
        ("investor", "投资方\u2066x\u2069"),
        ("investor", "投资方\x00"),
    ],
)
def test_implausible_registrations_are_422_naming_the_field(
    client, tokens, api_runtime, field, value
):
    response = client.post(
        f"{API}/projects",
        json=project_body(**{field: value}),
        headers=tokens["leader1"],
    )
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
    assert api_runtime.db.scalar("SELECT COUNT(*) FROM rm_projects") == 0


def test_planned_dates_and_moves_before_1990_are_refused(client, tokens):
    body = project_body(planned_dates={"signed": "1989-01-01"})
    response = client.post(f"{API}/projects", json=body, headers=tokens["leader1"])
    assert response.status_code == 422
    assert "planned_dates.signed" in response.json["errors"]


def test_notes_may_break_lines_but_hold_no_escapes(client, tokens, api_runtime):
    project = register(client, tokens["leader1"])
    url = f"{API}/projects/{project['id']}/progress"
    good = {"date": days_ago(1), "note": "第一行\n第二行"}
    assert client.post(url, json=good, headers=tokens["leader1"]).status_code == 200
    bad = {"date": days_ago(1), "note": "说明\x1b]0;owned\x07"}
    response = client.post(url, json=bad, headers=tokens["leader1"])
    assert response.status_code == 422 and "note" in response.json["errors"]
    assert events_of(api_runtime, project["id"]).count("ProgressReported") == 1


@pytest.mark.parametrize(
    "name", ["ab", "x" * 33, "Bad", "has space", "esc\x1bname", "名字", "rtl\u202e"]
)
def test_user_names_are_3_to_32_of_a_small_alphabet(client, tokens, name):
    response = client.post(
        f"{API}/users", json={"name": name, "role": "viewer"}, headers=tokens["admin1"]
    )
    assert response.status_code == 422
    assert "name" in response.json["errors"]


def test_a_405_names_the_allowed_methods(client, tokens):
    response = client.delete(f"{API}/projects", headers=tokens["admin1"])
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert response.json["code"] == 405
    # The pages too.
    page = client.put("/audit/activity")
    assert page.status_code == 405 and "GET" in page.headers["Allow"]


@pytest.mark.parametrize("path", ["/projects", "/enterprises", "/activity"])
def test_every_list_pages_at_most_200(client, tokens, path):
    headers = tokens["admin1"]
    url = f"{API}{path}"
    ok = client.get(url, query_string={"page_size": 200}, headers=headers)
    assert ok.status_code == 200
    response = client.get(url, query_string={"page_size": 201}, headers=headers)
    assert response.status_code == 422
    assert "page_size" in response.json["errors"]


def test_the_only_active_admin_cannot_deactivate_themself(client, tokens):
    admin = tokens["admin1"]
    response = client.post(f"{API}/users/admin1/deactivate", headers=admin)
    assert response.status_code == 422
    assert "唯一" in response.json["message"]
    # With a second admin, either may step down.
    created = client.post(
        f"{API}/users", json={"name": "admin2", "role": "admin"}, headers=admin
    )
    assert created.status_code == 201
    assert (
        client.post(f"{API}/users/admin1/deactivate", headers=admin).status_code == 200
    )
