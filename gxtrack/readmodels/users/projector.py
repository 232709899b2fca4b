"""The user list: names, roles, zones and contact, for admin pages and mail."""

from __future__ import annotations

from typing import Any

from domain.users import User
from gxtrack.infra.db import Cursor
from gxtrack.infra.ids import id_text
from gxtrack.readmodels.engine.projection import Projection, handles


class UserProjection(Projection):
    """rm_users."""

    name = "users"
    tables = ("rm_users",)
    ddl = (
        "CREATE TABLE IF NOT EXISTS rm_users ("
        " id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL,"
        " zone TEXT, display_name TEXT NOT NULL, email TEXT NOT NULL,"
        " active INTEGER NOT NULL, created_at TEXT NOT NULL)",
    )

    @handles(User.Added)
    def on_User_Added(self, cur: Cursor, e: Any) -> None:
        cur.execute(
            "INSERT INTO rm_users"
            " (id, name, role, zone, display_name, email, active, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
            (
                id_text(e.originator_id),
                e.name,
                e.role,
                e.zone,
                e.display_name,
                e.email,
                e.timestamp.isoformat(),
            ),
        )

    @staticmethod
    def _update(cur: Cursor, e: Any, **columns: Any) -> None:
        sets = ", ".join(f"{c} = ?" for c in columns)
        cur.execute(
            f"UPDATE rm_users SET {sets} WHERE id = ?",
            (*columns.values(), id_text(e.originator_id)),
        )

    @handles(User.RoleChanged)
    def on_User_RoleChanged(self, cur: Cursor, e: Any) -> None:
        self._update(cur, e, role=e.after, zone=e.zone_after)

    @handles(User.ContactUpdated)
    def on_User_ContactUpdated(self, cur: Cursor, e: Any) -> None:
        self._update(cur, e, display_name=e.display_name, email=e.email)

    @handles(User.Deactivated)
    def on_User_Deactivated(self, cur: Cursor, e: Any) -> None:
        self._update(cur, e, active=0)

    @handles(User.Reactivated)
    def on_User_Reactivated(self, cur: Cursor, e: Any) -> None:
        self._update(cur, e, active=1)
