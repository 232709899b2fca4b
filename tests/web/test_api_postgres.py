"""The API's main path on PostgreSQL: register, move, list as of a date, summary."""

from __future__ import annotations

import pytest

from domain.permissions import Actor
from gxtrack.bootstrap import Runtime
from tests.conftest import pg_settings
from tests.web.api_fixtures import API, days_ago, project_body
from web.app import create_app


@pytest.mark.postgres
def test_main_path_on_postgres(pg_schema, tmp_path):
    runtime = Runtime.open(pg_settings(pg_schema, tmp_path))
    try:
        runtime.app.add_user(Actor.system(), "officer1", "officer")
        headers = {
            "Authorization": f"Bearer {runtime.accounts.issue_token('officer1')}"
        }
        bad = {"Authorization": "Bearer gxt_\x00oops"}
        client = create_app(runtime, {"TESTING": True}).test_client()
        assert client.get(f"{API}/projects", headers=bad).status_code == 401
        r = client.post(
            f"{API}/projects",
            json=project_body(planned_investment=0.1),
            headers=headers,
        )
        assert r.status_code == 201 and r.json["planned_investment"] == "0.1"
        pid = r.json["id"]
        r = client.post(
            f"{API}/projects/{pid}/stage",
            json={"to": "signed", "date": days_ago(3), "expected_version": 1},
            headers=headers,
        )
        assert r.status_code == 200
        r = client.post(
            f"{API}/projects/{pid}/stage",
            json={"to": "landed", "date": days_ago(2), "expected_version": 1},
            headers=headers,
        )
        assert r.status_code == 409
        page = client.get(f"{API}/projects?stage=signed", headers=headers).json
        assert [p["id"] for p in page["items"]] == [pid]
        past = client.get(
            f"{API}/projects?stage=negotiating&as_of={days_ago(4)}", headers=headers
        ).json
        assert past["total"] == 1
        r = client.get(f"{API}/projects", query_string={"q": "a\x00"}, headers=headers)
        assert r.status_code == 422
        s = client.get(f"{API}/pool/summary", headers=headers).json
        assert s["by_stage"]["signed"] == {"count": 1, "investment": "0.1"}
        row = runtime.db.fetchone("SELECT stage, version FROM rm_projects")
        assert row == {"stage": "signed", "version": 2}
    finally:
        runtime.close()
