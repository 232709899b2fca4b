"""Every page renders on PostgreSQL too (the read-model SQL is portable)."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest

from domain.clock import today
from gxtrack.app.demo import sample_uscc
from gxtrack.bootstrap import Runtime
from tests.conftest import pg_settings
from tests.web.helpers import add_users, login, page_text, register
from web.app import create_app

pytestmark = pytest.mark.postgres


def test_pages_on_postgres(pg_schema: str, tmp_path: Path) -> None:
    runtime = Runtime.open(pg_settings(pg_schema, tmp_path))
    try:
        add_users(runtime, ("admin", "admin"), ("officer", "officer"))
        project = register(runtime, stage_date=today() - timedelta(days=20))
        admin = runtime.app.actor_for("admin")
        runtime.app.move_project(admin, project["id"], "signed", today())
        enterprise = runtime.app.register_enterprise(
            admin, sample_uscc(random.Random(3)), "【示例】某企业"
        )
        runtime.app.award_designation(
            admin, enterprise["id"], "little_giant", today() - timedelta(days=5)
        )
        runtime.wait_for_read_models()
        app = create_app(runtime, {"TESTING": True, "WTF_CSRF_ENABLED": False})
        client = app.test_client()
        assert login(client, "admin").status_code == 302
        for url in (
            "/",
            "/projects?q=智能&sort=-investment",
            f"/projects?as_of={today() - timedelta(days=1)}",
            "/projects/export.xlsx",
            "/projects/export.csv",
            f"/projects/{project['id']}",
            f"/projects/{project['id']}/edit",
            "/projects/new",
            "/enterprises",
            "/enterprises?tier=little_giant&q=某",
            f"/enterprises/{enterprise['id']}",
            "/admin/users",
            "/admin/reference",
        ):
            assert client.get(url).status_code == 200, url
        assert "专精特新“小巨人”" in page_text(client.get("/enterprises"))
        response = client.post(
            f"/projects/{project['id']}/actions/progress",
            data={"date": today().isoformat(), "note": "PG", "expected_version": "2"},
        )
        assert response.status_code == 302
        assert runtime.db.scalar("SELECT progress_note FROM rm_projects") == "PG"
    finally:
        runtime.close()
