"""Who may change which project, register where, and as whom."""

from __future__ import annotations

import pytest

from domain.errors import PermissionDeniedError
from domain.permissions import (
    Actor,
    can_change_project,
    registering_officer,
    require_admin,
    require_leader,
    require_register_in_zone,
)
from domain.users import Role

OFFICER = Actor("officer", Role.OFFICER)
ZONED = Actor("zoned", Role.OFFICER, "mudu")
LEADER = Actor("leader", Role.LEADER)
ADMIN = Actor("admin", Role.ADMIN)
VIEWER = Actor("viewer", Role.VIEWER)
AUDITOR = Actor("auditor", Role.AUDITOR)


@pytest.mark.parametrize(
    ("actor", "named", "officer"),
    [
        (OFFICER, "someone", "officer"),
        (OFFICER, None, "officer"),
        (ZONED, "officer", "zoned"),
        (LEADER, "someone", "someone"),
        (LEADER, "", "leader"),
        (ADMIN, None, "admin"),
        (ADMIN, "someone", "someone"),
    ],
)
def test_registering_officer(actor, named, officer) -> None:
    assert registering_officer(actor, named) == officer


@pytest.mark.parametrize(
    ("actor", "officer", "zone", "may"),
    [
        (OFFICER, "officer", "wzedz", True),
        (OFFICER, "other", "wzedz", False),
        (ZONED, "other", "mudu", True),
        (ZONED, "other", "wzedz", False),
        (ZONED, "zoned", "wzedz", True),
        (LEADER, "other", "wzedz", True),
        (ADMIN, "other", "wzedz", True),
        (VIEWER, "viewer", "wzedz", False),
        (AUDITOR, "auditor", "wzedz", False),
    ],
)
def test_can_change_project(actor, officer, zone, may) -> None:
    assert can_change_project(actor, officer, zone) is may


def test_role_requirements() -> None:
    require_leader(LEADER, "x")
    require_leader(ADMIN, "x")
    require_admin(ADMIN, "x")
    for actor in (OFFICER, VIEWER, AUDITOR):
        with pytest.raises(PermissionDeniedError, match="无权x"):
            require_leader(actor, "x")
    with pytest.raises(PermissionDeniedError):
        require_admin(LEADER, "x")


def test_registering_in_a_zone() -> None:
    for actor in (OFFICER, LEADER, ADMIN):
        require_register_in_zone(actor, "wzedz")
    require_register_in_zone(ZONED, "mudu")
    with pytest.raises(PermissionDeniedError, match="本人所属板块"):
        require_register_in_zone(ZONED, "wzedz")
    for actor in (VIEWER, AUDITOR):
        with pytest.raises(PermissionDeniedError):
            require_register_in_zone(actor, "wzedz")


def test_the_system_actor_is_an_admin() -> None:
    system = Actor.system()
    assert system.role is Role.ADMIN and system.is_leader and system.zone is None
    assert system.name == "system"
    assert not OFFICER.is_leader and LEADER.is_leader


def test_require_project_change() -> None:
    from domain.permissions import require_project_change

    require_project_change(OFFICER, "officer", "wzedz")
    require_project_change(ZONED, "other", "mudu")
    with pytest.raises(PermissionDeniedError, match="只能修改本人负责或本板块的项目"):
        require_project_change(OFFICER, "other", "wzedz")


def test_refusal_messages_name_the_role_and_the_action() -> None:
    from domain.permissions import require_project_change

    with pytest.raises(PermissionDeniedError) as caught:
        require_admin(LEADER, "管理用户")
    assert caught.value.message == "当前角色（科室负责人/分管领导）无权管理用户"
    with pytest.raises(PermissionDeniedError) as caught:
        require_register_in_zone(VIEWER, "wzedz")
    assert caught.value.message == "当前角色（只读用户）无权登记项目"
    with pytest.raises(PermissionDeniedError) as caught:
        require_register_in_zone(ZONED, "wzedz")
    assert caught.value.message == "只能在本人所属板块登记项目"
    with pytest.raises(PermissionDeniedError) as caught:
        require_project_change(OFFICER, "other", "wzedz")
    assert caught.value.message == "无权修改此项目（只能修改本人负责或本板块的项目）"
