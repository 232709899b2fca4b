"""The what-if's weekly counts without judging every span on every week.

Under a fixed policy a stage interval turns yellow on one day and red on a later
one, and stays so until the project leaves the stage: the rule only ever looks
at how many days have passed (in the stage, or past the planned date). So each
span is reduced once to its onset days, and a week's count is the number of
intervals [onset, left) holding its Monday: each interval is placed among the
Mondays by binary search and the counts summed up in one pass. `levels` in
domain/stall_whatif.py stays the plain statement of the rule; a test holds
these counts to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from math import ceil, floor

import numpy as np

from domain.stall_whatif import NONE, DraftTerms, Spans

# A day beyond any date, with room to add days to it: "never".
NEVER = NONE // 2


@dataclass(frozen=True)
class Onsets:
    """Per span: the first day it is yellow or worse, and the first day red.

    NEVER or beyond: not on any day.
    """

    yellow: np.ndarray
    red: np.ndarray


@dataclass(frozen=True)
class SpanIndex:
    """What every policy's onsets are computed from, prepared once per set of spans.

    `code` numbers each span's stage (names in `names`); `planned` is the
    planned date of its next stage, NEVER where there is none.
    """

    code: np.ndarray
    names: tuple[str, ...]
    planned: np.ndarray


def stage_rows(spans: Spans) -> SpanIndex:
    """The spans' stage codes and planned dates (computed once per set of spans)."""
    names = tuple(sorted({str(s) for s in spans.stage}))
    code = np.full(len(spans.stage), -1, dtype=np.int64)
    for n, name in enumerate(names):
        code[spans.stage == name] = n
    planned = np.where(spans.planned_next == NONE, NEVER, spans.planned_next)
    return SpanIndex(code, names, planned)


def onsets(spans: Spans, terms: DraftTerms, index: SpanIndex) -> Onsets:
    """Each span's onset days under `terms`."""
    factor, named = terms.red_factor, terms.thresholds

    def per_span(days: dict[str, int]) -> np.ndarray:
        return np.array([days.get(n, NEVER) for n in index.names] + [NEVER])[index.code]

    # days ≥ threshold, days ≥ factor × threshold, for whole days in the stage;
    # late > grace, late > factor × grace, for whole days late.
    grace = terms.overdue_days
    yellow = np.minimum(
        spans.entered + per_span(dict(named)), index.planned + grace + 1
    )
    red = np.minimum(
        spans.entered + per_span({n: ceil(factor * t) for n, t in named.items()}),
        index.planned + floor(factor * grace) + 1,
    )
    if any(n not in named for n in index.names):
        # A stage the terms do not name is never judged.
        judged = np.array([n in named for n in index.names] + [False])[index.code]
        yellow, red = np.where(judged, yellow, NEVER), np.where(judged, red, NEVER)
    return Onsets(yellow, red)


def _counts(began: np.ndarray, ended: np.ndarray, size: int) -> np.ndarray:
    # An interval holds the Mondays from index `began` up to before `ended`:
    # +1 at the one, −1 at the other, summed up.
    change = np.bincount(began, minlength=size + 1) - np.bincount(
        ended, minlength=size + 1
    )
    return np.cumsum(change)[:size]


def weekly_counts(
    spans: Spans, draft: Onsets, in_force: Onsets, mondays: Sequence[date]
) -> dict[str, np.ndarray]:
    """Per Monday: flagged and red under each policy, and the projects that differ.

    Each day is placed once among the Mondays (the index of the first Monday on
    or after it); an interval [max(entered, onset), left) then holds the Mondays
    from max(index of entered, index of onset) up to before the index of left,
    and none when that start is not before the end.
    """
    days = np.array([d.toordinal() for d in mondays], dtype=np.int64)
    size = len(days)

    weekly = size > 0 and bool((np.diff(days) == 7).all())

    def index(values: np.ndarray) -> np.ndarray:
        if weekly:  # evenly spaced: arithmetic, cheaper than a binary search
            return np.clip((values - days[0] + 6) // 7, 0, size)
        return np.searchsorted(days, values, side="left")

    ended = index(spans.left)
    entered = index(spans.entered)

    def start(onset: np.ndarray) -> np.ndarray:
        return np.minimum(np.maximum(entered, onset), ended)

    yellow, yellow_now = index(draft.yellow), index(in_force.yellow)
    flagged = _counts(start(yellow), ended, size)
    flagged_now = _counts(start(yellow_now), ended, size)
    both = _counts(start(np.maximum(yellow, yellow_now)), ended, size)
    return {
        "flagged": flagged,
        "flagged_now": flagged_now,
        "red": _counts(start(index(draft.red)), ended, size),
        "red_now": _counts(start(index(in_force.red)), ended, size),
        "newly_flagged": flagged - both,
        "no_longer_flagged": flagged_now - both,
    }


def levels_on(spans: Spans, found: Onsets, day: date) -> np.ndarray:
    """Per span on `day`: 0 not stalled (or not in the stage), 1 yellow, 2 red."""
    d = day.toordinal()
    current = (spans.entered <= d) & (spans.left > d)
    level = (found.yellow <= d).astype(np.int8) + (found.red <= d)
    return np.where(current, level, 0).astype(np.int8)
