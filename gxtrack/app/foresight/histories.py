"""Stage entries as the read model gives them, turned into the forecast's histories."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from itertools import groupby
from operator import itemgetter
from typing import Any

from domain.forecast.spells import Entry, History

YUAN_PER_WAN = 10_000


def histories(rows: Iterable[tuple[Any, ...]]) -> list[History]:
    """One History per project from (id, stage, entered_on, industry, 元) rows."""
    found = []
    for project_id, group in groupby(rows, key=itemgetter(0)):
        entries = list(group)
        last = entries[-1]
        found.append(
            History(
                project_id,
                last[3],
                int(last[4]) / YUAN_PER_WAN,
                [
                    Entry(stage, date.fromisoformat(day))
                    for _, stage, day, *_ in entries
                ],
            )
        )
    return found


def first_entry_after(history: History, stage: str, day: date) -> date | None:
    """The first day after `day` on which the project entered `stage`, if any."""
    return next(
        (e.day for e in history.entries if e.stage == stage and e.day > day), None
    )
