"""User and reference-data use cases (admin only)."""

from __future__ import annotations

from typing import Any

from eventsourcing.application import AggregateNotFoundError

from domain.permissions import Actor, require_admin
from domain.users import Role, User, user_id
from gxtrack.app.base import ServiceBase
from gxtrack.errors import ConflictError, NotFoundError


def user_view(user: User) -> dict[str, Any]:
    """The user as the API returns it (no secrets: they are not here)."""
    return {
        "name": user.name,
        "role": user.role.value,
        "role_label": user.role.label,
        "zone": user.zone,
        "display_name": user.display_name,
        "email": user.email,
        "active": user.active,
        "version": user.version,
    }


class UserService(ServiceBase):
    """Users, roles and the reference lists."""

    def add_user(
        self,
        actor: Actor,
        name: str,
        role: str,
        zone: str | None = None,
        display_name: str = "",
        email: str = "",
    ) -> dict[str, Any]:
        """Create a user; the name must be new."""
        require_admin(actor, "管理用户")
        if zone:
            zone = self.reference().resolve("zone", zone)
        user = User.add(name, role, actor.name, zone, display_name, email)
        if self.exists(user.id):
            raise ConflictError(f"用户已存在: {user.name}")
        self.store(user)
        return user_view(user)

    def find_user(self, name: str) -> User:
        """The user called `name`, or NotFoundError."""
        try:
            user = self.repository.get(user_id(name))
        except AggregateNotFoundError:
            raise NotFoundError(f"用户不存在: {name}") from None
        return user

    def actor_for(self, name: str) -> Actor | None:
        """The Actor for an active user, or None (asked on every request)."""
        try:
            user = self.current(user_id(name))
        except AggregateNotFoundError:
            return None
        if not isinstance(user, User):
            return None
        return Actor(user.name, user.role, user.zone) if user.active else None

    def change_role(
        self, actor: Actor, name: str, role: str, zone: str | None = None
    ) -> dict[str, Any]:
        """Give a user another role or zone scope."""
        require_admin(actor, "管理用户")
        user = self.find_user(name)
        if zone:
            zone = self.reference().resolve("zone", zone)
        user.change_role(role, zone, actor.name)
        self.store(user)
        return user_view(user)

    def set_active(self, actor: Actor, name: str, active: bool) -> dict[str, Any]:
        """Deactivate or reactivate a user."""
        require_admin(actor, "管理用户")
        user = self.find_user(name)
        (user.reactivate if active else user.deactivate)(actor.name)
        self.store(user)
        return user_view(user)

    def reference_data(self) -> dict[str, Any]:
        """Industries and zones with their Chinese names."""
        reference = self.reference()
        return {
            "industries": [
                {"code": c, "name": n} for c, n in reference.industries.items()
            ],
            "zones": [{"code": c, "name": n} for c, n in reference.zones.items()],
            "version": reference.version,
        }

    def add_reference_entry(
        self, actor: Actor, kind: str, code: str, name: str
    ) -> dict[str, Any]:
        """Add an industry or zone."""
        require_admin(actor, "维护基础数据")
        reference = self.reference_for_change()
        reference.add_entry(kind, code, name, actor.name)
        self.store(reference)
        return self.reference_data()

    def rename_reference_entry(
        self, actor: Actor, kind: str, code: str, name: str
    ) -> dict[str, Any]:
        """Rename an industry or zone."""
        require_admin(actor, "维护基础数据")
        reference = self.reference_for_change()
        reference.rename_entry(kind, code, name, actor.name)
        self.store(reference)
        return self.reference_data()


ROLES = [{"code": r.value, "name": r.label} for r in Role]
