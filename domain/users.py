"""Users and their roles. Secrets never enter these events: hashes live elsewhere."""

from __future__ import annotations

import re
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import RuleViolationError
from domain.rules import optional_text, required_text


class Role(StrEnum):
    """What a user may do; the value is the code used by the CLI and API."""

    ADMIN = "admin"
    LEADER = "leader"
    OFFICER = "officer"
    VIEWER = "viewer"
    AUDITOR = "auditor"

    @property
    def label(self) -> str:
        """The role's Chinese name."""
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "系统管理员",
    Role.LEADER: "科室负责人/分管领导",
    Role.OFFICER: "招商专员",
    Role.VIEWER: "只读用户",
    Role.AUDITOR: "审计/纪检",
}


def user_id(name: str) -> UUID:
    """The aggregate id for a user name: one user per name."""
    return uuid5(NAMESPACE_URL, f"gxtrack:user:{name}")


def _role(value: str) -> str:
    try:
        return Role(value).value
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise RuleViolationError(f"未知角色: {value}（可选 {roles}）", "role") from None


USER_NAME = re.compile(r"[a-z0-9_.-]{3,32}")


def user_name(value: str, field: str = "name") -> str:
    """A user name: 3–32 characters of a-z 0-9 _ . - (what sign-in and logs show)."""
    name = (value or "").strip()
    if not USER_NAME.fullmatch(name):
        raise RuleViolationError(
            "用户名须为 3–32 个字符，只能包含小写字母、数字和 _ . -",
            field,
        )
    return name


def _name(value: str) -> str:
    return user_name(value)


class User(Aggregate):
    """A person who signs in to gxtrack."""

    @staticmethod
    def create_id(name: str, **_: object) -> UUID:
        """One aggregate per user name."""
        return user_id(name)

    @classmethod
    def add(
        cls,
        name: str,
        role: str,
        actor: str,
        zone: str | None = None,
        display_name: str = "",
        email: str = "",
    ) -> User:
        """Create a user with a role and, for officers, an optional zone scope."""
        return cls(
            name=_name(name),
            role=_role(role),
            zone=zone or None,
            display_name=optional_text(display_name or name, "display_name", 80),
            email=optional_text(email, "email", 200),
            actor=actor,
        )

    @event("Added")
    def __init__(
        self,
        name: str,
        role: str,
        zone: str | None,
        display_name: str,
        email: str,
        actor: str,
    ) -> None:
        self.name = name
        self.role = Role(role)
        self.zone = zone
        self.display_name = display_name
        self.email = email
        self.active = True

    def change_role(self, role: str, zone: str | None, actor: str) -> None:
        """Give the user another role or zone scope."""
        new_role = _role(role)
        if new_role == self.role.value and (zone or None) == self.zone:
            raise RuleViolationError("角色没有变化", "role")
        self._change_role(
            before=self.role.value,
            after=new_role,
            zone_before=self.zone,
            zone_after=zone or None,
            actor=actor,
        )

    @event("RoleChanged")
    def _change_role(
        self,
        before: str,
        after: str,
        zone_before: str | None,
        zone_after: str | None,
        actor: str,
    ) -> None:
        self.role = Role(after)
        self.zone = zone_after

    def update_contact(self, display_name: str, email: str, actor: str) -> None:
        """Change the user's display name or mail address."""
        self._update_contact(
            display_name=required_text(display_name, "display_name", 80),
            email=optional_text(email, "email", 200),
            actor=actor,
        )

    @event("ContactUpdated")
    def _update_contact(self, display_name: str, email: str, actor: str) -> None:
        self.display_name = display_name
        self.email = email

    def deactivate(self, actor: str) -> None:
        """Stop the user from signing in; history keeps their name."""
        if not self.active:
            raise RuleViolationError("用户已停用", "name")
        self._deactivate(actor=actor)

    @event("Deactivated")
    def _deactivate(self, actor: str) -> None:
        self.active = False

    def reactivate(self, actor: str) -> None:
        """Let a deactivated user sign in again."""
        if self.active:
            raise RuleViolationError("用户已启用", "name")
        self._reactivate(actor=actor)

    @event("Reactivated")
    def _reactivate(self, actor: str) -> None:
        self.active = True


def check_deactivation(user: User, active_admins: int) -> None:
    """Refuse to deactivate the only active admin: nobody could manage users."""
    if user.active and user.role is Role.ADMIN and active_admins <= 1:
        raise RuleViolationError(
            "不能停用唯一启用的系统管理员：请先添加或启用另一位管理员",
            "name",
        )
