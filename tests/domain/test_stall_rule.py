"""The stall rule at its boundary days: thresholds, overdue plans, severity, weeks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.stages import FORWARD, Stage
from domain.stall import StallTerms, iso_week, judge, level_rank, stall_change

AS_OF = date(2024, 7, 1)


def verdict_at(stage: str, days: int, planned=None, terms=None):
    return judge(stage, AS_OF - timedelta(days=days), planned or {}, AS_OF, terms)


@pytest.mark.parametrize(
    ("stage", "threshold"), [("negotiating", 90), ("signed", 180), ("landed", 365)]
)
def test_stage_threshold_boundaries(stage, threshold):
    assert verdict_at(stage, threshold - 1) is None
    yellow = verdict_at(stage, threshold)
    assert (yellow.level, yellow.rule) == ("yellow", "stage_threshold")
    assert (yellow.days_in_stage, yellow.threshold) == (threshold, threshold)
    assert verdict_at(stage, 2 * threshold - 1).level == "yellow"
    red = verdict_at(stage, 2 * threshold)
    assert (red.level, red.rule, red.days_in_stage) == (
        "red",
        "stage_threshold",
        2 * threshold,
    )


@pytest.mark.parametrize("stage", ["producing", "withdrawn"])
def test_terminal_stages_never_stall(stage):
    assert verdict_at(stage, 5000, {"producing": AS_OF - timedelta(days=400)}) is None


def test_overdue_at_30_and_31_days_past_the_planned_next_stage():
    planned = {"signed": AS_OF - timedelta(days=30)}
    assert verdict_at("negotiating", 10, planned) is None
    planned = {"signed": AS_OF - timedelta(days=31)}
    late = verdict_at("negotiating", 10, planned)
    assert (late.level, late.rule, late.days_in_stage, late.threshold) == (
        "yellow",
        "overdue",
        10,
        30,
    )
    # Red when more than twice the grace past; only the next stage's date counts.
    assert (
        verdict_at("negotiating", 10, {"signed": AS_OF - timedelta(days=60)}).level
        == "yellow"
    )
    assert (
        verdict_at("negotiating", 10, {"signed": AS_OF - timedelta(days=61)}).level
        == "red"
    )
    assert (
        verdict_at("negotiating", 10, {"landed": AS_OF - timedelta(days=400)}) is None
    )
    assert (
        verdict_at("signed", 10, {"landed": AS_OF - timedelta(days=31)}).rule
        == "overdue"
    )


def test_the_more_severe_rule_wins_and_ties_name_the_stage_rule():
    overdue = {"signed": AS_OF - timedelta(days=61)}  # red overdue
    assert verdict_at("negotiating", 100, overdue).rule == "overdue"
    assert verdict_at("negotiating", 180, overdue).rule == "stage_threshold"
    mild = {"signed": AS_OF - timedelta(days=31)}
    assert verdict_at("negotiating", 95, mild).rule == "stage_threshold"


def test_a_stage_entered_after_the_as_of_date_is_not_stalled():
    assert judge("negotiating", AS_OF + timedelta(days=1), {}, AS_OF) is None


def test_custom_terms_and_the_change_rule():
    terms = StallTerms({"negotiating": 10, "signed": 20, "landed": 30}, 5, 3)
    assert verdict_at("negotiating", 9, terms=terms) is None
    assert verdict_at("negotiating", 10, terms=terms).level == "yellow"
    yellow = verdict_at("negotiating", 10, terms=terms)
    red = verdict_at("negotiating", 20, terms=terms)
    assert stall_change(None, yellow) == "flag"
    assert stall_change("yellow", red) == "flag"
    assert stall_change("yellow", yellow) is None
    assert stall_change("red", yellow) is None  # a falling level keeps its alert
    assert stall_change("red", None) == "clear"
    assert stall_change(None, None) is None


def test_iso_week_crosses_the_year():
    assert iso_week(date(2024, 12, 30)) == "2025-W01"
    assert iso_week(date(2024, 7, 1)) == "2024-W27"


def test_level_ranks_and_an_overdue_stage_entered_today():
    assert [level_rank(None), level_rank("yellow"), level_rank("red")] == [0, 1, 2]
    overdue = judge("negotiating", AS_OF, {"signed": AS_OF - timedelta(31)}, AS_OF)
    assert (overdue.level, overdue.rule, overdue.days_in_stage) == (
        "yellow",
        "overdue",
        0,
    )
    assert judge("negotiating", AS_OF + timedelta(1), {}, AS_OF) is None


def test_the_forward_path_ends_at_production_and_withdrawn_is_off_it():
    assert [s.next() for s in FORWARD] == [
        Stage.SIGNED,
        Stage.LANDED,
        Stage.PRODUCING,
        None,
    ]
    assert Stage.WITHDRAWN.next() is None and Stage.WITHDRAWN.rank == -1
    assert [s.rank for s in FORWARD] == [0, 1, 2, 3]
