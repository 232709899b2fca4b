"""The what-if's array form of the stall rule agrees with the rule itself."""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np
import pytest

from domain.errors import RuleViolationError
from domain.stall import NEXT_STAGE, StallTerms, judge
from domain.stall_onsets import levels_on, onsets, stage_rows, weekly_counts
from domain.stall_whatif import NONE, DraftTerms, Spans, draft_terms, levels, mondays

DAY = date(2026, 6, 1)


def test_levels_agree_with_judge_on_random_cases():
    rng = random.Random(11)
    terms = StallTerms({"negotiating": 60, "signed": 120, "landed": 200}, 20)
    rows = []
    for _ in range(3000):
        stage = rng.choice(list(NEXT_STAGE))
        entered = DAY - timedelta(days=rng.randint(-30, 600))
        planned = DAY - timedelta(days=rng.randint(-60, 90))
        rows.append((stage, entered, planned if rng.random() < 0.5 else None))
    spans = Spans(
        project=np.array([str(i) for i in range(len(rows))], dtype=object),
        stage=np.array([r[0] for r in rows], dtype=object),
        entered=np.array([r[1].toordinal() for r in rows]),
        left=np.full(len(rows), NONE),
        planned_next=np.array([r[2].toordinal() if r[2] else NONE for r in rows]),
    )
    got = levels(spans, DAY, DraftTerms.of(terms))
    for (stage, entered, planned), level in zip(rows, got, strict=True):
        verdict = judge(stage, entered, {NEXT_STAGE[stage]: planned}, DAY, terms)
        assert level == (0 if verdict is None else 1 + (verdict.level == "red"))


def test_a_span_counts_only_while_the_project_is_in_it():
    spans = Spans(
        project=np.array(["a", "a"], dtype=object),
        stage=np.array(["negotiating", "signed"], dtype=object),
        entered=np.array([date(2025, 1, 1).toordinal(), date(2026, 5, 1).toordinal()]),
        left=np.array([date(2026, 5, 1).toordinal(), NONE]),
        planned_next=np.array([NONE, NONE]),
    )
    terms = DraftTerms({"negotiating": 90, "signed": 180, "landed": 365}, 30)
    assert levels(spans, date(2026, 4, 30), terms).tolist() == [2, 0]
    assert levels(spans, DAY, terms).tolist() == [0, 0]


def test_mondays_of_a_period():
    assert mondays(date(2026, 6, 2), date(2026, 6, 22)) == [
        date(2026, 6, 8),
        date(2026, 6, 15),
        date(2026, 6, 22),
    ]
    assert mondays(date(2026, 6, 2), date(2026, 6, 7)) == []
    with pytest.raises(RuleViolationError) as err:
        mondays(date(2026, 6, 2), date(2026, 6, 1))
    assert err.value.field == "to"


def test_a_draft_changes_only_what_it_names_and_checks_each_value():
    in_force = StallTerms({"negotiating": 90, "signed": 180, "landed": 365}, 30)
    draft = draft_terms(in_force, {"signed": "120"}, red_factor=3)
    assert draft.thresholds == {"negotiating": 90, "signed": 120, "landed": 365}
    assert (draft.overdue_days, draft.red_factor) == (30, 3.0)
    for bad, field in (
        ({"producing": 10}, "thresholds"),
        ({"signed": 0}, "thresholds.signed"),
        ({"signed": "x"}, "thresholds.signed"),
    ):
        with pytest.raises(RuleViolationError) as err:
            draft_terms(in_force, bad)
        assert err.value.field == field
    with pytest.raises(RuleViolationError) as err:
        draft_terms(in_force, {}, red_factor=0.5)
    assert err.value.field == "red_factor"


def _random_spans(rng, count):
    stages = list(NEXT_STAGE)
    entered = [DAY.toordinal() - rng.randint(-60, 700) for _ in range(count)]
    left = [e + rng.randint(0, 400) if rng.random() < 0.4 else NONE for e in entered]
    planned = [
        DAY.toordinal() - rng.randint(-90, 400) if rng.random() < 0.6 else NONE
        for _ in range(count)
    ]
    return Spans(
        project=np.array([str(i) for i in range(count)], dtype=object),
        stage=np.array([rng.choice(stages) for _ in range(count)], dtype=object),
        entered=np.array(entered, dtype=np.int64),
        left=np.array(left, dtype=np.int64),
        planned_next=np.array(planned, dtype=np.int64),
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_weekly_counts_from_onsets_agree_with_judging_every_week(seed):
    rng = random.Random(seed)
    spans = _random_spans(rng, 2000)
    draft = DraftTerms(
        {"negotiating": rng.randint(1, 120), "signed": rng.randint(1, 200)},
        rng.randint(0, 40),
        rng.choice([1.0, 1.5, 2.0, 2.7]),
    )
    in_force = DraftTerms({"negotiating": 90, "signed": 180, "landed": 365}, 30)
    weeks = mondays(DAY - timedelta(days=500), DAY + timedelta(days=60))
    rows = stage_rows(spans)
    under_draft, now = onsets(spans, draft, rows), onsets(spans, in_force, rows)
    counts = weekly_counts(spans, under_draft, now, weeks)
    for j, monday in enumerate(weeks):
        a, b = levels(spans, monday, draft), levels(spans, monday, in_force)
        assert counts["flagged"][j] == (a > 0).sum()
        assert counts["flagged_now"][j] == (b > 0).sum()
        assert counts["red"][j] == (a == 2).sum()
        assert counts["red_now"][j] == (b == 2).sum()
        assert counts["newly_flagged"][j] == ((a > 0) & (b == 0)).sum()
        assert counts["no_longer_flagged"][j] == ((a == 0) & (b > 0)).sum()
        assert levels_on(spans, under_draft, monday).tolist() == a.tolist()
        assert levels_on(spans, now, monday).tolist() == b.tolist()
    # Days not a week apart are placed by binary search: the same counts.
    some = weeks[::3] + weeks[1:2]
    picked = weekly_counts(spans, under_draft, now, sorted(some))
    for name, column in picked.items():
        wanted = [counts[name][weeks.index(d)] for d in sorted(some)]
        assert column.tolist() == wanted
