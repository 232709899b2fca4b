"""The stage timeline value: entries, the stage dates derived from them, bounds."""

from __future__ import annotations

import copy
from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from domain.stages import Stage
from domain.timeline import StageEntry, StageTimeline

NEG, SIGNED, LANDED, WD = (
    Stage.NEGOTIATING,
    Stage.SIGNED,
    Stage.LANDED,
    Stage.WITHDRAWN,
)


def d(month: int, day: int) -> date:
    return date(2024, month, day)


def test_entering_appends_and_leaves_the_original_unchanged():
    start = StageTimeline.starting(NEG, d(1, 10))
    moved = start.enter(SIGNED, d(2, 1))
    assert start.entries == (StageEntry(NEG, d(1, 10)),)
    assert moved.entries == ((NEG, d(1, 10)), (SIGNED, d(2, 1)))
    assert (moved.current, start.current) == (SIGNED, NEG)
    assert moved.entries[-1].stage is SIGNED and moved.entries[-1].day == d(2, 1)
    with pytest.raises(FrozenInstanceError):
        moved.entries = ()  # type: ignore[misc]


def test_stage_dates_are_first_entries_and_read_only():
    timeline = StageTimeline.starting(NEG, d(1, 10)).enter(SIGNED, d(2, 1))
    assert timeline.stage_dates == {"negotiating": d(1, 10), "signed": d(2, 1)}
    assert list(timeline.stage_dates) == ["negotiating", "signed"]
    assert all(type(key) is str for key in timeline.stage_dates)
    with pytest.raises(TypeError):
        timeline.stage_dates["landed"] = d(3, 1)  # type: ignore[index]
    assert timeline.date_of(SIGNED) == d(2, 1)
    assert timeline.date_of(LANDED) is None


def test_withdrawal_counts_while_withdrawn_and_is_forgotten_once_undone():
    withdrawn = StageTimeline.starting(SIGNED, d(1, 10)).withdraw(d(1, 20))
    assert withdrawn.current is WD
    assert withdrawn.withdrawn_from is SIGNED
    assert withdrawn.stage_dates == {"signed": d(1, 10), "withdrawn": d(1, 20)}
    back = withdrawn.reinstate(SIGNED, d(2, 1))
    assert back.current is SIGNED and back.withdrawn_from is None
    # The stage keeps the day it was first entered; the withdrawal stays in
    # the entries, bounding the stages around it.
    assert back.stage_dates == {"signed": d(1, 10)}
    assert back.entries == ((SIGNED, d(1, 10)), (WD, d(1, 20)), (SIGNED, d(2, 1)))
    again = back.withdraw(d(3, 1))
    assert again.stage_dates["withdrawn"] == d(3, 1)
    assert again.date_of(WD) == d(3, 1)


def test_not_withdrawn_has_no_withdrawn_from():
    assert StageTimeline.starting(NEG, d(1, 10)).withdrawn_from is None


def test_back_to_cuts_after_the_last_entry_of_the_stage():
    timeline = (
        StageTimeline.starting(NEG, d(1, 10))
        .withdraw(d(1, 20))
        .reinstate(NEG, d(2, 1))
        .enter(SIGNED, d(3, 1))
        .enter(LANDED, d(4, 1))
    )
    back = timeline.back_to(NEG)
    assert back.entries == ((NEG, d(1, 10)), (WD, d(1, 20)), (NEG, d(2, 1)))
    assert back.stage_dates == {"negotiating": d(1, 10)}
    assert timeline.back_to(SIGNED).entries == timeline.entries[:4]


def test_bounds_are_the_entries_around_the_stage_date():
    timeline = (
        StageTimeline.starting(NEG, d(1, 10))
        .withdraw(d(1, 20))
        .reinstate(NEG, d(2, 1))
        .enter(SIGNED, d(3, 1))
    )
    assert timeline.bounds(NEG) == (None, d(1, 20))
    assert timeline.bounds(SIGNED) == (d(2, 1), None)
    withdrawn = timeline.withdraw(d(4, 1)).reinstate(SIGNED, d(4, 5)).withdraw(d(5, 1))
    assert withdrawn.bounds(WD) == (d(4, 5), None)
    assert withdrawn.bounds(SIGNED) == (d(2, 1), d(4, 1))


def test_redate_moves_the_entry_the_stage_date_counts_from():
    timeline = (
        StageTimeline.starting(NEG, d(1, 10))
        .withdraw(d(1, 20))
        .reinstate(NEG, d(2, 1))
        .enter(SIGNED, d(3, 1))
    )
    moved = timeline.redate(NEG, d(1, 15))
    assert moved.entries == (
        (NEG, d(1, 15)),
        (WD, d(1, 20)),
        (NEG, d(2, 1)),
        (SIGNED, d(3, 1)),
    )
    assert moved.stage_dates["negotiating"] == d(1, 15)
    assert timeline.redate(SIGNED, d(2, 5)).entries[-1] == (SIGNED, d(2, 5))
    # Withdrawn twice on one day: the current withdrawal is the one re-dated.
    twice = (
        StageTimeline.starting(NEG, d(1, 10))
        .withdraw(d(1, 20))
        .reinstate(NEG, d(1, 20))
        .withdraw(d(1, 20))
    )
    assert twice.redate(WD, d(1, 25)).entries == (
        (NEG, d(1, 10)),
        (WD, d(1, 20)),
        (NEG, d(1, 20)),
        (WD, d(1, 25)),
    )


def test_stage_dates_are_kept_per_timeline_and_survive_a_deep_copy():
    first = StageTimeline.starting(Stage.NEGOTIATING, date(2024, 1, 2))
    assert dict(first.stage_dates) == {"negotiating": date(2024, 1, 2)}
    later = first.enter(Stage.SIGNED, date(2024, 3, 4)).withdraw(date(2024, 5, 6))
    assert dict(first.stage_dates) == {"negotiating": date(2024, 1, 2)}
    assert dict(later.stage_dates) == {
        "negotiating": date(2024, 1, 2),
        "signed": date(2024, 3, 4),
        "withdrawn": date(2024, 5, 6),
    }
    # The aggregate cache hands out deep copies of projects.
    assert copy.deepcopy(later).stage_dates == later.stage_dates
    with pytest.raises(TypeError):
        later.stage_dates["signed"] = date(2024, 3, 5)  # type: ignore[index]
