"""Yearly cultivation targets (年度培育目标): new designations per level and zone.

One aggregate per year, its id derived from the year, so two admins setting the
same year's first target collide instead of creating two plans. A target is a
count of enterprises newly certified with a designation in that year, for the
whole district (zone None) or for one zone; setting 0 removes it.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.clock import today as bureau_today
from domain.cultivation import designation, target_year
from domain.errors import RuleViolationError
from domain.rules import optional_text

MAX_COUNT = 100_000


def targets_id(year: int) -> UUID:
    """The aggregate id of a year's targets."""
    return uuid5(NAMESPACE_URL, f"gxtrack:targets:{year}")


def target_key(designation_code: str, zone: str | None) -> str:
    """The key of one target inside the year: designation and zone ('' = all)."""
    return f"{designation_code}|{zone or ''}"


def target_count(value: object) -> int:
    """A whole number of enterprises, 0 or more."""
    if isinstance(value, bool):
        raise RuleViolationError("目标数必须是整数", "count")
    try:
        count = int(str(value).strip())
    except (TypeError, ValueError):
        raise RuleViolationError("目标数必须是整数", "count") from None
    if not 0 <= count <= MAX_COUNT:
        raise RuleViolationError(f"目标数须在 0–{MAX_COUNT} 之间", "count")
    return count


class YearlyTargets(Aggregate):
    """The admin's targets for one year."""

    @staticmethod
    def create_id(year: int, **_: Any) -> UUID:
        """One aggregate per year."""
        return targets_id(year)

    @classmethod
    def start(
        cls, year: object, actor: str, today: date | None = None
    ) -> YearlyTargets:
        """An empty plan for `year` (2000 to five years ahead)."""
        return cls(year=target_year(year, today or bureau_today()), actor=actor)

    @event("Created")
    def __init__(self, year: int, actor: str) -> None:
        self.year = year
        self.targets: dict[str, dict[str, Any]] = {}

    def set_target(
        self,
        designation_code: str,
        count: object,
        actor: str,
        zone: str | None = None,
        reason: str = "",
    ) -> bool:
        """Set one target; returns False when it already had that count."""
        kind = designation(designation_code)
        number = target_count(count)
        key = target_key(kind.value, zone)
        previous = self.targets.get(key, {}).get("count", 0)
        if number == previous:
            return False
        self._set(
            year=self.year,
            designation=kind.value,
            zone=zone or None,
            count=number,
            previous=previous,
            reason=optional_text(reason, "reason"),
            actor=actor,
        )
        return True

    @event("TargetSet")
    def _set(
        self,
        year: int,
        designation: str,
        zone: str | None,
        count: int,
        previous: int,
        reason: str,
        actor: str,
    ) -> None:
        key = target_key(designation, zone)
        if count:
            self.targets[key] = {
                "designation": designation,
                "zone": zone,
                "count": count,
            }
        else:
            self.targets.pop(key, None)
