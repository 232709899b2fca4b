"""In-app notifications: the channel that works with no mail server.

What a user is shown, and what they may mark read, is decided by their role and
zone (gxtrack.readmodels.notifications.queries); the actor is passed in, never
read from a request.
"""

from __future__ import annotations

from typing import Any

from domain.permissions import Actor
from gxtrack.app.base import ServiceBase
from gxtrack.readmodels.notifications import queries


class NotificationService(ServiceBase):
    """Read and mark read the notifications that concern the actor."""

    def notifications(
        self, actor: Actor, unread_only: bool = False, limit: int = 50
    ) -> dict[str, Any]:
        """{"items", "unread"}: the actor's newest notifications."""
        return queries.notifications_for(
            self.read_side.db,
            actor.name,
            actor.role.value,
            actor.zone,
            unread_only,
            limit,
        )

    def unread_notifications(self, actor: Actor) -> int:
        """How many of the actor's notifications are unread (the header's count)."""
        return queries.unread_count(
            self.read_side.db, actor.name, actor.role.value, actor.zone
        )

    def mark_notifications_read(
        self, actor: Actor, ids: list[str] | None = None
    ) -> int:
        """Mark some (or, with None, all) of the actor's notifications read."""
        return queries.mark_read(
            self.read_side.db, actor.name, actor.role.value, actor.zone, ids
        )
