"""Enterprise reads on every store: the tier list (now, as of a date) and references."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clock import today
from domain.errors import RuleViolationError
from domain.uscc import check_character
from gxtrack.readmodels.enterprises.queries import list_enterprises


def _uscc(n: int) -> str:
    first17 = f"91320506MA{n:07d}"
    return first17 + check_character(first17)


def test_tier_filter_follows_validity_and_revocation(runtime, leader):
    app, day = runtime.app, today()
    ids = [
        app.register_enterprise(leader, _uscc(n), f"【示例】企业{n}")["id"]
        for n in range(3)
    ]
    app.award_designation(leader, ids[0], "srdi", day - timedelta(days=30))
    app.award_designation(leader, ids[1], "srdi", day - timedelta(days=30))
    app.revoke_designation(leader, ids[1], "1", day - timedelta(days=5), "撤销")
    app.award_designation(leader, ids[2], "green_factory", day - timedelta(days=30))
    runtime.wait_for_read_models()

    def tiered(tier, as_of=None):
        page = list_enterprises(runtime.db, tier=tier, as_of=as_of)
        return sorted(i["id"] for i in page["items"]), page["total"]

    assert tiered("srdi") == ([ids[0]], 1)
    assert tiered("srdi", day - timedelta(days=10)) == (sorted(ids[:2]), 2)
    assert tiered("none") == (sorted(ids[1:]), 2)
    assert tiered(None)[1] == 3
    page = list_enterprises(runtime.db, page=2, page_size=2)
    assert len(page["items"]) == 1 and page["total"] == 3
    with pytest.raises(RuleViolationError) as caught:
        list_enterprises(runtime.db, tier="green_factory")
    assert caught.value.field == "tier"
    with pytest.raises(RuleViolationError):
        list_enterprises(runtime.db, page_size=201)


def test_unknown_enterprise_reference_in_a_project_is_a_rule_violation(runtime, leader):
    fields = dict(
        name="【示例】项目",
        investor="【示例】投资方",
        industry="green",
        zone="wzedz",
        planned_investment="10",
    )
    for bad in ("00000000-0000-0000-0000-000000000000", "not-an-id"):
        with pytest.raises(RuleViolationError) as caught:
            runtime.app.register_project(leader, enterprise_id=bad, **fields)
        assert caught.value.field == "enterprise_id"
    eid = runtime.app.register_enterprise(leader, _uscc(9), "【示例】企业")["id"]
    project = runtime.app.register_project(leader, enterprise_id=eid, **fields)
    assert project["enterprise_id"] == eid
