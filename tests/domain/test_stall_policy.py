"""The stall policy aggregate: versioned thresholds and grace, refused changes."""

from __future__ import annotations

import pytest

from domain.errors import RuleViolationError
from domain.stall import DEFAULT_THRESHOLDS, StallPolicy, StallTerms


def test_policy_changes_are_versioned_and_checked():
    policy = StallPolicy.with_defaults()
    assert policy.terms().version == 1
    policy.change("admin", {"negotiating": "60"}, reason="加快推进")
    assert policy.version == 2
    assert policy.terms().thresholds["negotiating"] == 60
    assert policy.terms().thresholds["signed"] == 180
    names = [type(e).__name__ for e in policy.collect_events()]
    assert names == ["Created", "PolicyChanged"]
    for bad, field in [
        ({"producing": 10}, "thresholds"),
        ({"signed": 0}, "thresholds.signed"),
        ({"signed": "abc"}, "thresholds.signed"),
    ]:
        with pytest.raises(RuleViolationError) as error:
            policy.change("admin", bad)
        assert error.value.field == field
    with pytest.raises(RuleViolationError):
        policy.change("admin", {"negotiating": 60})  # nothing changed
    with pytest.raises(RuleViolationError) as error:
        policy.change("admin", overdue_days=-1)
    assert error.value.field == "overdue_days"


def test_policy_terms_carry_the_grace_and_version():
    policy = StallPolicy.with_defaults()
    assert policy.terms() == StallTerms(DEFAULT_THRESHOLDS, 30, 1)
    assert policy.overdue_days == 30
    policy.change("admin", overdue_days="0")
    assert policy.terms() == StallTerms(DEFAULT_THRESHOLDS, 0, 2)
    policy.change("admin", {"landed": 3650}, overdue_days="")  # "" keeps the grace
    assert policy.terms().overdue_days == 0
    assert policy.terms().thresholds["landed"] == 3650
    changed = policy.collect_events()[-1]
    assert (changed.before, changed.thresholds, changed.overdue_days) == (
        {"thresholds": DEFAULT_THRESHOLDS, "overdue_days": 0, "quiet_days": 30},
        {**DEFAULT_THRESHOLDS, "landed": 3650},
        0,
    )
    assert (changed.reason, changed.actor) == ("", "admin")
    policy.change("admin", {"signed": 1}, reason=" 收紧 ")
    assert (policy.collect_events()[-1].reason, policy.thresholds["signed"]) == (
        "收紧",
        1,
    )


@pytest.mark.parametrize(
    ("change", "message", "field"),
    [
        ({"thresholds": {"signed": 0}}, "须在 1–3650 天之间", "thresholds.signed"),
        ({"thresholds": {"signed": 3651}}, "须在 1–3650 天之间", "thresholds.signed"),
        (
            {"thresholds": {"signed": True}},
            "必须是整数天数",
            "thresholds.signed",
        ),
        (
            {"thresholds": {"signed": "2.5"}},
            "必须是整数天数",
            "thresholds.signed",
        ),
        ({"overdue_days": -1}, "须在 0–3650 天之间", "overdue_days"),
        (
            {"overdue_days": None, "thresholds": {}},
            "预警规则没有变化",
            "_schema",
        ),
        (
            {"thresholds": {"producing": 10}},
            "未知阶段: producing（只有 在谈/签约/落地 有阈值）",
            "thresholds",
        ),
        (
            {"reason": "x" * 2001, "overdue_days": 5},
            "最多 2000 个字符",
            "reason",
        ),
    ],
)
def test_a_refused_policy_change_says_why(change, message, field):
    with pytest.raises(RuleViolationError) as refused:
        StallPolicy.with_defaults().change("admin", **change)
    assert (refused.value.message, refused.value.field) == (message, field)
