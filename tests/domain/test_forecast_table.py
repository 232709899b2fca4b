"""The forecast's array path against the plain one-project-at-a-time rules."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import numpy as np
import pytest

from domain.forecast.curves import Curve
from domain.forecast.interval import count_interval
from domain.forecast.model import _aggregate, _fit_all, alike, chances
from domain.forecast.predict import next_stage, stage_after_next
from domain.forecast.quarters import day_windows, quarters_after
from domain.forecast.spells import Entry, History, all_spells, open_project
from domain.forecast.table import NAMES, Entries, open_table, spell_table

AS_OF = date(2026, 3, 31)
STAGES = ["negotiating", "signed", "landed", "producing", "withdrawn", "other"]


def _random_histories(seed: int, count: int) -> list[History]:
    """Random walks through the stages, with steps back, withdrawals, same days."""
    rng = random.Random(seed)
    found = []
    for n in range(count):
        day = AS_OF - timedelta(days=rng.randint(0, 1500))
        entries = []
        for _ in range(rng.randint(0, 5)):
            entries.append(Entry(rng.choice(STAGES), min(day, AS_OF)))
            day += timedelta(days=rng.choice([0, rng.randint(1, 400)]))
        industry = rng.choice(["ict", "bio", "auto"])
        found.append(History(f"p{n}", industry, rng.randint(1, 900) / 7, entries))
    return found


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_spells_and_open_projects_agree_with_the_plain_rules(seed):
    histories = _random_histories(seed, 3000)
    table = spell_table(Entries.of_histories(histories), AS_OF)
    plain = Counter(all_spells(histories, AS_OF))
    arrays = Counter(
        (NAMES[int(s)], g, int(d), int(o))
        for s, g, d, o in zip(
            table.stage, table.group, table.days, table.outcome, strict=True
        )
    )
    assert arrays == Counter(tuple(s) for s in plain.elements())
    for stage in ("signed", "landed"):
        data = _aggregate(table, stage)
        counted = Counter(
            {
                (g, int(d), int(o)): int(w)
                for g, d, o, w in zip(
                    data.group, data.days, data.outcome, data.weight, strict=True
                )
            }
        )
        assert counted == Counter(
            (s.group, s.days, s.outcome) for s in plain.elements() if s.stage == stage
        )
    entries = Entries.of_histories(histories)
    opened = open_table(entries, AS_OF)
    got = {
        entries.ids[p]: (NAMES[int(s)], entries.industries[i], int(d), v)
        for p, s, i, d, v in zip(
            opened.project,
            opened.stage,
            opened.industry,
            opened.days,
            opened.investment,
            strict=True,
        )
    }
    want = {
        p.project_id: (p.stage, p.industry, p.days_in_stage, p.investment)
        for h in histories
        if (p := open_project(h, AS_OF)) is not None
    }
    assert got == want
    # Cut at an earlier day: the same as histories that end there.
    earlier = AS_OF - timedelta(days=300)
    cut = [
        History(
            h.project_id,
            h.industry,
            h.investment,
            [e for e in h.entries if e.day <= earlier],
        )
        for h in histories
    ]
    assert Counter(all_spells(cut, earlier)) == Counter(
        (NAMES[int(s)], g, int(d), int(o))
        for s, g, d, o in zip(
            *vars(spell_table(entries.up_to(earlier), earlier)).values(), strict=True
        )
    )


def test_chances_agree_with_each_project_predicted_alone():
    histories = _random_histories(4, 4000)
    entries = Entries.of_histories(histories)
    table = spell_table(entries, AS_OF)
    windows = day_windows(AS_OF, quarters_after(AS_OF, 3))
    data = {s: _aggregate(table, s) for s in ("signed", "landed")}
    longest = max(int(d.days.max()) for d in data.values())
    length = longest + windows[-1][1] + 2
    curves = {s: _fit_all(d, d.weight, length) for s, d in data.items()}
    assert len(curves["signed"]) > 1  # some industries have curves of their own
    opened = open_table(entries, AS_OF)
    landing, producing = chances(curves, opened, windows)
    for j in range(len(opened.days)):
        industry = entries.industries[opened.industry[j]]
        t = np.array([opened.days[j]])
        own_signed = curves["signed"].get(industry, curves["signed"]["*"])
        own_landed = curves["landed"].get(industry, curves["landed"]["*"])
        if NAMES[int(opened.stage[j])] == "signed":
            want_producing = stage_after_next(own_signed, own_landed, t, windows)[0]
            assert landing[list(np.flatnonzero(opened.stage == 1)).index(j)] == (
                pytest.approx(next_stage(own_signed, t, windows)[0])
            )
        else:
            want_producing = next_stage(own_landed, t, windows)[0]
        assert producing[j] == pytest.approx(want_producing)


def test_projects_alike_are_predicted_once_and_counted_by_weight():
    histories = _random_histories(5, 3000)
    entries = Entries.of_histories(histories)
    opened = open_table(entries, AS_OF)
    grouped = alike(opened)
    assert len(grouped.count) < len(opened.days)
    assert grouped.count.sum() == len(opened.days)
    assert grouped.investment.sum() == pytest.approx(opened.investment.sum())
    rng = np.random.default_rng(2)
    for size in (40, 2000):  # the exact count and the normal approximation
        chance = rng.random(len(grouped.count))[:size]
        weight = grouped.count[:size]
        other = rng.random(len(chance))
        each = [np.repeat(chance, weight), np.repeat(other, weight)]
        shared = [chance, other]
        assert count_interval(shared, weight=weight) == count_interval(each)


def test_the_stage_after_next_sums_every_landing_day():
    rng = np.random.default_rng(8)
    first = np.cumsum(rng.random(400)) / 500
    second = np.cumsum(rng.random(400)) / 450
    curve_a = Curve(first, np.clip(1 - first, 0, 1))
    curve_b = Curve(second, np.clip(1 - second, 0, 1))
    windows = [(1, 30), (31, 75), (76, 120)]
    t = np.array([0, 3, 50, 200])
    got = stage_after_next(curve_a, curve_b, t, windows)
    for i, days in enumerate(t):
        for j, (lo, hi) in enumerate(windows):
            # Land on day k after as-of, then produce on day m within the window.
            want = (
                sum(
                    (first[days + k] - first[days + k - 1])
                    * (
                        (second[hi - k] if hi - k >= 0 else 0.0)
                        - (second[lo - k - 1] if lo - k - 1 >= 0 else 0.0)
                    )
                    for k in range(1, hi + 1)
                )
                / curve_a.staying[days]
            )
            assert got[i, j] == pytest.approx(min(max(want, 0), 1))
