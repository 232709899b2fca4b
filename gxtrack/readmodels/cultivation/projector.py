"""The cultivation pool (rm_candidates) and yearly targets (rm_targets).

A candidacy row is keyed by enterprise and candidacy id and follows the
candidacy from listing to promotion or withdrawal. A target row holds the
current count per (year, designation, zone); zone '' is the whole district.
"""

from __future__ import annotations

from typing import Any

from domain.enterprise import Enterprise
from domain.targets import YearlyTargets
from gxtrack.infra.db import Cursor
from gxtrack.infra.ids import id_text
from gxtrack.readmodels.engine.projection import Projection, handles


class TiersProjection(Projection):
    """rm_candidates and rm_targets."""

    name = "tiers"
    tables = ("rm_candidates", "rm_targets")
    ddl = (
        "CREATE TABLE IF NOT EXISTS rm_candidates ("
        " enterprise_id TEXT NOT NULL, candidacy_id TEXT NOT NULL,"
        " designation TEXT NOT NULL, year INTEGER NOT NULL, officer TEXT NOT NULL,"
        " status TEXT NOT NULL, listed_on TEXT NOT NULL, closed_on TEXT,"
        " reason TEXT, award_id TEXT, note TEXT, updated_at TEXT NOT NULL,"
        " PRIMARY KEY (enterprise_id, candidacy_id))",
        "CREATE INDEX IF NOT EXISTS rm_candidates_year"
        " ON rm_candidates (year, designation, status)",
        "CREATE TABLE IF NOT EXISTS rm_targets ("
        " year INTEGER NOT NULL, designation TEXT NOT NULL, zone TEXT NOT NULL,"
        " count INTEGER NOT NULL, actor TEXT, updated_at TEXT NOT NULL,"
        " PRIMARY KEY (year, designation, zone))",
    )

    @handles(Enterprise.CandidacyListed)
    def on_Enterprise_CandidacyListed(self, cur: Cursor, e: Any) -> None:
        cur.execute(
            "INSERT INTO rm_candidates (enterprise_id, candidacy_id, designation,"
            " year, officer, status, listed_on, note, updated_at)"
            " VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?)",
            (
                id_text(e.originator_id),
                e.candidacy_id,
                e.designation,
                e.year,
                e.officer,
                e.effective_date.isoformat(),
                e.note,
                e.timestamp.isoformat(),
            ),
        )

    def _close(self, cur: Cursor, e: Any, status: str, reason: str, award: Any) -> None:
        cur.execute(
            "UPDATE rm_candidates SET status = ?, closed_on = ?, reason = ?,"
            " award_id = ?, updated_at = ? WHERE enterprise_id = ? AND candidacy_id = ?",
            (
                status,
                e.effective_date.isoformat(),
                reason,
                award,
                e.timestamp.isoformat(),
                id_text(e.originator_id),
                e.candidacy_id,
            ),
        )

    @handles(Enterprise.CandidacyWithdrawn)
    def on_Enterprise_CandidacyWithdrawn(self, cur: Cursor, e: Any) -> None:
        self._close(cur, e, "withdrawn", e.reason, None)

    @handles(Enterprise.CandidacyPromoted)
    def on_Enterprise_CandidacyPromoted(self, cur: Cursor, e: Any) -> None:
        self._close(cur, e, "promoted", "", e.award_id)

    @handles(YearlyTargets.Created)
    def on_YearlyTargets_Created(self, cur: Cursor, e: Any) -> None:
        """Nothing to show until a target is set."""

    @handles(YearlyTargets.TargetSet)
    def on_YearlyTargets_TargetSet(self, cur: Cursor, e: Any) -> None:
        key = (e.year, e.designation, e.zone or "")
        cur.execute(
            "DELETE FROM rm_targets WHERE year = ? AND designation = ? AND zone = ?",
            key,
        )
        if e.count:
            cur.execute(
                "INSERT INTO rm_targets (year, designation, zone, count, actor,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (*key, e.count, e.actor, e.timestamp.isoformat()),
            )
