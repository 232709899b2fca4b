"""One weekly stalled-project scan, identified by its ISO week.

The id is derived from the week, so a second scan of the same week collides
with the first (an IntegrityError on save) and records nothing new; the first
scan's result is kept here and returned again.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


def scan_id(week: str) -> UUID:
    """The aggregate id of the scan of ISO week `week` ("2024-W27")."""
    return uuid5(NAMESPACE_URL, f"gxtrack:stall-scan:{week}")


class StallScan(Aggregate):
    """The record of a week's scan: what it flagged and cleared."""

    @staticmethod
    def create_id(week: str, **_: Any) -> UUID:
        """One scan per ISO week."""
        return scan_id(week)

    @event("Recorded")
    def __init__(
        self,
        week: str,
        as_of: date,
        actor: str,
        policy_version: int,
        flagged: list[dict[str, Any]],
        cleared: list[str],
        judged: int,
        stalled: list[str] | None = None,  # absent from scans recorded before it
    ) -> None:
        self.week = week
        self.as_of = as_of
        self.actor = actor
        self.policy_version = policy_version
        self.flagged = list(flagged)
        self.cleared = list(cleared)
        self.judged = judged
        self.stalled = None if stalled is None else list(stalled)

    def stalled_ids(self) -> list[str]:
        """Every project this scan found stalled (older scans: those it flagged)."""
        if self.stalled is not None:
            return list(self.stalled)
        return [item["project_id"] for item in self.flagged]

    def result(self) -> dict[str, Any]:
        """The scan as the API returns it."""
        return {
            "week": self.week,
            "as_of": self.as_of.isoformat(),
            "policy_version": self.policy_version,
            "judged": self.judged,
            "flagged": [dict(item) for item in self.flagged],
            "cleared": list(self.cleared),
            "stalled": len(self.stalled_ids()),
            "recorded_at": self.created_on.isoformat(),
        }
