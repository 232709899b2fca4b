"""The cultivation endpoints: targets, tier counts, the pool, projects, import."""

from __future__ import annotations

import io
from datetime import date
from uuid import uuid4

from domain.clock import today
from tests.web.api_fixtures import (  # noqa: F401 - fixtures
    API,
    api_app_fixture,
    api_runtime_fixture,
    client_fixture,
    days_ago,
    events_of,
    register,
    tokens_fixture,
)
from tests.web.test_api_enterprises import award, enterprise, uscc

YEAR = today().year


def this_year_day() -> str:
    """A date this year, not after today (1 January or yesterday)."""
    return max(date(YEAR, 1, 1), date.fromisoformat(days_ago(1))).isoformat()


def test_targets_set_and_report_with_the_enterprises_behind(
    client, tokens, api_runtime
):
    leader, admin = tokens["leader1"], tokens["admin1"]
    a = enterprise(client, leader, 1, zone="mudu")["id"]
    b = enterprise(client, leader, 2, zone="luzhi")["id"]
    for eid in (a, b):
        r = award(client, leader, eid, designation="srdi", certified_on=this_year_day())
        assert r.status_code == 200
    body = {"year": YEAR, "designation": "srdi", "count": 8}
    r = client.put(f"{API}/targets", json=body, headers=admin)
    assert r.status_code == 200, r.json
    r = client.post(
        f"{API}/targets", json={**body, "count": 3, "zone": "木渎镇"}, headers=admin
    )
    assert r.status_code == 200
    report = client.get(f"{API}/targets?year={YEAR}", headers=tokens["viewer1"]).json
    by_zone = {i["zone"]: i for i in report["items"]}
    assert by_zone[None]["target"] == 8 and by_zone[None]["achieved"] == 2
    assert by_zone["mudu"]["target"] == 3 and by_zone["mudu"]["achieved"] == 1
    assert by_zone["mudu"]["zone_name"] == "木渎镇"
    assert [e["enterprise_id"] for e in by_zone["mudu"]["enterprises"]] == [a]
    assert report["achieved_by_designation"] == {"srdi": 2}
    # The previous year: nothing achieved, no targets.
    past = client.get(f"{API}/targets?year={YEAR - 1}", headers=leader).json
    assert past["items"] == []
    # Only the admin sets targets; bad bodies name the field.
    assert client.put(f"{API}/targets", json=body, headers=leader).status_code == 403
    for bad, field in (
        ({**body, "count": -1}, "count"),
        ({**body, "designation": "wizard"}, "designation"),
        ({**body, "year": 1800}, "year"),
        ({"designation": "srdi", "count": 1}, "year"),
    ):
        r = client.put(f"{API}/targets", json=bad, headers=admin)
        assert r.status_code == 422 and field in r.json["errors"], r.json
    r = client.put(f"{API}/targets", json={**body, "zone": "火星"}, headers=admin)
    assert r.status_code == 422 and "zone" in r.json["errors"]
    for query in ("", "?year=abc"):
        r = client.get(f"{API}/targets{query}", headers=leader)
        assert r.status_code == 422 and "year" in r.json["errors"]
    assert client.get(f"{API}/targets?year={YEAR}").status_code == 401
    rows = api_runtime.db.fetchall("SELECT * FROM rm_targets WHERE year = ?", (YEAR,))
    assert sorted((r["zone"], r["count"]) for r in rows) == [("", 8), ("mudu", 3)]


def test_tier_counts_on_a_date(client, tokens):
    leader = tokens["leader1"]
    a = enterprise(client, leader, 1)["id"]
    enterprise(client, leader, 2)
    award(client, leader, a, designation="srdi", certified_on=days_ago(10))
    now = client.get(f"{API}/tiers/counts", headers=tokens["viewer1"]).json
    assert now["by_tier"]["srdi"] == 1 and now["with_tier"] == 1
    assert now["enterprises"] == 2 and now["labels"]["srdi"] == "专精特新中小企业"
    before = client.get(f"{API}/tiers/counts?as_of={days_ago(11)}", headers=leader).json
    assert before["by_tier"]["srdi"] == 0 and before["as_of"] == days_ago(11)
    r = client.get(f"{API}/tiers/counts?as_of=2024-13-01", headers=leader)
    assert r.status_code == 422 and "as_of" in r.json["errors"]


