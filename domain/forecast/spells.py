"""Stage spells: how long each project stayed in 签约 and 落地, and how it left.

A spell starts when a project enters a stage and ends at its next entry: a
later stage (the transition, outcome MOVED), a withdrawal (outcome WITHDRAWN,
a competing risk, not a censoring) or nothing yet (CENSORED at the as-of date:
the project is still in the stage, so its duration is at least that long).
A project reinstated after a withdrawal starts a new spell on that day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

CENSORED, MOVED, WITHDRAWN = 0, 1, 2
# Each forecast transition: the stage it leaves and the stage it reaches.
TRANSITIONS = {"signed": "landed", "landed": "producing"}
RANK = {"negotiating": 0, "signed": 1, "landed": 2, "producing": 3}


class Entry(NamedTuple):
    """A project entered `stage` on `day` (entries sorted by day, then order)."""

    stage: str
    day: date


class Spell(NamedTuple):
    """One stay in `stage`: its length in days and how it ended."""

    stage: str
    group: str
    days: int
    outcome: int


@dataclass(frozen=True)
class History:
    """One project's entries up to the as-of date, and what it is counted by."""

    project_id: str
    industry: str
    investment: float
    entries: Sequence[Entry]


@dataclass(frozen=True)
class OpenProject:
    """A project in 签约 or 落地 on the as-of date: what the forecast predicts."""

    project_id: str
    industry: str
    investment: float
    stage: str
    days_in_stage: int


def _outcome(stage: str, following: Entry) -> int:
    if following.stage == "withdrawn":
        return WITHDRAWN
    if RANK.get(following.stage, -1) > RANK[stage]:
        return MOVED
    return CENSORED  # a step back recorded as an entry: treat as still unknown


def spells(history: History, as_of: date) -> list[Spell]:
    """The project's spells in the forecast's stages, censored on `as_of`."""
    found = []
    entries = history.entries
    for i, entry in enumerate(entries):
        if entry.stage not in TRANSITIONS:
            continue
        if i + 1 < len(entries):
            following = entries[i + 1]
            days, outcome = (
                (following.day - entry.day).days,
                _outcome(entry.stage, following),
            )
        else:
            days, outcome = (as_of - entry.day).days, CENSORED
        found.append(Spell(entry.stage, history.industry, max(days, 0), outcome))
    return found


def open_project(history: History, as_of: date) -> OpenProject | None:
    """The project if it is in 签约 or 落地 on `as_of`, else None."""
    if not history.entries:
        return None
    last = history.entries[-1]
    if last.stage not in TRANSITIONS:
        return None
    return OpenProject(
        history.project_id,
        history.industry,
        history.investment,
        last.stage,
        (as_of - last.day).days,
    )


def all_spells(histories: Iterable[History], as_of: date) -> list[Spell]:
    """Every spell of every project."""
    return [s for h in histories for s in spells(h, as_of)]
