"""Enterprises and their designations with validity windows.

A designation counts on day D when certified_on <= D <= valid_until, where
valid_until is the expiry date, cut short by a revocation or a failed re-review.
Tier counts on any date are then one grouped query.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.designations import Designation
from domain.enterprise import Enterprise
from gxtrack.infra.db import Cursor
from gxtrack.infra.ids import id_text
from gxtrack.readmodels.engine.projection import Handler, Projection, handles
from gxtrack.readmodels.engine.rows import RowBuffer, insert_statement
from gxtrack.readmodels.enterprises import tier_history

ENTERPRISE_COLUMNS = (
    "id",
    "uscc",
    "name",
    "industry",
    "zone",
    "version",
    "created_at",
    "updated_at",
)
INSERT_AWARD = insert_statement(
    "rm_designations",
    (
        "enterprise_id",
        "award_id",
        "designation",
        "rank",
        "certified_on",
        "expires_on",
        "valid_until",
        "document_no",
        "batch",
        "stars",
    ),
)


class EnterpriseProjection(Projection):
    """rm_enterprises and rm_designations."""

    name = "enterprises"
    tables = ("rm_enterprises", "rm_designations", *tier_history.TABLES)
    ddl = (
        "CREATE TABLE IF NOT EXISTS rm_enterprises ("
        " id TEXT PRIMARY KEY, uscc TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
        " industry TEXT, zone TEXT, version INTEGER NOT NULL,"
        " created_at TEXT NOT NULL, updated_at TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS rm_designations ("
        " enterprise_id TEXT NOT NULL, award_id TEXT NOT NULL,"
        " designation TEXT NOT NULL, rank INTEGER NOT NULL,"
        " certified_on TEXT NOT NULL, expires_on TEXT NOT NULL,"
        " valid_until TEXT NOT NULL, revoked_on TEXT, document_no TEXT,"
        " batch TEXT, stars INTEGER, expired_recorded INTEGER NOT NULL DEFAULT 0,"
        " revoke_reason TEXT, last_reviewed_on TEXT, review_failed_on TEXT,"
        " PRIMARY KEY (enterprise_id, award_id))",
        "CREATE INDEX IF NOT EXISTS rm_designations_window"
        " ON rm_designations (rank, certified_on, valid_until)",
        "CREATE INDEX IF NOT EXISTS rm_designations_expiry"
        " ON rm_designations (expires_on)",
        "CREATE INDEX IF NOT EXISTS rm_designations_certified"
        " ON rm_designations (certified_on)",
        *tier_history.DDL,
    )
    # Events that move a validity window: the enterprise's tier intervals are
    # recomputed once, when the batch is flushed.
    WINDOW_EVENTS = frozenset(
        {
            Enterprise.DesignationAwarded,
            Enterprise.DesignationReviewed,
            Enterprise.DesignationRevoked,
        }
    )

    def __init__(self) -> None:
        super().__init__()
        self._dirty: set[str] = set()
        # New rows held back until the batch ends (or a handler updates the
        # table): one statement per table instead of one per event.
        self._cur: Cursor | None = None
        self._enterprises = RowBuffer("rm_enterprises", ENTERPRISE_COLUMNS)
        # Awards are only ever inserted here; updates go to the table itself.
        self._awards: list[tuple[Any, ...]] = []

    def _bind(self, cur: Cursor) -> None:
        self._enterprises.bind(cur)
        if self._cur is not cur:  # a new transaction: nothing held is stored
            self._cur, self._awards = cur, []
            self._dirty.clear()

    def _flush(self, cur: Cursor) -> None:
        """Write the held rows (before a statement that reads or updates them)."""
        self._bind(cur)
        self._enterprises.flush(cur)
        if self._awards:
            cur.executemany(INSERT_AWARD, self._awards)
            self._awards = []

    def finish_batch(self, cur: Cursor) -> None:
        """Write the held rows; refresh the tier intervals of those touched."""
        self._flush(cur)
        if self._dirty:
            tier_history.refresh_many(cur, self._dirty)
            self._dirty.clear()

    def route(self, event_class: type) -> Handler | None:
        """Every enterprise event: each one bumps the enterprise's version."""
        if issubclass(event_class, Enterprise.Event):
            return self._apply_enterprise
        return None

    def _apply_enterprise(self, cur: Cursor, event: Any) -> None:
        self._bind(cur)
        key = type(event)
        handler = self.handlers.get(key)
        if handler is not None:
            handler(cur, event)
        if key in self.WINDOW_EVENTS and not (
            # Designations beside the ladder never move the tier.
            key is Enterprise.DesignationAwarded
            and not Designation(event.designation).rank
        ):
            self._dirty.add(id_text(event.originator_id))
        if key is not Enterprise.Registered:
            self._enterprises.update(
                cur,
                id_text(event.originator_id),
                {
                    "version": event.originator_version,
                    "updated_at": event.timestamp.isoformat(),
                },
            )

    @handles(Enterprise.Registered)
    def on_Enterprise_Registered(self, cur: Cursor, e: Any) -> None:
        at = e.timestamp.isoformat()
        eid = id_text(e.originator_id)
        self._enterprises.insert(
            cur,
            {
                "id": eid,
                "uscc": e.uscc,
                "name": e.name,
                "industry": e.industry,
                "zone": e.zone,
                "version": e.originator_version,
                "created_at": at,
                "updated_at": at,
            },
        )

    @handles(Enterprise.DesignationAwarded)
    def on_Enterprise_DesignationAwarded(self, cur: Cursor, e: Any) -> None:
        self._awards.append(
            (
                id_text(e.originator_id),
                e.award_id,
                e.designation,
                Designation(e.designation).rank,
                e.certified_on.isoformat(),
                e.expires_on.isoformat(),
                e.expires_on.isoformat(),
                e.document_no,
                e.batch,
                e.stars,
            )
        )

    @handles(Enterprise.DesignationReviewed)
    def on_Enterprise_DesignationReviewed(self, cur: Cursor, e: Any) -> None:
        self._flush(cur)
        cur.execute(
            "UPDATE rm_designations SET expires_on = ?, valid_until = ?,"
            " expired_recorded = 0, last_reviewed_on = ?, review_failed_on = ?"
            " WHERE enterprise_id = ? AND award_id = ?",
            (
                e.after.isoformat(),
                e.after.isoformat(),
                e.reviewed_on.isoformat(),
                None if e.passed else e.reviewed_on.isoformat(),
                id_text(e.originator_id),
                e.award_id,
            ),
        )

    @handles(Enterprise.DesignationRevoked)
    def on_Enterprise_DesignationRevoked(self, cur: Cursor, e: Any) -> None:
        last_day = e.effective_date - timedelta(days=1)
        self._flush(cur)
        cur.execute(
            "UPDATE rm_designations SET revoked_on = ?, revoke_reason = ?,"
            " valid_until = CASE WHEN valid_until < ? THEN valid_until ELSE ? END"
            " WHERE enterprise_id = ? AND award_id = ?",
            (
                e.effective_date.isoformat(),
                e.reason,
                last_day.isoformat(),
                last_day.isoformat(),
                id_text(e.originator_id),
                e.award_id,
            ),
        )

    @handles(Enterprise.DesignationExpired)
    def on_Enterprise_DesignationExpired(self, cur: Cursor, e: Any) -> None:
        self._flush(cur)
        cur.execute(
            "UPDATE rm_designations SET expired_recorded = 1"
            " WHERE enterprise_id = ? AND award_id = ?",
            (id_text(e.originator_id), e.award_id),
        )
