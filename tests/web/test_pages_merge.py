"""The project page's merge action (合并重复项目) and the merged project's page."""

from __future__ import annotations

import html as html_lib

from flask import Flask
from flask.testing import FlaskClient

from gxtrack.bootstrap import Runtime
from gxtrack.readmodels.pool.queries import PoolFilter, summary
from tests.web.pages_fixtures import (  # noqa: F401 - fixtures
    app_fixture,
    client_fixture,
    csrf_app_fixture,
    csrf_token,
    login,
    login_with_token,
    page_runtime_fixture,
    page_text,
    register,
)


def pair(runtime: Runtime) -> tuple[dict, dict]:
    survivor = register(runtime, "【示例】储能电池项目")
    duplicate = register(runtime, "【示例】储能电池项目二次登记")
    return survivor, duplicate


def merge(client, pid, **form):
    data = {"expected_version": "1", "confirm": "1", "reason": "重复登记", **form}
    return client.post(f"/projects/{pid}/actions/merge", data=data)


def test_the_form_lists_projects_of_the_same_investor(client, page_runtime):
    survivor, duplicate = pair(page_runtime)
    login(client, "leader")
    text = page_text(client.get(f"/projects/{duplicate['id']}"))
    assert f'<option value="{survivor["id"]}"' in text
    assert f'<option value="{duplicate["id"]}"' not in text  # not itself
    assert 'name="confirm"' in text


def test_a_leader_merges_and_the_duplicate_page_points_to_the_survivor(
    client, page_runtime
):
    survivor, duplicate = pair(page_runtime)
    login(client, "leader")
    r = merge(client, duplicate["id"], into=survivor["id"])
    assert r.status_code in (302, 303), page_text(r)
    assert summary(page_runtime.db, PoolFilter())["total"]["count"] == 1

    text = page_text(client.get(f"/projects/{duplicate['id']}"))
    assert "已合并至" in text
    assert f'href="/projects/{survivor["id"]}"' in text
    assert "/actions/" not in text  # nothing more to do on it
    assert f"/projects/{duplicate['id']}/supervisions" not in text
    assert "重复登记" in text  # its history, with the merge, stays readable
    text = page_text(client.get(f"/projects/{survivor['id']}"))
    assert "并入重复项目" in text
    assert html_lib.escape("《【示例】储能电池项目二次登记》") in text


def test_unconfirmed_or_bad_merges_re_render_with_the_field(client, page_runtime):
    survivor, duplicate = pair(page_runtime)
    login(client, "leader")
    r = merge(client, duplicate["id"], into=survivor["id"], confirm="")
    assert r.status_code == 422 and "请勾选确认合并" in page_text(r)
    r = merge(client, duplicate["id"], into=duplicate["id"])
    assert r.status_code == 422 and "不能把项目合并到它自己" in page_text(r)
    r = merge(client, duplicate["id"], into=survivor["id"], reason="")
    assert r.status_code == 422
    assert page_runtime.app.get_project(duplicate["id"])["version"] == 1


def test_an_officer_may_not_merge(client, page_runtime):
    survivor, duplicate = pair(page_runtime)
    login(client, "officer")
    text = page_text(client.get(f"/projects/{duplicate['id']}"))
    assert "/actions/merge" not in text
    assert merge(client, duplicate["id"], into=survivor["id"]).status_code == 403
    assert page_runtime.app.get_project(duplicate["id"])["merged_into"] is None


def test_the_merge_form_needs_its_csrf_token(csrf_app: Flask, page_runtime):
    survivor, duplicate = pair(page_runtime)
    client: FlaskClient = csrf_app.test_client()
    login_with_token(client, "leader")
    r = merge(client, duplicate["id"], into=survivor["id"])
    assert r.status_code == 400
    assert page_runtime.app.get_project(duplicate["id"])["merged_into"] is None
    token = csrf_token(page_text(client.get(f"/projects/{duplicate['id']}")))
    r = merge(client, duplicate["id"], into=survivor["id"], csrf_token=token)
    assert r.status_code in (302, 303)


def test_the_pool_export_leaves_the_duplicate_out(client, page_runtime):
    survivor, duplicate = pair(page_runtime)
    login(client, "leader")

    def exported() -> str:
        return page_text(client.get("/projects/export.csv"))

    assert duplicate["name"] in exported()
    merge(client, duplicate["id"], into=survivor["id"])
    text = exported()
    assert survivor["name"] in text and duplicate["name"] not in text


def test_the_merge_reads_in_english_too(client, page_runtime):
    survivor, duplicate = pair(page_runtime)
    login(client, "leader")
    merge(client, duplicate["id"], into=survivor["id"])
    text = page_text(client.get(f"/projects/{duplicate['id']}?lang=en"))
    assert "merged into" in text and "Merged into another project" in text
    assert "已合并至" not in text
