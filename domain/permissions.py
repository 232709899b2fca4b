"""Who may do what: the role × action rules every interface goes through."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import PermissionDeniedError
from domain.users import Role

SYSTEM = "system"

CHANGERS = {Role.ADMIN, Role.LEADER, Role.OFFICER}
LEADERS = {Role.ADMIN, Role.LEADER}


@dataclass(frozen=True)
class Actor:
    """The authenticated person (or the system) behind a command."""

    name: str
    role: Role
    zone: str | None = None

    @classmethod
    def system(cls) -> Actor:
        """The scheduler and the CLI's own bookkeeping act as this."""
        return cls(SYSTEM, Role.ADMIN)

    @property
    def is_leader(self) -> bool:
        """Leaders and admins."""
        return self.role in LEADERS


def require_role(actor: Actor, allowed: set[Role], action: str) -> None:
    """Raise PermissionDeniedError unless the actor's role is allowed."""
    if actor.role not in allowed:
        raise PermissionDeniedError(f"当前角色（{actor.role.label}）无权{action}")


def require_leader(actor: Actor, action: str) -> None:
    """Only leaders and admins."""
    require_role(actor, LEADERS, action)


def require_admin(actor: Actor, action: str) -> None:
    """Only admins."""
    require_role(actor, {Role.ADMIN}, action)


def can_change_project(actor: Actor, officer: str, zone: str) -> bool:
    """Officers change their own projects, or any in their zone when scoped."""
    if actor.is_leader:
        return True
    if actor.role is not Role.OFFICER:
        return False
    return officer == actor.name or (actor.zone is not None and zone == actor.zone)


def require_project_change(actor: Actor, officer: str, zone: str) -> None:
    """Raise PermissionDeniedError unless the actor may change this project."""
    if not can_change_project(actor, officer, zone):
        raise PermissionDeniedError("无权修改此项目（只能修改本人负责或本板块的项目）")


def registering_officer(actor: Actor, named: str | None) -> str:
    """Whose a new project is: an officer's own; a leader or admin names anyone."""
    if actor.is_leader and named:
        return named
    return actor.name


def require_register_in_zone(actor: Actor, zone: str) -> None:
    """Officers scoped to a zone register projects only there."""
    require_role(actor, CHANGERS, "登记项目")
    if actor.role is Role.OFFICER and actor.zone and zone != actor.zone:
        raise PermissionDeniedError("只能在本人所属板块登记项目")
