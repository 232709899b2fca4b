"""Many projects' stage entries as columns, and their spells and open projects.

At 100k projects the forecast reads a few hundred thousand stage entries; held
as Python objects (History, Entry, Spell) they took seconds to build and walk,
once per forecast and again per backtest origin. Here they are arrays, and the
spells and the open projects come out of whole-array operations. spells.py
states the same rules one project at a time; a test holds this to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from domain.forecast.spells import CENSORED, MOVED, RANK, WITHDRAWN, History

# Stage codes: the forward stages by rank, withdrawal, anything else OTHER.
CODES = {**RANK, "withdrawn": 4}
OTHER = -1
SIGNED, LANDED, PRODUCING = RANK["signed"], RANK["landed"], RANK["producing"]
NAMES = {code: name for name, code in CODES.items()}


@dataclass(frozen=True)
class Entries:
    """Stage entries, one row each; a project's rows together and in order.

    `project` numbers the projects (their ids in `ids`); `industry` numbers the
    industries (their names in `industries`). Days are ordinals, money 万元.
    """

    ids: np.ndarray
    industries: tuple[str, ...]
    project: np.ndarray
    stage: np.ndarray
    day: np.ndarray
    industry: np.ndarray
    investment: np.ndarray

    @classmethod
    def of_histories(cls, histories: Sequence[History]) -> Entries:
        """The entries of History objects (tests and small callers)."""
        names: dict[str, int] = {}
        project, stage, day, industry, money = [], [], [], [], []
        for n, h in enumerate(histories):
            code = names.setdefault(h.industry, len(names))
            for e in h.entries:
                project.append(n)
                stage.append(CODES.get(e.stage, OTHER))
                day.append(e.day.toordinal())
                industry.append(code)
                money.append(h.investment)
        return cls(
            np.array([h.project_id for h in histories], dtype=object),
            tuple(names),
            np.array(project, dtype=np.int64),
            np.array(stage, dtype=np.int64),
            np.array(day, dtype=np.int64),
            np.array(industry, dtype=np.int64),
            np.array(money, dtype=float),
        )

    def up_to(self, day: date) -> Entries:
        """The entries dated on or before `day`."""
        keep = self.day <= day.toordinal()
        return Entries(
            self.ids,
            self.industries,
            self.project[keep],
            self.stage[keep],
            self.day[keep],
            self.industry[keep],
            self.investment[keep],
        )

    def last_rows(self) -> np.ndarray:
        """Each project's last row (for projects with any)."""
        if not len(self.project):
            return np.zeros(0, dtype=np.int64)
        ends = np.flatnonzero(np.diff(self.project))
        return np.concatenate((ends, [len(self.project) - 1]))


@dataclass(frozen=True)
class SpellTable:
    """Every spell in 签约 or 落地: stage code, industry name, days, outcome."""

    stage: np.ndarray
    group: np.ndarray
    days: np.ndarray
    outcome: np.ndarray


def spell_table(entries: Entries, as_of: date) -> SpellTable:
    """The spells of every project, censored on `as_of` (rules of spells.spells)."""
    stage, size = entries.stage, len(entries.stage)
    rows = np.flatnonzero((stage == SIGNED) | (stage == LANDED))
    following = np.minimum(rows + 1, max(size - 1, 0))
    has_next = (rows + 1 < size) & (entries.project[following] == entries.project[rows])
    then = stage[following]
    # A later forward stage is a move; a step back or anything else stays unknown.
    moved = (then >= 0) & (then <= PRODUCING) & (then > stage[rows])
    outcome = np.where(
        has_next,
        np.where(
            then == CODES["withdrawn"], WITHDRAWN, np.where(moved, MOVED, CENSORED)
        ),
        CENSORED,
    )
    ended = np.where(has_next, entries.day[following], as_of.toordinal())
    days = np.maximum(ended - entries.day[rows], 0)
    # A project is counted by its industry as its last entry gives it.
    by_project = np.zeros(len(entries.ids), dtype=np.int64)
    last = entries.last_rows()
    by_project[entries.project[last]] = entries.industry[last]
    names = np.array(entries.industries, dtype=object)
    group = names[by_project[entries.project[rows]]] if len(rows) else names[:0]
    return SpellTable(stage[rows], group, days, outcome)


@dataclass(frozen=True)
class OpenTable:
    """The projects in 签约 or 落地 on the as-of date, as arrays.

    `industry` numbers each project's industry; the names are `industries`.
    """

    project: np.ndarray
    stage: np.ndarray
    industry: np.ndarray
    industries: tuple[str, ...]
    days: np.ndarray
    investment: np.ndarray


def open_table(entries: Entries, as_of: date) -> OpenTable:
    """Projects whose last entry is 签约 or 落地 (rules of spells.open_project)."""
    last = entries.last_rows()
    last = last[(entries.stage[last] == SIGNED) | (entries.stage[last] == LANDED)]
    return OpenTable(
        entries.project[last],
        entries.stage[last],
        entries.industry[last],
        entries.industries,
        as_of.toordinal() - entries.day[last],
        entries.investment[last],
    )
