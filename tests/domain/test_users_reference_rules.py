"""Each refused user or reference-data command: its exact message and field."""

from __future__ import annotations

from uuid import NAMESPACE_URL, uuid5

import pytest

from domain.errors import RuleViolationError
from domain.reference import ReferenceData
from domain.users import Role, User, user_id


def refusal(call, *args) -> tuple[str, str]:
    with pytest.raises(RuleViolationError) as caught:
        call(*args)
    return caught.value.message, caught.value.field


def officer() -> User:
    return User.add("li.ming", "officer", "admin", zone="mudu", email=" li@x.cn ")


def test_a_user_is_added_once_per_name_with_what_was_given() -> None:
    user = officer()
    assert user.id == user_id("li.ming") == uuid5(NAMESPACE_URL, "gxtrack:user:li.ming")
    (added,) = user.collect_events()
    assert (added.name, added.role, added.zone) == ("li.ming", "officer", "mudu")
    assert (added.display_name, added.email, added.actor) == (
        "li.ming",
        "li@x.cn",
        "admin",
    )
    long = User.add("wang", "leader", "admin", "", "王" * 80, "m" * 200)
    assert long.zone is None
    assert long.display_name == "王" * 80 and long.email == "m" * 200
    assert refusal(User.add, "wang", "leader", "admin", "", "王" * 81)[1] == (
        "display_name"
    )
    assert refusal(User.add, "wang", "leader", "admin", "", "", "m" * 201)[1] == (
        "email"
    )
    zhao = User.add("zhao", "viewer", "admin", display_name=" 赵 ")
    assert (zhao.display_name, zhao.email) == ("赵", "")


def test_user_name_and_role_refusals() -> None:
    message = "用户名须为 3–32 个字符，只能包含小写字母、数字和 _ . -"
    for bad in ("li ming", "x" * 33, "li", "Li.Ming", "li\x1b[31m", "李明", "li\u202e"):
        assert refusal(User.add, bad, "officer", "admin") == (message, "name"), bad
    for good in ("x" * 32, "abc", "li.ming_2-b"):
        assert User.add(good, "officer", "admin").name == good
    assert refusal(User.add, "liming", "boss", "admin") == (
        "未知角色: boss（可选 admin, leader, officer, viewer, auditor）",
        "role",
    )


def test_changing_a_role_or_zone() -> None:
    user = officer()
    assert refusal(user.change_role, "officer", "mudu", "admin") == (
        "角色没有变化",
        "role",
    )
    user.change_role("officer", "", "admin")
    assert user.zone is None
    user.change_role("leader", None, "boss")
    assert user.role is Role.LEADER
    user.change_role("officer", "wzedz", "boss")
    assert user.zone == "wzedz"
    _, unscoped, promoted, scoped = user.collect_events()
    assert (scoped.zone_before, scoped.zone_after) == (None, "wzedz")
    assert (unscoped.before, unscoped.after) == ("officer", "officer")
    assert (unscoped.zone_before, unscoped.zone_after) == ("mudu", None)
    assert (promoted.before, promoted.after, promoted.actor) == (
        "officer",
        "leader",
        "boss",
    )


def test_updating_contact_details() -> None:
    user = officer()
    user.update_contact(" 李 ", " " + "m" * 200, "li")
    assert (user.display_name, user.email) == ("李", "m" * 200)
    assert refusal(user.update_contact, "李\x1b[2J", "", "li")[1] == "display_name"
    assert refusal(user.update_contact, " ", "", "li") == (
        "不能为空",
        "display_name",
    )
    assert refusal(user.update_contact, "李" * 81, "", "li")[1] == "display_name"
    user.update_contact("李" * 80, "", "li")
    assert user.collect_events()[-1].actor == "li"


def test_deactivating_and_reactivating_once_each() -> None:
    user = officer()
    assert refusal(user.reactivate, "admin") == ("用户已启用", "name")
    user.deactivate("admin")
    assert refusal(user.deactivate, "admin") == ("用户已停用", "name")
    user.reactivate("boss")
    _, off, on = user.collect_events()
    assert (off.actor, on.actor) == ("admin", "boss")


def test_reference_kinds_and_unknown_values() -> None:
    reference = ReferenceData.with_defaults()
    assert refusal(reference.entries, "town") == ("类别必须是 industry 或 zone", "kind")
    assert refusal(reference.resolve, "industry", " 造船 ") == (
        "未知的产业类别: 造船",
        "industry",
    )
    assert refusal(reference.resolve, "zone", None) == ("未知的落户板块: ", "zone")


def test_adding_reference_entries() -> None:
    reference = ReferenceData.with_defaults()
    add = reference.add_entry
    assert refusal(add, "zone", "new-town", "新镇", "admin") == (
        "代码只能包含字母、数字和下划线",
        "code",
    )
    assert refusal(add, "zone", "mudu", "新镇", "admin") == ("代码已存在: mudu", "code")
    assert refusal(add, "zone", "new", "木渎镇", "admin") == (
        "名称已存在: 木渎镇",
        "name",
    )
    assert refusal(add, "zone", "x" * 41, "新镇", "admin")[1] == "code"
    assert refusal(add, "zone", "new", "镇" * 61, "admin")[1] == "name"
    add("zone", "N" * 40, "镇" * 60, "admin")
    add("zone", "new_town", "新镇", "admin")
    added = reference.collect_events()[-1]
    assert (added.kind, added.code, added.name, added.actor) == (
        "zone",
        "new_town",
        "新镇",
        "admin",
    )


def test_renaming_reference_entries() -> None:
    reference = ReferenceData.with_defaults()
    rename = reference.rename_entry
    assert refusal(rename, "zone", "moon", "月", "admin") == ("未知代码: moon", "code")
    assert refusal(rename, "zone", "mudu", "光福镇", "admin") == (
        "名称已存在: 光福镇",
        "name",
    )
    assert refusal(rename, "zone", "mudu", "镇" * 61, "admin")[1] == "name"
    rename("zone", "mudu", "木渎镇", "admin")
    rename("zone", "mudu", "镇" * 60, "boss")
    renamed = reference.collect_events()[-1]
    assert (renamed.before, renamed.after, renamed.actor) == (
        "木渎镇",
        "镇" * 60,
        "boss",
    )
