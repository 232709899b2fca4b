"""Tier intervals agree with Enterprise.tier_on on every day, in memory and in SQL."""

from __future__ import annotations

import random
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.designations import LADDER, Designation
from domain.enterprise import Enterprise
from domain.errors import RuleViolationError
from domain.uscc import check_character
from domain.validity import last_valid_day
from gxtrack.readmodels.enterprises.queries import list_enterprises, tier_counts
from gxtrack.readmodels.enterprises.tier_history import tier_intervals

TODAY = date(2026, 6, 30)
START = date(2018, 1, 1)


def random_enterprise(rng: random.Random, n: int) -> Enterprise:
    body = f"91320506MA{n:07d}"
    ent = Enterprise.register(
        uscc=body + check_character(body), name=f"e{n}", actor="t"
    )
    for _ in range(rng.randint(0, 6)):
        level = rng.choice(LADDER).value
        day = START + timedelta(days=rng.randint(0, 3000))
        try:
            award = ent.award(level, day, "t", today=TODAY)
            if rng.random() < 0.4:
                review = day + timedelta(days=rng.randint(1, 1200))
                ent.review(
                    award, review, rng.random() < 0.6, "t", reason="r", today=TODAY
                )
            if rng.random() < 0.3:
                revoke = day + timedelta(days=rng.randint(0, 1500))
                ent.revoke(award, revoke, "r", "t", today=TODAY)
        except RuleViolationError:
            continue  # overlaps and late reviews are refused: that is fine here
    return ent


def windows(ent: Enterprise):
    return [
        (Designation(a["designation"]).rank, a["certified_on"], last_valid_day(a))
        for a in ent.designations.values()
    ]


def tier_from(pieces, day: date) -> int:
    found = [rank for rank, start, end in pieces if start <= day <= end]
    assert len(found) <= 1, "intervals overlap"
    return found[0] if found else 0


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=10**9))
def test_intervals_match_tier_on_every_day(seed):
    ent = random_enterprise(random.Random(seed), 1)
    pieces = tier_intervals(windows(ent))
    for offset in range(0, 4400, 7):
        day = START + timedelta(days=offset)
        tier = ent.tier_on(day)
        assert tier_from(pieces, day) == (tier.rank if tier else 0), day


def test_projected_counts_match_the_aggregates(runtime):
    rng = random.Random(11)
    enterprises = [random_enterprise(rng, n) for n in range(60)]
    runtime.app.save(*enterprises)
    runtime.wait_for_read_models()
    for offset in range(0, 4400, 97):
        day = START + timedelta(days=offset)
        expected = {d.value: 0 for d in LADDER}
        for ent in enterprises:
            tier = ent.tier_on(day)
            if tier:
                expected[tier.value] += 1
        assert tier_counts(runtime.db, day)["by_tier"] == expected, day
        for level in LADDER:
            listed = list_enterprises(runtime.db, level.value, day, page_size=200)
            assert listed["total"] == expected[level.value]
    # Every piece ends, so the changes per tier sum to zero; none is stored as 0.
    sums = runtime.db.fetchall(
        "SELECT rank, SUM(delta) AS n, MIN(ABS(delta)) AS m FROM rm_tier_changes"
        " GROUP BY rank"
    )
    assert sums and all(r["n"] == 0 and r["m"] > 0 for r in sums)
    # Rebuilding from the events gives the same intervals and changes.
    queries = (
        "SELECT * FROM rm_tier_history ORDER BY enterprise_id, from_on",
        "SELECT * FROM rm_tier_changes ORDER BY day, rank",
    )
    before = [runtime.db.fetchall(q) for q in queries]
    runtime.projections.rebuild(["enterprises"])
    assert [runtime.db.fetchall(q) for q in queries] == before
