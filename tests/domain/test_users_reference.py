"""Users and reference data aggregates."""

from __future__ import annotations

import pytest

from domain.errors import RuleViolationError
from domain.reference import DEFAULT_INDUSTRIES, ReferenceData
from domain.users import Role, User


def test_default_lists_are_the_districts():
    reference = ReferenceData.with_defaults()
    assert set(DEFAULT_INDUSTRIES.values()) >= {
        "新一代信息技术",
        "机器人与智能制造",
        "生物医药及大健康",
        "航空航天",
        "智能网联汽车",
        "节能环保",
    }
    assert reference.resolve("zone", "木渎镇") == "mudu"


def test_add_and_rename_entries_are_events():
    reference = ReferenceData.with_defaults()
    reference.add_entry("industry", "new_materials", "新材料", "admin")
    with pytest.raises(RuleViolationError):
        reference.add_entry("industry", "new_materials", "别的", "admin")
    with pytest.raises(RuleViolationError):
        reference.add_entry("industry", "x y", "别的", "admin")
    reference.rename_entry("industry", "new_materials", "先进材料", "admin")
    assert reference.resolve("industry", "先进材料") == "new_materials"
    names = [type(e).__name__ for e in reference.collect_events()]
    assert names == ["Created", "EntryAdded", "EntryRenamed"]


def test_user_roles():
    user = User.add("officer_mudu", "officer", "admin", zone="mudu")
    assert user.role is Role.OFFICER
    with pytest.raises(RuleViolationError) as caught:
        User.add("xyz", "boss", "admin")
    assert caught.value.field == "role"
    with pytest.raises(RuleViolationError):
        User.add("has space", "viewer", "admin")
    user.change_role("leader", None, "admin")
    user.deactivate("admin")
    assert (user.role, user.active) == (Role.LEADER, False)
    events = user.collect_events()
    assert [type(e).__name__ for e in events] == ["Added", "RoleChanged", "Deactivated"]
    # No secret is ever part of a user event.
    assert all("password" not in vars(e) and "token" not in vars(e) for e in events)
