"""A project's stage timeline: every stage entered, in order, with its day."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from types import MappingProxyType
from typing import NamedTuple

from domain.stages import Stage


class StageEntry(NamedTuple):
    """The project entered `stage` on `day`; the interval lasts until the next one."""

    stage: Stage
    day: date


@dataclass(frozen=True)
class StageTimeline:
    """Every stage entered, in order; each interval ends where the next begins.

    A withdrawal later undone stays in it (its interval bounds the stages around
    it), while the stage dates a project shows forget it. A correction cuts the
    timeline back to where the stage it returns to was last entered.
    """

    entries: tuple[StageEntry, ...]

    @classmethod
    def starting(cls, stage: Stage, day: date) -> StageTimeline:
        """A project's first stage, entered on `day`."""
        return cls((StageEntry(stage, day),))

    @property
    def current(self) -> Stage:
        """The stage the project is in now."""
        return self.entries[-1].stage

    @property
    def withdrawn_from(self) -> Stage | None:
        """The stage a withdrawn project left, or None if it is not withdrawn."""
        if self.current is not Stage.WITHDRAWN:
            return None
        return self.entries[-2].stage

    @property
    def stage_dates(self) -> Mapping[str, date]:
        """Each stage reached, by its code, on the day it was first entered.

        A stage re-entered by a reinstatement keeps its first day; the withdrawal
        counts only while the project is withdrawn.
        """
        return MappingProxyType(self._dates)

    @cached_property
    def _dates(self) -> dict[str, date]:
        # Worked out once per timeline (it never changes): every command and
        # check asks for it. A plain dict, so the aggregate cache can deep-copy it.
        dates: dict[str, date] = {}
        for entry in self.entries:
            if entry.stage is not Stage.WITHDRAWN:
                dates.setdefault(entry.stage.value, entry.day)
        if self.current is Stage.WITHDRAWN:
            dates[Stage.WITHDRAWN.value] = self.entries[-1].day
        return dates

    def date_of(self, stage: Stage) -> date | None:
        """The day `stage` counts from (see stage_dates), or None if not reached."""
        return self.stage_dates.get(stage.value)

    def enter(self, stage: Stage, day: date) -> StageTimeline:
        """The timeline after moving forward to `stage` on `day`."""
        return StageTimeline((*self.entries, StageEntry(stage, day)))

    def withdraw(self, day: date) -> StageTimeline:
        """The timeline after the project exits (终止) on `day`."""
        return self.enter(Stage.WITHDRAWN, day)

    def reinstate(self, stage: Stage, day: date) -> StageTimeline:
        """The timeline after a withdrawn project returns to `stage` on `day`."""
        return self.enter(stage, day)

    def back_to(self, stage: Stage) -> StageTimeline:
        """The timeline after a correction back to `stage`: what came after never was."""
        last = max(i for i, entry in enumerate(self.entries) if entry.stage is stage)
        return StageTimeline(self.entries[: last + 1])

    def _index(self, stage: Stage) -> int:
        """Where the entry that `stage`'s date counts from is."""
        if stage is Stage.WITHDRAWN:
            return len(self.entries) - 1
        return next(i for i, e in enumerate(self.entries) if e.stage is stage)

    def bounds(self, stage: Stage) -> tuple[date | None, date | None]:
        """The days a re-dated `stage` must stay between: the entries around it."""
        index = self._index(stage)
        before = self.entries[index - 1].day if index else None
        after = self.entries[index + 1].day if index + 1 < len(self.entries) else None
        return before, after

    def redate(self, stage: Stage, day: date) -> StageTimeline:
        """The timeline with the entry `stage`'s date counts from moved to `day`."""
        index = self._index(stage)
        entries = list(self.entries)
        entries[index] = StageEntry(stage, day)
        return StageTimeline(tuple(entries))
