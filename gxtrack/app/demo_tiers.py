"""Sample cultivation data for `gxtrack demo`: this year's targets and a small pool."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.designations import LADDER
from domain.enterprise import Enterprise
from domain.targets import YearlyTargets

SAMPLE_TARGETS = (
    ("innovative_sme", 15, None),
    ("srdi", 8, None),
    ("srdi", 3, "wzedz"),
    ("little_giant", 2, None),
)


def load_tier_demo(app: Any, enterprises: list[Enterprise], today: date) -> None:
    """Set this year's sample targets; list each enterprise for its next level."""
    plan = YearlyTargets.start(today.year, "admin", today=today)
    for designation, count, zone in SAMPLE_TARGETS:
        plan.set_target(designation, count, "admin", zone=zone, reason="示例目标")
    officers = ("officer", "officer_wzedz", "officer_mudu")
    for n, ent in enumerate(enterprises):
        tier = ent.tier_on(today)
        rank = tier.rank if tier else 0
        if rank < len(LADDER):
            ent.list_candidate(
                LADDER[rank].value,
                today.year + 1,
                officers[n % len(officers)],
                "leader",
                note="示例：培育对象",
                today=today,
            )
    app.save(plan, *enterprises)
