"""Pages of the stalled-project feature: list and scan, answer and escalate on
the project page, the dashboard figures, the policy admin page, the outbox."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from domain.clock import today
from domain.permissions import Actor
from domain.stall import POLICY_ID, iso_week
from domain.stall_scan import scan_id
from gxtrack.bootstrap import Runtime
from tests.web.pages_fixtures import (  # noqa: F401 - fixtures
    app_fixture,
    client_fixture,
    login,
    page_runtime_fixture,
    page_text,
    register,
)

STALE = "此项目已被他人修改，请刷新后重试"


def events(runtime: Runtime, pid: str) -> list[str]:
    return [type(e).__name__ for e in runtime.app.events.get(UUID(pid))]


@pytest.fixture(name="stalled")
def stalled_fixture(page_runtime: Runtime) -> dict:
    """A project 100 days in 在谈 (yellow) and one 200 days (red, zone mudu)."""
    yellow = register(page_runtime, stage_date=today() - timedelta(days=100))
    red = register(
        page_runtime,
        "【示例】红色预警项目",
        stage_date=today() - timedelta(days=200),
        zone="mudu",
        actor="leader",
        officer="officer_mudu",
    )
    register(page_runtime, "【示例】新项目", stage_date=today())
    return {"yellow": yellow, "red": red}


def scan(runtime: Runtime) -> dict:
    result, _ = runtime.app.run_stall_scan(runtime.app.actor_for("leader"))
    runtime.wait_for_read_models()
    return result


def test_stalled_page_lists_filters_and_leaders_scan(client, page_runtime, stalled):
    login(client, "viewer")
    html = page_text(client.get("/stalled"))
    assert "【示例】红色预警项目" in html and "【示例】智能装备项目" in html
    assert "【示例】新项目" not in html
    assert "立即扫描" not in html  # viewers cannot scan
    html = page_text(client.get("/stalled?level=yellow"))
    assert "【示例】红色预警项目" not in html and "【示例】智能装备项目" in html
    html = page_text(client.get("/stalled?zone=mudu"))
    assert "【示例】红色预警项目" in html and "【示例】智能装备项目" not in html
    html = page_text(client.get("/stalled?officer=officer"))
    assert "【示例】红色预警项目" not in html
    past = (today() - timedelta(days=95)).isoformat()
    html = page_text(client.get(f"/stalled?as_of={past}"))
    assert "【示例】红色预警项目" in html and "【示例】智能装备项目" not in html
    assert client.get("/stalled?as_of=someday").status_code == 422
    assert client.get("/stalled?level=green").status_code == 422
    assert client.post("/stalled/scan", data={}).status_code == 403
    client.post("/logout")
    # A leader scans: a flash, the scan listed, events on both projects.
    login(client, "leader")
    assert "立即扫描" in page_text(client.get("/stalled"))
    r = client.post("/stalled/scan", data={"as_of": ""}, follow_redirects=True)
    html = page_text(r)
    assert "扫描完成：新增预警 2 个，解除 0 个" in html
    assert iso_week(today()) in html and "待回复" in html
    assert events(page_runtime, stalled["red"]["id"]) == ["Registered", "StallFlagged"]
    # The same week again records nothing.
    r = client.post("/stalled/scan", data={}, follow_redirects=True)
    assert "已扫描，结果未变" in page_text(r)
    assert len(list(page_runtime.app.events.get(scan_id(iso_week(today()))))) == 1
    future = (today() + timedelta(days=1)).isoformat()
    r = client.post("/stalled/scan", data={"as_of": future})
    assert r.status_code == 422 and "日期不能晚于今天" in page_text(r)
    assert client.get("/stalled", follow_redirects=False).status_code == 200


def test_anonymous_is_sent_to_login(client):
    r = client.get("/stalled")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_answer_and_escalate_on_the_project_page(client, page_runtime, stalled):
    pid = stalled["yellow"]["id"]
    url = f"/projects/{pid}"
    login(client, "officer")
    assert "回复停滞预警" not in page_text(client.get(url))  # not flagged yet
    assert "/stalled?officer=officer" in page_text(client.get("/stalled"))
    scan(page_runtime)
    html = page_text(client.get(url))
    assert "回复停滞预警" in html and "确认督办" not in html
    assert "预警 → 回复 → 督办 → 解除" in html
    checkpoint = (today() + timedelta(days=14)).isoformat()
    answer = {
        "cause": "<script>alert(1)</script>融资未到位",
        "plan": "协调银行对接",
        "checkpoint": checkpoint,
        "expected_version": "1",
    }
    # A stale form changes nothing and says so.
    r = client.post(f"{url}/actions/answer", data=answer)
    assert r.status_code == 409 and STALE in page_text(r)
    # A missing checkpoint comes back with the message next to the field.
    r = client.post(
        f"{url}/actions/answer",
        data={**answer, "checkpoint": "", "expected_version": "2"},
    )
    assert r.status_code == 422 and "请填写日期" in page_text(r)
    assert events(page_runtime, pid) == ["Registered", "StallFlagged"]
    # An officer cannot escalate.
    r = client.post(
        f"{url}/actions/escalate", data={"reason": "x", "expected_version": "2"}
    )
    assert r.status_code == 403
    r = client.post(
        f"{url}/actions/answer",
        data={**answer, "expected_version": "2"},
        follow_redirects=True,
    )
    html = page_text(r)
    assert "预警回复已记录" in html and checkpoint in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;融资未到位" in html
    row = page_runtime.db.fetchone("SELECT cause, answered_by FROM rm_alerts")
    assert row == {
        "cause": "<script>alert(1)</script>融资未到位",
        "answered_by": "officer",
    }
    client.post("/logout")
    # Another officer may not answer.
    login(client, "officer_mudu")
    r = client.post(f"{url}/actions/answer", data={**answer, "expected_version": "3"})
    assert r.status_code == 403
    client.post("/logout")
    # The leader escalates; then the form is gone (once per flag).
    login(client, "leader")
    assert "确认督办" in page_text(client.get(url))
    r = client.post(
        f"{url}/actions/escalate", data={"reason": "", "expected_version": "3"}
    )
    assert r.status_code == 422
    r = client.post(
        f"{url}/actions/escalate",
        data={"reason": "请本周内提交专项报告", "expected_version": "3"},
        follow_redirects=True,
    )
    html = page_text(r)
    assert "已督办" in html and "请本周内提交专项报告" in html
    assert "确认督办" not in html
    assert events(page_runtime, pid)[-2:] == ["StallAnswered", "StallEscalated"]
    # Moving the project clears the alert; the lifecycle shows it.
    r = client.post(
        f"{url}/actions/move",
        data={"to": "signed", "date": today().isoformat(), "expected_version": "4"},
        follow_redirects=True,
    )
    html = page_text(r)
    assert "阶段已变更为签约" in html and "回复停滞预警" not in html
    # The stalled list shows the answered, escalated alert of the red project? No:
    # it shows the red one waiting for an answer, and no longer lists this one.
    html = page_text(client.get("/stalled"))
    assert "【示例】智能装备项目" not in html and "待回复" in html


def test_dashboard_shows_stall_figures(client, page_runtime, stalled):
    scan(page_runtime)
    login(client, "leader")
    html = page_text(client.get("/"))
    assert "停滞预警统计" in html and "按预警级别" in html
    assert 'class="bar stall-red"' in html and 'class="bar stall-yellow"' in html
    assert "预警总数 / 未解除" in html
    assert "【示例】红色预警项目" in html


def test_policy_admin_page(client, page_runtime):
    login(client, "leader")
    assert client.get("/admin/stall-policy").status_code == 403
    client.post("/logout")
    login(client, "admin")
    html = page_text(client.get("/admin/stall-policy"))
    assert "现行规则" in html and "v1" in html and "系统默认" in html
    form = {
        "thresholds.negotiating": "60",
        "thresholds.signed": "180",
        "thresholds.landed": "365",
        "overdue_days": "30",
        "reason": "加快在谈项目",
        "expected_version": "1",
    }
    r = client.post("/admin/stall-policy", data={**form, "thresholds.signed": "0"})
    assert r.status_code == 422 and "须在 1–3650 天之间" in page_text(r)
    r = client.post(
        "/admin/stall-policy", data={**form, "thresholds.negotiating": "90"}
    )
    assert r.status_code == 422 and "没有变化" in page_text(r)
    r = client.post("/admin/stall-policy", data=form, follow_redirects=True)
    html = page_text(r)
    assert "预警规则已更新" in html and "v2" in html and "加快在谈项目" in html
    assert "60 / 180 / 365" in html
    r = client.post(
        "/admin/stall-policy", data={**form, "thresholds.negotiating": "45"}
    )
    assert r.status_code == 409 and "预警规则已被他人修改" in page_text(r)
    assert [type(e).__name__ for e in page_runtime.app.events.get(POLICY_ID)] == [
        "Created",
        "PolicyChanged",
    ]


def test_outbox_lists_digests_read_only_and_escaped(client, page_runtime, stalled):
    system = Actor.system()
    page_runtime.app.add_user(
        system, "leader_mail", "leader", None, "某领导", "leader@example.test"
    )
    register(
        page_runtime,
        "【示例】<b>粗体</b>项目",
        stage_date=today() - timedelta(days=120),
    )
    login(client, "leader")
    r = client.post("/stalled/scan", data={}, follow_redirects=True)
    assert r.status_code == 200
    html = page_text(client.get("/stalled/outbox"))
    assert "leader@example.test" in html and "待发送" in html
    row = page_runtime.db.fetchone("SELECT id, subject FROM mail_outbox")
    assert row["subject"] in html
    html = page_text(client.get(f"/stalled/outbox/{row['id']}"))
    assert "【示例】红色预警项目" in html and ".xlsx" in html
    assert "<b>粗体</b>" not in html and "&lt;b&gt;粗体&lt;/b&gt;" in html
    assert client.get("/stalled/outbox/nope").status_code == 404
    assert client.post(f"/stalled/outbox/{row['id']}").status_code == 405
    client.post("/logout")
    login(client, "officer")
    assert client.get("/stalled/outbox").status_code == 403
    assert client.get(f"/stalled/outbox/{row['id']}").status_code == 403


def test_stalled_pages_in_english(client, page_runtime, stalled):
    scan(page_runtime)
    login(client, "leader")
    html = page_text(client.get("/stalled?lang=en"))
    assert "Run the stall scan" in html and "Awaiting answer" in html
    assert "Too long in stage" in html
    html = page_text(client.get(f"/projects/{stalled['red']['id']}?lang=en"))
    assert "Answer the stall alert" in html and "flag → answer" in html


def test_an_empty_outbox_says_why(client, page_runtime, stalled):
    login(client, "leader")
    html = page_text(client.get("/stalled/outbox"))
    assert "还没有运行过停滞扫描" in html
    assert "以下用户没有填写邮箱" in html and "officer_mudu" in html
    client.post("/stalled/scan", data={})
    html = page_text(client.get("/stalled/outbox"))
    assert "还没有预警邮件" in html and "没有填写邮箱的在用招商专员或领导" in html
    assert page_runtime.db.fetchone("SELECT COUNT(*) AS n FROM mail_outbox")["n"] == 0
    page_runtime.app.add_user(
        Actor.system(), "leader_mail", "leader", None, "某领导", "lead@example.test"
    )
    page_runtime.wait_for_read_models()
    readiness = page_runtime.app.mail_readiness()
    assert readiness["with_email"] == ["leader_mail"]
    assert readiness["last_scan"] == iso_week(today())
    assert "viewer" not in readiness["without_email"]  # digests go to officers, leaders
