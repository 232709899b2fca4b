"""Merging a duplicate registration into the project it duplicates (梳理整合).

The rules are domain/duplicates.py's; both projects record the merge.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from domain.clock import today as bureau_today
from domain.duplicates import check_merge
from domain.project_state import ProjectState
from domain.rules import TEXT_MAX, required_text
from domain.stall import (
    iso_week,
)

if TYPE_CHECKING:
    from domain.project import InvestmentProject


class DuplicateMerging(ProjectState):
    """Merging a duplicate into its survivor; each keeps its own facts."""

    @property
    def is_merged(self) -> bool:
        """Whether the project was merged into another (a duplicate registration)."""
        return self.merged_into is not None

    def merge_into(
        self,
        survivor: InvestmentProject,
        reason: str,
        actor: str,
        today: date | None = None,
    ) -> None:
        """Merge this duplicate registration into `survivor`: records on both.

        Each keeps its own facts: this one's history stays under it, readable,
        and it leaves the pool; its open stall alert ends with it. Who may is
        the service's rule (leaders).
        """
        check_merge(self, survivor)
        note = required_text(reason, "reason", TEXT_MAX)
        if self.stall is not None:
            day = today or bureau_today()
            self._clear_stall(
                week=iso_week(day),
                as_of=day,
                reason=f"已合并至《{survivor.name}》",
                actor=actor,
            )
        self._merge_into(
            survivor_id=str(survivor.id),
            survivor_name=survivor.name,
            reason=note,
            actor=actor,
        )
        survivor._absorb_duplicate(
            duplicate_id=str(self.id),
            duplicate_name=self.name,
            reason=note,
            actor=actor,
        )

    def _merge_into(
        self, survivor_id: str, survivor_name: str, reason: str, actor: str
    ) -> None:
        self.merged_into = survivor_id
        self.merged_into_name = survivor_name

    def _absorb_duplicate(
        self, duplicate_id: str, duplicate_name: str, reason: str, actor: str
    ) -> None:
        self.absorbed = (*self.absorbed, duplicate_id)
