"""The enterprise endpoints: register, designations, tiers, the tier list."""

from __future__ import annotations

from uuid import uuid4

from domain.uscc import check_character
from tests.web.api_fixtures import (  # noqa: F401 - fixtures
    API,
    api_app_fixture,
    api_runtime_fixture,
    client_fixture,
    days_ago,
    events_of,
    tokens_fixture,
)


def uscc(n: int) -> str:
    """A valid unified social credit code numbered `n`."""
    first17 = f"91320506MA{n:07d}"
    return first17 + check_character(first17)


def enterprise(client, headers, n=1, **extra):
    body = {"uscc": uscc(n), "name": f"【示例】精密科技{n}有限公司", **extra}
    response = client.post(f"{API}/enterprises", json=body, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def award(client, headers, eid, **body):
    return client.post(
        f"{API}/enterprises/{eid}/designations", json=body, headers=headers
    )


def test_register_enterprise_and_its_4xx(client, tokens, api_runtime):
    created = enterprise(client, tokens["officer1"], industry="robotics", zone="木渎镇")
    assert created["uscc"] == uscc(1) and created["zone"] == "mudu"
    assert created["tier"] is None and created["version"] == 1
    row = api_runtime.db.fetchone(
        "SELECT * FROM rm_enterprises WHERE id = ?", (created["id"],)
    )
    assert row["name"] == created["name"]
    body = {"uscc": uscc(1), "name": "【示例】重复"}
    response = client.post(f"{API}/enterprises", json=body, headers=tokens["leader1"])
    assert response.status_code == 409 and response.json["code"] == 409
    bad = uscc(2)[:-1] + ("0" if uscc(2)[-1] != "0" else "1")
    response = client.post(
        f"{API}/enterprises", json={"uscc": bad, "name": "x"}, headers=tokens["admin1"]
    )
    assert response.status_code == 422 and "uscc" in response.json["errors"]
    response = client.post(
        f"{API}/enterprises",
        json={"uscc": uscc(3), "name": "x" * 201},
        headers=tokens["admin1"],
    )
    assert response.status_code == 422 and "name" in response.json["errors"]
    for role in ("viewer1", "auditor1"):
        response = client.post(
            f"{API}/enterprises",
            json={"uscc": uscc(4), "name": "x"},
            headers=tokens[role],
        )
        assert response.status_code == 403
    assert api_runtime.db.scalar("SELECT COUNT(*) FROM rm_enterprises") == 1


def test_designations_tier_and_as_of(client, tokens, api_runtime):
    eid = enterprise(client, tokens["officer1"])["id"]
    leader = tokens["leader1"]
    r = award(
        client, tokens["officer1"], eid, designation="srdi", certified_on=days_ago(10)
    )
    assert r.status_code == 403
    r = award(client, leader, eid, designation="srdi", certified_on=days_ago(-1))
    assert r.status_code == 422 and "certified_on" in r.json["errors"]
    r = award(client, leader, eid, designation="wizard", certified_on=days_ago(1))
    assert r.status_code == 422 and "designation" in r.json["errors"]
    r = award(client, leader, eid, designation="srdi", certified_on="2024-02-31")
    assert r.status_code == 422 and "certified_on" in r.json["errors"]
    r = award(
        client,
        leader,
        eid,
        designation="srdi",
        certified_on=days_ago(10),
        document_no="苏工信〔示例〕1号",
        expected_version=5,
    )
    assert r.status_code == 409
    r = award(
        client,
        leader,
        eid,
        designation="srdi",
        certified_on=days_ago(10),
        document_no="苏工信〔示例〕1号",
    )
    assert r.status_code == 200, r.json
    assert r.json["tier"] == "srdi" and r.json["tier_label"] == "专精特新中小企业"
    assert r.json["designations"][0]["label"] == "专精特新中小企业"
    assert events_of(api_runtime, eid) == ["Registered", "DesignationAwarded"]
    got = client.get(f"{API}/enterprises/{eid}", headers=tokens["viewer1"]).json
    assert got["tier"] == "srdi" and got["version"] == 2
    before = client.get(
        f"{API}/enterprises/{eid}?as_of={days_ago(11)}", headers=tokens["viewer1"]
    ).json
    assert before["tier"] is None and before["as_of"] == days_ago(11)
    assert (
        client.get(f"{API}/enterprises/{eid}?as_of=x", headers=leader).status_code
        == 422
    )
    for bad in (str(uuid4()), "nope"):
        assert client.get(f"{API}/enterprises/{bad}", headers=leader).status_code == 404
        r = award(client, leader, bad, designation="srdi", certified_on=days_ago(1))
        assert r.status_code == 404
    # Revoke: the tier is gone from the revocation date on.
    r = client.post(
        f"{API}/enterprises/{eid}/designations/1/revoke",
        json={"date": days_ago(2), "reason": "复核不合格"},
        headers=leader,
    )
    assert r.status_code == 200 and r.json["tier"] is None
    r = client.post(
        f"{API}/enterprises/{eid}/designations/9/review",
        json={"reviewed_on": days_ago(1), "passed": True},
        headers=leader,
    )
    # An award id in the path that does not exist is not found, like any id.
    assert r.status_code == 404 and "award_id" in r.json["errors"]


def test_enterprise_list_by_tier(client, tokens):
    leader = tokens["leader1"]
    a = enterprise(client, leader, 1)["id"]
    b = enterprise(client, leader, 2)["id"]
    c = enterprise(client, leader, 3, zone="luzhi")["id"]
    assert (
        award(
            client, leader, a, designation="innovative_sme", certified_on=days_ago(100)
        ).status_code
        == 200
    )
    assert (
        award(
            client, leader, a, designation="little_giant", certified_on=days_ago(5)
        ).status_code
        == 200
    )
    assert (
        award(
            client, leader, b, designation="innovative_sme", certified_on=days_ago(50)
        ).status_code
        == 200
    )
    assert (
        award(
            client, leader, c, designation="high_tech", certified_on=days_ago(50)
        ).status_code
        == 200
    )

    def ids(**query):
        r = client.get(
            f"{API}/enterprises", query_string=query, headers=tokens["viewer1"]
        )
        assert r.status_code == 200, r.json
        return sorted(i["id"] for i in r.json["items"]), r.json["total"]

    assert ids()[1] == 3
    assert ids(tier="little_giant") == ([a], 1)
    assert ids(tier="innovative_sme") == ([b], 1)
    assert ids(tier="none") == ([c], 1)
    assert ids(tier="little_giant", as_of=days_ago(10)) == ([], 0)
    assert ids(tier="innovative_sme", as_of=days_ago(10)) == (sorted([a, b]), 2)
    assert ids(zone="luzhi") == ([c], 1)
    assert ids(q="精密科技2") == ([b], 1)
    assert ids(q=uscc(3)[:12]) == (sorted([a, b, c]), 3)
    listed = client.get(f"{API}/enterprises?tier=little_giant", headers=leader).json
    assert listed["items"][0]["tier_label"] == "专精特新“小巨人”"
    for query, field in (
        ({"tier": "high_tech"}, "tier"),
        ({"page_size": 201}, "page_size"),
    ):
        r = client.get(f"{API}/enterprises", query_string=query, headers=leader)
        assert r.status_code == 422 and field in r.json["errors"]
