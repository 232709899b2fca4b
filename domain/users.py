"""Users and their roles. Secrets never enter these events: hashes live elsewhere."""

from __future__ import annotations

from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import RuleViolationError
from domain.rules import required_text


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


def _name(value: str) -> str:
    name = required_text(value, "name", 80)
    if any(ch.isspace() for ch in name):
        raise RuleViolationError("用户名不能包含空格", "name")
    return name


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
            display_name=(display_name or name).strip()[:80],
            email=email.strip()[:200],
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
            email=email.strip()[:200],
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
