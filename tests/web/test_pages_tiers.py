"""Cultivation pages: the enterprise page's actions, 培育库, 年度目标, list, pool."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from domain.clock import today
from domain.uscc import check_character
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
YEAR = TODAY.year


def uscc(n: int) -> str:
    first17 = f"91320506MA{n:07d}"
    return first17 + check_character(first17)


def enterprise(runtime: Runtime, n: int = 1, zone: str = "mudu", award=None) -> str:
    """An enterprise registered (and optionally awarded) through the application."""
    leader = runtime.app.actor_for("leader")
    eid = runtime.app.register_enterprise(
        leader, uscc(n), f"【示例】精密{n}有限公司", zone=zone
    )["id"]
    if award:
        runtime.app.award_designation(leader, eid, *award)
    runtime.wait_for_read_models()
    return eid


def this_year_day() -> date:
    return max(date(YEAR, 1, 1), TODAY - timedelta(days=1))


def version(runtime: Runtime, eid: str) -> str:
    return str(runtime.app.get_enterprise(eid)["version"])


def event_types(runtime: Runtime, eid: str) -> list[str]:
    return [type(e).__name__ for e in runtime.app.events.get(UUID(eid))]


def test_review_and_revoke_from_the_enterprise_page(client, page_runtime):
    eid = enterprise(page_runtime, award=("srdi", TODAY - timedelta(days=400)))
    login(client, "leader")
    page = page_text(client.get(f"/enterprises/{eid}"))
    assert "记录复核" in page and "撤销称号" in page and "企业决策记录" in page
    review = f"/enterprises/{eid}/designations/1/review"
    bad = client.post(review, data={"reviewed_on": "", "expected_version": "2"})
    assert bad.status_code == 422 and "请选择复核结论" in page_text(bad)
    bad = client.post(
        review, data={"passed": "true", "reviewed_on": "x", "expected_version": "2"}
    )
    assert bad.status_code == 422 and "日期格式应为" in page_text(bad)
    stale = client.post(
        review,
        data={
            "passed": "true",
            "reviewed_on": TODAY.isoformat(),
            "expected_version": "1",
        },
    )
    assert stale.status_code == 409 and "此企业已被他人修改" in page_text(stale)
    ok = client.post(
        review,
        data={
            "passed": "true",
            "reviewed_on": TODAY.isoformat(),
            "document_no": "复核-示例",
            "expected_version": "2",
        },
    )
    assert ok.status_code == 302, page_text(ok)
    assert event_types(page_runtime, eid)[-1] == "DesignationReviewed"
    revoke = f"/enterprises/{eid}/designations/1/revoke"
    bad = client.post(
        revoke, data={"date": TODAY.isoformat(), "reason": "", "expected_version": "3"}
    )
    assert bad.status_code == 422 and "撤销原因" in page_text(bad)
    ok = client.post(
        revoke,
        data={"date": TODAY.isoformat(), "reason": "弄虚作假", "expected_version": "3"},
    )
    assert ok.status_code == 302
    page = page_text(client.get(f"/enterprises/{eid}"))
    assert "已撤销" in page and 'class="held' not in page
    history = page_text(client.get(f"/enterprises/{eid}/history"))
    assert "复核" in history and "撤销称号" in history and "弄虚作假" in history
    assert client.get("/enterprises/nope/history").status_code == 404
    client.post("/logout")
    login(client, "officer")
    assert "记录复核" not in page_text(client.get(f"/enterprises/{eid}"))
    denied = client.post(
        revoke, data={"date": TODAY.isoformat(), "reason": "x", "expected_version": "4"}
    )
    assert denied.status_code == 403


def test_candidacy_add_and_withdraw_on_the_enterprise_page(client, page_runtime):
    eid = enterprise(page_runtime)
    login(client, "officer")
    url = f"/enterprises/{eid}/candidates"
    bad = client.post(url, data={"designation": "srdi", "expected_version": "1"})
    assert bad.status_code == 422 and "请填写目标年度" in page_text(bad)
    ok = client.post(
        url,
        data={"designation": "srdi", "year": str(YEAR), "expected_version": "1"},
    )
    assert ok.status_code == 302
    again = client.post(
        url,
        data={"designation": "srdi", "year": str(YEAR), "expected_version": "2"},
    )
    assert again.status_code == 422 and "已在专精特新中小企业培育库中" in page_text(
        again
    )
    pool = page_text(client.get("/cultivation"))
    assert "【示例】精密1有限公司" in pool and "共 1 条" in pool
    assert "共 0 条" in page_text(client.get("/cultivation?status=withdrawn"))
    assert "共 0 条" in page_text(client.get(f"/cultivation?year={YEAR + 1}"))
    assert "共 1 条" in page_text(client.get("/cultivation?zone=mudu&officer=officer"))
    assert client.get("/cultivation?designation=wizard").status_code == 422
    assert client.get("/cultivation?status=lost").status_code == 422
    assert client.get("/cultivation?year=abc").status_code == 422
    client.post("/logout")
    login(client, "officer_mudu")  # not the officer responsible
    withdraw = f"/enterprises/{eid}/candidates/c1/withdraw"
    denied = client.post(withdraw, data={"reason": "迁出", "expected_version": "2"})
    assert denied.status_code == 403
    client.post("/logout")
    login(client, "officer")
    bad = client.post(withdraw, data={"reason": "", "expected_version": "2"})
    assert bad.status_code == 422
    ok = client.post(withdraw, data={"reason": "企业迁出", "expected_version": "2"})
    assert ok.status_code == 302
    assert event_types(page_runtime, eid)[-1] == "CandidacyWithdrawn"
    assert "共 1 条" in page_text(client.get("/cultivation?status=withdrawn"))
    client.post("/logout")
    login(client, "viewer")
    assert "<summary>纳入培育库</summary>" not in page_text(
        client.get(f"/enterprises/{eid}")
    )
    assert client.post(url, data={"designation": "srdi"}).status_code == 403


def test_enterprise_page_lists_projects_with_investment(client, page_runtime):
    eid = enterprise(page_runtime, award=("little_giant", TODAY - timedelta(days=5)))
    register(
        page_runtime, "【示例】一期项目", enterprise_id=eid, planned_investment="100.5"
    )
    register(
        page_runtime, "【示例】二期项目", enterprise_id=eid, planned_investment="20"
    )
    register(page_runtime, "【示例】无关项目")
    login(client, "viewer")
    page = page_text(client.get(f"/enterprises/{eid}"))
    assert "【示例】一期项目" in page and "【示例】无关项目" not in page
    assert "共 2 个，计划总投资 120.5 万元" in page
    assert 'class="held current" data-tier="little_giant"' in page
    pool = page_text(client.get("/projects?tier=little_giant"))
    assert "【示例】一期项目" in pool and "【示例】无关项目" not in pool
    none = page_text(client.get("/projects?tier=none"))
    assert "【示例】无关项目" in none and "【示例】一期项目" not in none
    assert client.get("/projects?tier=high_tech").status_code == 422


def test_enterprise_list_filters_and_tier_counts(client, page_runtime):
    enterprise(page_runtime, 1, "mudu", ("srdi", TODAY - timedelta(days=10)))
    enterprise(page_runtime, 2, "luzhi", ("srdi", TODAY - timedelta(days=10)))
    enterprise(page_runtime, 3, "luzhi")
    login(client, "viewer")
    page = page_text(client.get("/enterprises"))
    assert "各梯度企业数" in page and "有梯度 2 家 / 共 3 家" in page
    assert "共 1 家企业" in page_text(client.get("/enterprises?tier=srdi&zone=luzhi"))
    assert "共 1 家企业" in page_text(client.get("/enterprises?tier=none"))
    assert "共 1 家企业" in page_text(client.get("/enterprises?q=精密2"))
    assert client.get("/enterprises?tier=high_tech").status_code == 422


def test_targets_page_admin_sets_everyone_sees(client, page_runtime):
    eid = enterprise(page_runtime, 1, "mudu", ("srdi", this_year_day()))
    login(client, "leader")
    assert "尚未设置年度目标" in page_text(client.get("/targets"))
    assert "保存目标" not in page_text(client.get("/targets"))
    denied = client.post("/targets", data={"designation": "srdi", "count": "3"})
    assert denied.status_code == 403
    client.post("/logout")
    login(client, "admin")
    form = {"year": str(YEAR), "designation": "srdi", "count": "3"}
    for bad, _message in (
        ({**form, "count": ""}, "请填写目标数量"),
        ({**form, "count": "-1"}, "count"),
        ({**form, "designation": "wizard"}, "称号"),
        ({**form, "year": "1900"}, "年度须在"),
    ):
        response = client.post("/targets", data=bad)
        assert response.status_code == 422, bad
    ok = client.post("/targets", data=form)
    assert ok.status_code == 302
    ok = client.post("/targets", data={**form, "zone": "mudu", "count": "1"})
    assert ok.status_code == 302
    rows = page_runtime.db.fetchall("SELECT * FROM rm_targets ORDER BY zone")
    assert [(r["zone"], r["count"]) for r in rows] == [("", 3), ("mudu", 1)]
    client.post("/logout")
    login(client, "viewer")
    page = page_text(client.get(f"/targets?year={YEAR}"))
    assert "1 / 3" in page and "1 / 1" in page
    assert f"/enterprises/{eid}" in page and "【示例】精密1有限公司" in page
    assert client.get("/targets?year=abc").status_code == 422
    assert "尚未设置年度目标" in page_text(client.get(f"/targets?year={YEAR - 1}"))
    dashboard = page_text(client.get("/"))
    assert "年度目标完成情况" in dashboard and "1 / 3" in dashboard
