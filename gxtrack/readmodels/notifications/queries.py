"""Notification reads: a user's notifications, unread first counted, and read marks.

Who sees a row is the audience's rule: an officer sees the officers' rows of
their own projects, or of every project in their zone when scoped to one (as
domain.permissions lets them change those); leaders and admins see the
leaders' rows; viewers and auditors have none. Read marks live in
notification_reads (a migrated table: they are not rebuilt from events).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from gxtrack.infra.db import Database
from gxtrack.readmodels.notifications.projector import LEADERS, OFFICERS

OFFICER_ROLES = ("officer",)
LEADER_ROLES = ("leader", "admin")


def _audience(name: str, role: str, zone: str | None) -> tuple[str, list[Any]]:
    """The WHERE clause (over rm_notifications n) of the rows this user sees."""
    if role in LEADER_ROLES:
        return "n.audience = ?", [LEADERS]
    if role in OFFICER_ROLES:
        if zone:
            return "n.audience = ? AND (n.officer = ? OR n.zone = ?)", [
                OFFICERS,
                name,
                zone,
            ]
        return "n.audience = ? AND n.officer = ?", [OFFICERS, name]
    return "1 = 0", []


def notifications_for(
    db: Database,
    name: str,
    role: str,
    zone: str | None,
    unread_only: bool = False,
    limit: int = 50,
) -> dict[str, Any]:
    """{"items", "unread"}: the newest `limit` notifications, each with `read`."""
    where, params = _audience(name, role, zone)
    if unread_only:
        where += " AND r.notification_id IS NULL"
    rows = db.fetchall(
        "SELECT n.*, r.read_at FROM rm_notifications n"
        " LEFT JOIN notification_reads r"
        " ON r.notification_id = n.id AND r.user_name = ?"
        f" WHERE {where} ORDER BY n.created_at DESC, n.id LIMIT ?",
        [name, *params, limit],
    )
    for row in rows:
        row["read"] = row["read_at"] is not None
    return {"items": rows, "unread": unread_count(db, name, role, zone)}


def unread_count(db: Database, name: str, role: str, zone: str | None) -> int:
    """How many of the user's notifications they have not read."""
    where, params = _audience(name, role, zone)
    return int(
        db.scalar(
            "SELECT COUNT(*) FROM rm_notifications n"
            " LEFT JOIN notification_reads r"
            " ON r.notification_id = n.id AND r.user_name = ?"
            f" WHERE {where} AND r.notification_id IS NULL",
            [name, *params],
        )
        or 0
    )


def mark_read(
    db: Database,
    name: str,
    role: str,
    zone: str | None,
    ids: list[str] | None = None,
) -> int:
    """Mark the user's notifications read (those in `ids`, or all); how many now."""
    where, params = _audience(name, role, zone)
    if ids is not None:
        if not ids:
            return 0
        where += f" AND n.id IN ({', '.join('?' for _ in ids)})"
        params += ids
    now = datetime.now(UTC).isoformat()
    with db.transaction() as cur:
        cur.execute(
            "INSERT INTO notification_reads (user_name, notification_id, read_at)"
            " SELECT ?, n.id, ? FROM rm_notifications n"
            f" WHERE {where} AND NOT EXISTS (SELECT 1 FROM notification_reads r"
            " WHERE r.user_name = ? AND r.notification_id = n.id)",
            [name, now, *params, name],
        )
        return cur.rowcount
