"""Plan slippage: how often and by how much planned dates were pushed back.

A revision moves one planned date; it slips when the new date is later. Per
group (officer, zone or industry) the report counts revisions, the share that
slipped, and the days pushed back (total, mean and longest); per project, the
days pushed back in all, to find the plans that slipped most.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

GROUPINGS = ("officer", "zone", "industry")


@dataclass
class Tally:
    """Revisions of one group or project."""

    revisions: int = 0
    slipped: int = 0
    days: int = 0
    longest: int = 0
    projects: set[str] = field(default_factory=set)

    def add(self, project_id: str, days: int) -> None:
        """Count one revision moving a date by `days` (positive: later)."""
        self.revisions += 1
        self.projects.add(project_id)
        if days > 0:
            self.slipped += 1
            self.days += days
            self.longest = max(self.longest, days)

    def as_dict(self) -> dict[str, Any]:
        """Plain figures: counts, share slipped, days pushed back."""
        return {
            "revisions": self.revisions,
            "slipped": self.slipped,
            "slip_rate": round(self.slipped / self.revisions, 3)
            if self.revisions
            else None,
            "days_pushed": self.days,
            "mean_days": round(self.days / self.slipped, 1) if self.slipped else None,
            "longest_days": self.longest,
            "projects": len(self.projects),
        }


def by_group(
    revisions: Iterable[Mapping[str, Any]],
    groups: Mapping[str, Mapping[str, Any]],
    grouping: str,
) -> list[dict[str, Any]]:
    """Per group: the tally of its projects' revisions, most days pushed first."""
    tallies: dict[str, Tally] = {}
    for r in revisions:
        project = groups.get(r["project_id"])
        key = project[grouping] if project else ""
        tallies.setdefault(key, Tally()).add(r["project_id"], int(r["days"]))
    rows = [{"key": k, **t.as_dict()} for k, t in tallies.items()]
    return sorted(rows, key=lambda r: (-r["days_pushed"], -r["slipped"], r["key"]))


def most_slipped(
    revisions: Iterable[Mapping[str, Any]], limit: int
) -> list[dict[str, Any]]:
    """The projects whose plans were pushed back the most days in all."""
    tallies: dict[str, Tally] = {}
    for r in revisions:
        tallies.setdefault(r["project_id"], Tally()).add(
            r["project_id"], int(r["days"])
        )
    rows = [
        {"project_id": pid, **t.as_dict()} for pid, t in tallies.items() if t.slipped
    ]
    rows.sort(key=lambda r: (-r["days_pushed"], -r["slipped"], r["project_id"]))
    return rows[:limit]
