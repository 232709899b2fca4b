"""The project page's node timeline and investment forms; the template admin page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

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


def days_ago(n: int) -> str:
    return (today() - timedelta(days=n)).isoformat()


@pytest.fixture(name="project")
def project_fixture(page_runtime: Runtime) -> dict:
    return register(
        page_runtime, stage="signed", stage_date=today() - timedelta(days=60)
    )


def test_the_node_timeline_shows_done_overdue_and_planned(
    client: FlaskClient, project: dict, page_runtime: Runtime
) -> None:
    login(client, "officer")
    pid = project["id"]
    r = client.post(
        f"/projects/{pid}/milestones/filing",
        data={"planned_on": days_ago(5), "unit": "发改局", "expected_version": "1"},
    )
    assert r.status_code == 302
    r = client.post(
        f"/projects/{pid}/milestones/land",
        data={
            "planned_on": days_ago(9),
            "done_on": days_ago(3),
            "expected_version": "2",
        },
    )
    assert r.status_code == 302
    page = page_text(client.get(f"/projects/{pid}"))
    assert "节点进度" in page and "已完成 1 / 13" in page and "逾期 1 个" in page
    assert 'data-code="filing" data-state="overdue"' in page
    assert 'data-code="land" data-state="done"' in page
    assert "逾期 5 天" in page and "发改局" in page
    # A bad date re-renders with the message next to the field; nothing recorded.
    r = client.post(
        f"/projects/{pid}/milestones/filing",
        data={"done_on": days_ago(-2), "expected_version": "3"},
    )
    assert r.status_code == 422 and "不能晚于今天" in page_text(r)
    assert page_runtime.app.get_project(pid)["version"] == 3
    # A stale form is a conflict.
    r = client.post(
        f"/projects/{pid}/milestones/filing",
        data={"unit": "x", "expected_version": "1"},
    )
    assert r.status_code == 409


def test_the_gate_node_form_moves_the_stage(
    client: FlaskClient, project: dict, page_runtime: Runtime
) -> None:
    login(client, "officer")
    pid = project["id"]
    r = client.post(
        f"/projects/{pid}/milestones/groundbreaking",
        data={"done_on": days_ago(1), "planned_on": "", "expected_version": "1"},
    )
    assert r.status_code == 302, page_text(r)
    assert page_runtime.app.get_project(pid)["stage"] == "landed"


def test_only_those_who_may_change_see_the_forms(
    client: FlaskClient, project: dict
) -> None:
    login(client, "viewer")
    page = page_text(client.get(f"/projects/{project['id']}"))
    assert "节点进度" in page and "报送月度完成投资" not in page
    r = client.post(
        f"/projects/{project['id']}/milestones/filing",
        data={"unit": "x", "expected_version": "1"},
    )
    assert r.status_code == 403


def test_investment_form_and_correction(
    client: FlaskClient, project: dict, page_runtime: Runtime
) -> None:
    login(client, "officer")
    pid = project["id"]
    month = f"{today():%Y-%m}"
    r = client.post(
        f"/projects/{pid}/investment",
        data={"month": month, "amount": "1200", "expected_version": "1"},
    )
    assert r.status_code == 302
    r = client.post(
        f"/projects/{pid}/investment",
        data={
            "month": month,
            "amount": "1000",
            "note": "更正",
            "expected_version": "2",
        },
    )
    page = page_text(client.get(f"/projects/{pid}"))
    assert "累计 1,000 万元" in page
    assert "<del>1200</del> → <ins>1000</ins>" in page  # the history: before → after
    r = client.post(
        f"/projects/{pid}/investment",
        data={"month": "2999-01", "amount": "1", "expected_version": "3"},
    )
    assert r.status_code == 422 and "月份不能晚于本月" in page_text(r)


def test_admin_edits_the_template_and_its_versions(
    client: FlaskClient, page_runtime: Runtime
) -> None:
    login(client, "leader")
    assert client.get("/admin/milestones").status_code == 403
    login(client, "admin")
    page = page_text(client.get("/admin/milestones"))
    assert "立项备案" in page and "v1" in page
    nodes = page_runtime.app.milestone_template()["nodes"]
    data = {
        "expected_version": "1",
        "rows": str(len(nodes) + 1),
        "reason": "增加消防验收",
    }
    for i, n in enumerate(nodes):
        data |= {
            f"order_{i}": str(i + 1),
            f"code_{i}": n["code"],
            f"name_{i}": n["name"],
            f"stage_{i}": n["stage"],
        }
    i = len(nodes)
    data |= {
        f"order_{i}": "9.5",
        f"code_{i}": "fire",
        f"name_{i}": "消防验收",
        f"stage_{i}": "landed",
    }
    data["remove_0"] = "1"  # 立项备案 goes
    r = client.post("/admin/milestones", data=data)
    assert r.status_code == 302, page_text(r)
    codes = [n["code"] for n in page_runtime.app.milestone_template()["nodes"]]
    assert "filing" not in codes and codes.index("fire") + 1 == codes.index("equipment")
    page = page_text(client.get("/admin/milestones"))
    assert "v2" in page and "增加消防验收" in page
    # A gate node cannot be removed.
    data = {**data, "expected_version": "2", "remove_6": "1"}
    data.pop("remove_0")
    r = client.post("/admin/milestones", data=data)
    assert r.status_code == 422 and "关口节点不能删除" in page_text(r)


def test_dashboard_and_monthly_report_show_investment(
    client: FlaskClient, project: dict, page_runtime: Runtime
) -> None:
    app = page_runtime.app
    actor = app.actor_for("officer")
    month = f"{today():%Y-%m}"
    app.report_investment(actor, project["id"], month, "25000")
    page_runtime.wait_for_read_models()
    app.report_investment(actor, project["id"], month, "30000", note="更正")
    page_runtime.wait_for_read_models()
    login(client, "admin")
    app.set_investment_target(app.actor_for("admin"), today().year, "1300000")
    page = page_text(client.get("/"))
    assert "本年指标" in page and "完成工业投资（亿元）" in page
    assert "3.00" in page and "130.00" in page  # 30000 万元, the 130 亿 target
    # As known yesterday nothing was reported; now the corrected figure.
    page = page_text(
        client.get(f"/reports/monthly?month={month}&as_known_on={days_ago(1)}")
    )
    assert 'data-key="month"' in page
    assert "0.00（0）" in page and "3.00（30,000）" in page and "已更正" in page


def test_admin_sets_the_investment_target_on_the_targets_page(
    client: FlaskClient, page_runtime: Runtime
) -> None:
    year = today().year
    login(client, "officer")
    r = client.post("/targets/investment", data={"year": year, "amount": "1"})
    assert r.status_code == 403
    login(client, "admin")
    r = client.post("/targets/investment", data={"year": year, "amount": "1300000"})
    assert r.status_code == 302
    page = page_text(client.get(f"/targets?year={year}"))
    assert "年度工业投资目标" in page and "130.00" in page
    r = client.post("/targets/investment", data={"year": year, "amount": "x"})
    assert r.status_code == 422 and "必须是数字" in page_text(r)


def test_agreement_forms_and_the_pool_filters(
    client: FlaskClient, page_runtime: Runtime
) -> None:
    pid = register(
        page_runtime,
        stage="signed",
        stage_date=today() - timedelta(days=60),
        land_area="10",
    )["id"]
    other = register(page_runtime, name="【示例】另一个项目")["id"]
    login(client, "officer")
    r = client.post(
        f"/projects/{pid}/promises",
        data={
            "producing_by": days_ago(1),
            "annual_output": "",
            "expected_version": "1",
        },
    )
    assert r.status_code == 302, page_text(r)
    page = page_text(client.get(f"/projects/{pid}"))
    assert "履约" in page and "未达标" in page  # promised production date passed
    r = client.post(
        f"/projects/{pid}/results",
        data={"year": str(today().year + 1), "output": "1", "expected_version": "2"},
    )
    assert r.status_code == 422 and "年度不能晚于" in page_text(r)
    page = page_text(client.get("/projects?compliance=unmet"))
    assert "【示例】智能装备项目" in page and "【示例】另一个项目" not in page
    page = page_text(client.get("/projects?compliance=met"))
    assert "【示例】智能装备项目" not in page
    client.post(
        f"/projects/{other}/milestones/filing",
        data={"planned_on": days_ago(3), "expected_version": "1"},
    )
    page = page_text(client.get("/projects?overdue_node=true"))
    assert "【示例】另一个项目" in page and "【示例】智能装备项目" not in page
