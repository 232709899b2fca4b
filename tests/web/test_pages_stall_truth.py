"""Pages of exemptions (暂缓), the paged stalled list and the channels admin page."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import today
from gxtrack.bootstrap import Runtime
from tests.web.pages_fixtures import (  # noqa: F401 - fixtures
    app_fixture,
    client_fixture,
    login,
    page_runtime_fixture,
    page_text,
    register,
)

TODAY = today()


def test_a_leader_exempts_from_the_project_page_and_auditors_see_the_list(
    client, page_runtime: Runtime
) -> None:
    p = register(page_runtime, stage_date=TODAY - timedelta(days=100))
    login(client, "officer")
    assert 'actions/exempt"' not in page_text(client.get(f"/projects/{p['id']}"))
    login(client, "leader")
    page = page_text(client.get(f"/projects/{p['id']}"))
    assert 'actions/exempt"' in page and 'data-level="yellow"' in page
    form = {"reason": "等待<土地>指标", "expected_version": p["version"]}
    too_far = client.post(
        f"/projects/{p['id']}/actions/exempt",
        data={**form, "until": (TODAY + timedelta(days=400)).isoformat()},
    )
    assert too_far.status_code == 422 and "暂缓最长一年" in page_text(too_far)
    until = (TODAY + timedelta(days=20)).isoformat()
    done = client.post(
        f"/projects/{p['id']}/actions/exempt", data={**form, "until": until}
    )
    assert done.status_code == 302
    page = page_text(client.get(f"/projects/{p['id']}"))
    assert 'data-level="none"' in page and f"暂缓至 {until}" in page
    assert "等待&lt;土地&gt;指标" in page  # user text escaped
    login(client, "viewer")
    assert client.get("/stalled/exemptions").status_code == 403
    login(client, "auditor")
    listing = page_text(client.get("/stalled/exemptions"))
    assert (
        "等待&lt;土地&gt;指标" in listing and until in listing and "生效中" in listing
    )


def test_the_stalled_page_is_paged_with_the_total(client, page_runtime) -> None:
    for days in range(91, 96):
        register(
            page_runtime, f"【示例】项目{days}", stage_date=TODAY - timedelta(days=days)
        )
    login(client, "viewer")
    page = page_text(client.get("/stalled?page_size=2&page=3"))
    assert "共 5 个" in page and "第 3 / 3 页" in page
    assert "【示例】项目91" in page and "【示例】项目95" not in page
    assert client.get("/stalled?page_size=201").status_code == 422


def test_admins_add_and_remove_channels_on_their_page(client, page_runtime) -> None:
    login(client, "leader")
    assert client.get("/admin/channels").status_code == 403
    login(client, "admin")
    bad = client.post(
        "/admin/channels",
        data={"name": "ding", "kind": "dingtalk", "url": "ftp://x", "secret": "S3"},
    )
    assert bad.status_code == 422 and "须为 http(s) 地址" in page_text(bad)
    done = client.post(
        "/admin/channels",
        data={
            "name": "ding",
            "kind": "dingtalk",
            "url": "https://oapi.dingtalk.com/robot/send?access_token=T0KEN",
            "secret": "S3CRET-x",
            "zone": "mudu",
        },
    )
    assert done.status_code == 302
    page = page_text(client.get("/admin/channels"))
    assert "oapi.dingtalk.com" in page and "已设密钥" in page
    assert "T0KEN" not in page and "S3CRET-x" not in page
    again = client.post(
        "/admin/channels",
        data={"name": "ding", "kind": "wecom", "url": "https://e.test/"},
    )
    assert again.status_code == 409
    assert client.post("/admin/channels/ding/remove").status_code == 302
    assert "还没有推送渠道" in page_text(client.get("/admin/channels"))
