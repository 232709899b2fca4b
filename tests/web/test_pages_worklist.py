"""我的待办: each section lists what needs the officer, over their own projects only."""

from __future__ import annotations

import re
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

TODAY = today()


def section(page: str, table_id: str) -> str:
    match = re.search(rf'<table class="data" id="{table_id}">(.*?)</table>', page, re.S)
    assert match, table_id
    return match.group(1)


def test_an_officers_work_list(client, page_runtime):
    app = page_runtime.app
    register(page_runtime, "【示例】停滞项目", stage_date=TODAY - timedelta(days=100))
    register(
        page_runtime,
        "【示例】逾期计划项目",
        planned_dates={"signed": TODAY - timedelta(days=1)},
    )
    on_plan = register(
        page_runtime,
        "【示例】按计划项目",
        planned_dates={"signed": TODAY},
        stage_date=TODAY - timedelta(days=40),
    )
    officer = app.actor_for("officer")
    app.report_progress(officer, on_plan["id"], TODAY - timedelta(days=29), "已洽谈")
    register(
        page_runtime,
        "【示例】他人项目",
        actor="admin",
        stage_date=TODAY - timedelta(days=100),
    )
    s = app.issue_supervision(app.actor_for("leader"), on_plan["id"], "限期推进", TODAY)
    page_runtime.wait_for_read_models()
    login(client, "officer")
    page = page_text(client.get("/todo"))
    assert "【示例】他人项目" not in page
    stalls = section(page, "todo-stalls")
    assert "【示例】停滞项目" in stalls and "【示例】按计划项目" not in stalls
    assert s["number"] in section(page, "todo-supervisions")
    assert "临期" in section(page, "todo-supervisions")
    late = section(page, "todo-late-plans")
    assert "【示例】逾期计划项目" in late and "【示例】按计划项目" not in late
    quiet = section(page, "todo-quiet")
    # 100 days in stage with no note: quiet; a note 29 days ago: not yet (30 is the rule).
    assert "【示例】停滞项目" in quiet and "【示例】按计划项目" not in quiet


def test_a_zone_officer_sees_the_zone_and_a_leader_what_waits_on_them(
    client, page_runtime
):
    app = page_runtime.app
    p = register(
        page_runtime,
        "【示例】木渎项目",
        zone="mudu",
        stage_date=TODAY - timedelta(days=100),
    )
    register(
        page_runtime, "【示例】其他板块项目", stage_date=TODAY - timedelta(days=100)
    )
    s = app.issue_supervision(app.actor_for("leader"), p["id"], "限期推进", TODAY)
    app.reply_supervision(app.actor_for("officer_mudu"), s["id"], "已推进")
    page_runtime.wait_for_read_models()
    login(client, "officer_mudu")
    page = page_text(client.get("/todo"))
    assert "【示例】木渎项目" in section(page, "todo-stalls")
    assert "【示例】其他板块项目" not in page
    client.post("/logout")
    login(client, "leader")
    page = page_text(client.get("/todo"))
    assert s["number"] in section(page, "todo-to-close")
    assert s["number"] not in section(page, "todo-overdue")


def test_an_officers_overdue_nodes_with_their_units(client, page_runtime):
    app = page_runtime.app
    officer, leader = app.actor_for("officer"), app.actor_for("leader")
    days = lambda n: TODAY - timedelta(days=n)  # noqa: E731
    p = register(page_runtime, "【示例】环评项目", stage="signed", stage_date=days(40))
    app.update_milestone(
        officer, p["id"], "env_review", {"planned_on": days(5), "unit": "区<生态>分局"}
    )
    app.update_milestone(officer, p["id"], "energy_review", {"planned_on": days(0)})
    app.update_milestone(
        officer, p["id"], "filing", {"planned_on": days(30), "done_on": days(1)}
    )
    q = register(page_runtime, "【示例】达产项目", stage="signed", stage_date=days(40))
    app.move_project(leader, q["id"], "landed", days(20))
    app.move_project(leader, q["id"], "producing", days(10))
    app.update_milestone(
        officer, q["id"], "full_capacity", {"planned_on": days(9), "unit": "企业"}
    )
    other = register(page_runtime, "【示例】他人节点项目", actor="admin")
    app.update_milestone(
        app.actor_for("admin"), other["id"], "land", {"planned_on": days(3)}
    )
    page_runtime.wait_for_read_models()
    work = app.work_list(officer)
    assert [
        (n["name"], n["node"], n["days_late"], n["unit"]) for n in work["late_nodes"]
    ] == [
        ("【示例】达产项目", "达产", 9, "企业"),
        ("【示例】环评项目", "环评", 5, "区<生态>分局"),
    ]
    login(client, "officer")
    page = page_text(client.get("/todo"))
    rows = re.findall(r"<tr>(.*?)</tr>", section(page, "todo-late-nodes"), re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", r, re.S) for r in rows]
    assert [c[1:] for c in cells if c] == [
        ["达产", days(9).isoformat(), "9", "企业"],
        ["环评", days(5).isoformat(), "5", "区&lt;生态&gt;分局"],
    ]
    assert "【示例】他人节点项目" not in page
    # The day after the 达产 node is done it leaves the list.
    app.update_milestone(officer, q["id"], "full_capacity", {"done_on": TODAY})
    page_runtime.wait_for_read_models()
    assert [n["node"] for n in app.work_list(officer)["late_nodes"]] == ["环评"]