def test_candidates_add_list_withdraw(client, tokens, api_runtime):
    leader = tokens["leader1"]
    eid = enterprise(client, leader, 1, zone="mudu")["id"]
    other = enterprise(client, leader, 2, zone="luzhi")["id"]
    body = {"enterprise": eid, "designation": "little_giant", "year": YEAR}
    r = client.post(f"{API}/candidates", json=body, headers=tokens["officer1"])
    assert r.status_code == 201, r.json
    assert r.json["officer"] == "officer1" and r.json["status"] == "open"
    cid = r.json["candidacy_id"]
    # By credit code, with another officer responsible.
    r = client.post(
        f"{API}/candidates",
        json={**body, "enterprise": uscc(2), "officer": "officer2"},
        headers=leader,
    )
    assert r.status_code == 201 and r.json["enterprise_id"] == other
    r = client.post(f"{API}/candidates", json=body, headers=leader)
    assert r.status_code == 422 and "designation" in r.json["errors"]
    r = client.post(f"{API}/candidates", json=body, headers=tokens["viewer1"])
    assert r.status_code == 403
    r = client.post(
        f"{API}/candidates", json={**body, "enterprise": str(uuid4())}, headers=leader
    )
    assert r.status_code == 404
    for bad, field in (({**body, "year": "x"}, "year"), ({"year": YEAR}, "enterprise")):
        r = client.post(f"{API}/candidates", json=bad, headers=leader)
        assert r.status_code == 422 and field in r.json["errors"]

    def listed(**query):
        r = client.get(
            f"{API}/candidates", query_string=query, headers=tokens["viewer1"]
        )
        assert r.status_code == 200, r.json
        return [(i["enterprise_id"], i["status"]) for i in r.json["items"]]

    assert len(listed()) == 2
    assert listed(zone="木渎镇") == [(eid, "open")]
    assert listed(officer="officer2") == [(other, "open")]
    assert listed(year=YEAR + 1) == []
    r = client.get(f"{API}/candidates?status=lost", headers=leader)
    assert r.status_code == 422 and "status" in r.json["errors"]

    url = f"{API}/candidates/{other}/c1/withdraw"
    reason = {"reason": "企业迁出"}
    r = client.post(url, json=reason, headers=tokens["officer1"])
    assert r.status_code == 403  # not the officer responsible
    r = client.post(url, json={}, headers=leader)
    assert r.status_code == 422 and "reason" in r.json["errors"]
    r = client.post(url, json=reason, headers=tokens["officer2"])
    assert r.status_code == 200 and r.json["status"] == "withdrawn"
    r = client.post(url, json=reason, headers=leader)
    assert r.status_code == 422 and "candidacy_id" in r.json["errors"]
    r = client.post(f"{API}/candidates/{eid}/c9/withdraw", json=reason, headers=leader)
    assert r.status_code == 404  # an unknown id in the path, like any other
    assert listed(status="withdrawn") == [(other, "withdrawn")]
    assert events_of(api_runtime, other)[-1] == "CandidacyWithdrawn"
    assert cid == "c1"


def test_enterprise_projects_and_pool_tier_filter(client, tokens):
    leader = tokens["leader1"]
    eid = enterprise(client, leader, 1)["id"]
    award(client, leader, eid, designation="srdi", certified_on=days_ago(40))
    first = register(client, leader, enterprise_id=eid, planned_investment="100.5")
    register(client, leader, enterprise_id=eid, planned_investment="20")
    register(client, leader, name="【示例】无关项目")
    r = client.get(f"{API}/enterprises/{eid}/projects", headers=tokens["viewer1"])
    assert r.status_code == 200, r.json
    assert r.json["total"] == 2 and r.json["investment"] == "120.5"
    assert first["id"] in [p["id"] for p in r.json["items"]]
    by_code = client.get(f"{API}/enterprises/{uscc(1)}/projects", headers=leader)
    assert by_code.json["total"] == 2
    for bad in (str(uuid4()), "nope"):
        r = client.get(f"{API}/enterprises/{bad}/projects", headers=leader)
        assert r.status_code == 404

    def pool(**query):
        r = client.get(f"{API}/projects", query_string=query, headers=leader)
        assert r.status_code == 200, r.json
        return r.json["total"]

    assert pool() == 3
    assert pool(tier="srdi") == 2
    assert pool(tier="none") == 1
    assert pool(tier="srdi", as_of=days_ago(41)) == 0
    r = client.get(f"{API}/projects?tier=high_tech", headers=leader)
    assert r.status_code == 422 and "tier" in r.json["errors"]


