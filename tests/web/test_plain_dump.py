"""The pool list's fast JSON path gives exactly what marshmallow's dump gives."""

from __future__ import annotations

from gxtrack.readmodels.pool.queries import PoolFilter, list_projects
from tests.web.api_fixtures import (  # noqa: F401 - fixtures are found by name
    API,
    api_app_fixture,
    api_runtime_fixture,
    client_fixture,
    days_ago,
    register,
    tokens_fixture,
)
from web.api.base import plain_dump
from web.api.schemas.projects import ProjectPageSchema, ProjectSchema


def test_plain_dump_equals_schema_dump(client, tokens, api_runtime, api_app):
    headers = tokens["leader1"]
    a = register(client, headers, land_area="12.5")
    register(client, headers, name="【示例】第二个项目", stage="signed")
    client.post(
        f"{API}/projects/{a['id']}/progress",
        json={"date": days_ago(1), "note": "【示例】已完成环评"},
        headers=headers,
    )
    # 100 days in 在谈 and a recorded flag, so the nested stall object is covered.
    with api_runtime.db.transaction() as cur:
        cur.execute(
            "UPDATE rm_projects SET stage_date = ?, stall_level = 'yellow',"
            " stall_rule = 'r', stall_days = 40, stall_since = ? WHERE id = ?",
            (days_ago(100), days_ago(2), a["id"]),
        )
    page = list_projects(api_runtime.db, PoolFilter())
    page["items"][0]["not_in_schema"] = "dropped"
    assert plain_dump(ProjectPageSchema, page) == ProjectPageSchema().dump(page)
    assert "not_in_schema" not in plain_dump(ProjectPageSchema, page)["items"][0]
    view = api_runtime.app.get_project(a["id"])
    assert plain_dump(ProjectSchema, view) == ProjectSchema().dump(view)
    listed = client.get(f"{API}/projects?sort=name", headers=headers).json
    assert {i["id"] for i in listed["items"]} == {i["id"] for i in page["items"]}
    assert all(i["stage_label"] for i in listed["items"])
    stalled = [i for i in listed["items"] if i["stall"]]
    assert stalled[0]["stall"]["days_in_stage"] == 100  # the day's judgement
    assert stalled[0]["stall"]["since"] == days_ago(2)  # the recorded flag
    assert stalled[0]["last_progress"]["note"] == "【示例】已完成环评"


def test_every_sample_project_dumps_as_marshmallow_would(tmp_path):
    """The project responses (page, create, every command) go through
    plain_dump: on the sample set (nodes, investment, 履约, alerts, 暂缓,
    merges) it must give what ProjectSchema().dump gives, as JSON too."""
    import json

    from gxtrack.app.demo import load_demo
    from gxtrack.bootstrap import Runtime
    from gxtrack.settings import Settings

    runtime = Runtime.open(Settings(data_dir=tmp_path, database_url="memory://"))
    try:
        load_demo(runtime, "demo-pass-1")
        ids = [r["id"] for r in runtime.db.fetchall("SELECT id FROM rm_projects")]
        assert len(ids) >= 50
        schema = ProjectSchema()
        for project_id in ids:
            view = runtime.app.get_project(project_id)
            fast = plain_dump(ProjectSchema, view)
            assert fast == schema.dump(view), project_id
            assert json.dumps(fast, sort_keys=True) == json.dumps(
                schema.dump(view), sort_keys=True
            )
    finally:
        runtime.close()


def test_text_fields_are_dumped_as_text():
    """A date or a Decimal in a text field becomes its text, as String.dump does."""
    from datetime import date
    from decimal import Decimal

    view = {"stage_date": date(2026, 1, 5), "planned_investment": Decimal("1.50")}
    assert plain_dump(ProjectSchema, view) == ProjectSchema().dump(view)
    assert plain_dump(ProjectSchema, view)["stage_date"] == "2026-01-05"
