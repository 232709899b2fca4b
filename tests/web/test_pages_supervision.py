"""督办 pages: issue from the project page, the 督办单 with its forms, the overview."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import today
from tests.web.pages_fixtures import (  # noqa: F401 - fixtures
    app_fixture,
    client_fixture,
    login,
    page_runtime_fixture,
    page_text,
    register,
)


def issue_form(client, project_id, days=2, **extra):
    data = {
        "requirement": "请于期限内 <b>解决</b> 用地问题",
        "due_on": (today() + timedelta(days=days)).isoformat(),
        "lead_unit": "区资规分局",
        "partner_units": "区发改局、区住建局",
        **extra,
    }
    return client.post(f"/projects/{project_id}/supervisions", data=data)


def test_a_leader_issues_and_closes_an_officer_replies(client, page_runtime):
    project = register(page_runtime)
    login(client, "leader")
    page = page_text(client.get(f"/projects/{project['id']}"))
    assert "下达督办单" in page
    response = issue_form(client, project["id"])
    assert response.status_code == 302
    sheet_url = response.headers["Location"]
    sheet = page_text(client.get(sheet_url))
    assert f"督办〔{today().year}〕1号" in sheet
    assert "&lt;b&gt;解决&lt;/b&gt;" in sheet  # user text is escaped
    assert "区发改局、区住建局" in sheet and "临期" in sheet
    assert 'id="form-reply"' in sheet  # a leader may reply too
    assert 'id="form-close"' in sheet and 'id="form-send-back"' not in sheet
    # The officer replies from the sheet.
    client.post("/logout")
    login(client, "officer")
    sheet = page_text(client.get(sheet_url))
    assert 'id="form-reply"' in sheet and 'id="form-close"' not in sheet
    client.post(f"{sheet_url}/reply", data={"note": "已对接资规分局"})
    assert "已回复" in page_text(client.get(sheet_url))
    # Officers cannot close: the use case refuses whatever the page shows.
    assert client.post(f"{sheet_url}/close", data={"note": ""}).status_code == 403
    # The leader closes it; the overview lists it under 已办结.
    client.post("/logout")
    login(client, "leader")
    client.post(f"{sheet_url}/close", data={"note": "同意办结"})
    assert "已办结" in page_text(client.get(sheet_url))
    overview = page_text(client.get("/supervisions?status=closed"))
    assert f"督办〔{today().year}〕1号" in overview
    # The project page lists it, and its history has every step.
    page = page_text(client.get(f"/projects/{project['id']}"))
    assert f"督办〔{today().year}〕1号" in page
    for label in ("下达督办", "督办回复", "督办办结"):
        assert label in page, label


def test_bad_issue_input_is_shown_not_raised(client, page_runtime):
    project = register(page_runtime)
    login(client, "leader")
    response = issue_form(client, project["id"], days=-3)
    assert response.status_code == 302
    page = page_text(client.get(response.headers["Location"]))
    assert "办理期限不能早于今天" in page


def test_officers_see_no_issue_form_and_are_refused(client, page_runtime):
    project = register(page_runtime)
    login(client, "officer")
    assert "下达督办单" not in page_text(client.get(f"/projects/{project['id']}"))
    assert issue_form(client, project["id"]).status_code == 403


def test_the_overview_is_scoped_for_officers(client, page_runtime):
    mine = register(page_runtime, name="【示例】本人项目")
    other = register(page_runtime, name="【示例】他人项目", actor="admin")
    leader = page_runtime.app.actor_for("leader")
    for p in (mine, other):
        page_runtime.app.issue_supervision(leader, p["id"], "限期推进", today())
    page_runtime.wait_for_read_models()
    login(client, "officer")
    page = page_text(client.get("/supervisions"))
    assert "【示例】本人项目" in page and "【示例】他人项目" not in page
    client.post("/logout")
    login(client, "leader")
    page = page_text(client.get("/supervisions"))
    assert "【示例】本人项目" in page and "【示例】他人项目" in page


def test_the_header_counts_unread_notifications_until_read(client, page_runtime):
    project = register(page_runtime)
    leader = page_runtime.app.actor_for("leader")
    page_runtime.app.issue_supervision(leader, project["id"], "限期推进", today())
    page_runtime.wait_for_read_models()
    login(client, "officer")
    page = page_text(client.get("/"))
    assert 'id="unread-count">1<' in page
    listing = page_text(client.get("/notifications"))
    assert "收到督办〔" in listing and "限期推进" in listing
    client.post("/notifications/read")
    assert 'id="unread-count"' not in page_text(client.get("/"))
    # The viewer was never notified.
    client.post("/logout")
    login(client, "viewer")
    assert "暂无通知" in page_text(client.get("/notifications"))