def _csv(*rows: str) -> io.BytesIO:
    header = "企业名称,统一社会信用代码,认定类别,批次,认定日期,证书编号\n"
    return io.BytesIO((header + "".join(rows)).encode("utf-8"))


def test_import_enterprises_dry_run_then_real_and_a_bad_row(
    client, tokens, api_runtime
):
    leader = tokens["leader1"]
    good = (
        f"【示例】甲科技,{uscc(1)},专精特新中小企业,第一批,{days_ago(30)},示-1\n",
        f"【示例】乙制造,{uscc(2)},创新型中小企业,第二批,{days_ago(20)},示-2\n",
    )
    url = f"{API}/imports/enterprises"

    def post(data, headers=leader, query=""):
        return client.post(
            url + query,
            data=data,
            headers=headers,
            content_type="multipart/form-data",
        )

    r = post({"file": (_csv(*good), "名单.csv")}, query="?dry_run=true")
    assert r.status_code == 200, r.json
    assert r.json["dry_run"] and r.json["enterprises_created"] == 2
    position = api_runtime.app.position()
    assert api_runtime.db.scalar("SELECT COUNT(*) FROM rm_enterprises") == 0
    bad_code = uscc(3)[:-1] + ("0" if uscc(3)[-1] != "0" else "1")
    bad = f"【示例】丙,{bad_code},专精特新中小企业,第一批,{days_ago(5)},示-3\n"
    r = post({"file": (_csv(*good, bad), "名单.csv")})
    assert r.status_code == 422
    assert "4.uscc" in r.json["errors"], r.json
    assert "第 4 行" in r.json["errors"]["4.uscc"][0]
    assert api_runtime.db.scalar("SELECT COUNT(*) FROM rm_enterprises") == 0
    assert api_runtime.app.position() == position  # nothing recorded
    r = post({"file": (_csv(*good), "名单.csv")})
    assert r.status_code == 200 and r.json["designations_awarded"] == 2
    assert api_runtime.db.scalar("SELECT COUNT(*) FROM rm_enterprises") == 2
    again = post({"file": (_csv(*good), "名单.csv")})
    assert again.json["unchanged"] == 2
    r = post({"file": (_csv(*good), "名单.csv")}, headers=tokens["officer1"])
    assert r.status_code == 403
    r = post({"file": (io.BytesIO(b"x"), "a.pdf")})
    assert r.status_code == 422 and "file" in r.json["errors"]
    r = post({})
    assert r.status_code == 422 and "file" in r.json["errors"]
    r = post({"file": (io.BytesIO("名称\n甲\n".encode()), "a.csv")})
    assert r.status_code == 422 and "file" in r.json["errors"]


def test_review_pass_and_fail_and_revoke_roles(client, tokens, api_runtime):
    leader = tokens["leader1"]
    eid = enterprise(client, leader, 1)["id"]
    award(client, leader, eid, designation="srdi", certified_on=days_ago(1000))
    url = f"{API}/enterprises/{eid}/designations/1"
    body = {"reviewed_on": days_ago(1), "passed": True}
    assert (
        client.post(f"{url}/review", json=body, headers=tokens["officer1"]).status_code
        == 403
    )
    r = client.post(f"{url}/review", json=body, headers=leader)
    assert r.status_code == 200, r.json
    renewed = r.json["designations"][0]["expires_on"]
    assert renewed > days_ago(0)
    r = client.post(f"{url}/review", json={**body, "passed": "maybe"}, headers=leader)
    assert r.status_code == 422 and "passed" in r.json["errors"]
    r = client.post(
        f"{url}/review",
        json={"reviewed_on": days_ago(0), "passed": False, "reason": "不达标"},
        headers=leader,
    )
    assert r.status_code == 200 and r.json["tier"] is None
    revoke = {"date": days_ago(0), "reason": "x"}
    r = client.post(f"{url}/revoke", json=revoke, headers=tokens["viewer1"])
    assert r.status_code == 403
    assert events_of(api_runtime, eid)[-2:] == [
        "DesignationReviewed",
        "DesignationReviewed",
    ]
