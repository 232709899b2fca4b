"""The forecast itself: fit the stage curves, predict every open project, sum up.

Curves are fitted per industry where the industry has at least MIN_GROUP
measured durations for that stage and pooled over all industries otherwise; a
stage with fewer than MIN_MEASURED measured durations in all gives
`insufficient_history` instead of a guess. The interval mixes the count's
Poisson-binomial spread with the curves' own uncertainty: the spells are
resampled with replacement (within each industry) REPLICATES times and the
curves refitted each time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from domain.forecast.curves import Curve, fit
from domain.forecast.interval import LEVEL, count_interval
from domain.forecast.predict import Windows, next_stage, stage_after_next
from domain.forecast.quarters import day_windows, quarters_after
from domain.forecast.spells import CENSORED, MOVED, TRANSITIONS, WITHDRAWN, History
from domain.forecast.table import (
    CODES,
    Entries,
    OpenTable,
    SpellTable,
    open_table,
    spell_table,
)

MIN_MEASURED = 10
MIN_GROUP = 30
REPLICATES = 20
POOLED = "*"
METHOD = (
    "Aalen–Johansen (statsmodels CumIncidenceRight) per stage; withdrawal is a competing risk;"
    " projects still in a stage are censored on as_of"
)


@dataclass(frozen=True)
class StageData:
    """One stage's spells, aggregated: (industry, days, outcome) counted `weight`."""

    group: np.ndarray
    days: np.ndarray
    outcome: np.ndarray
    weight: np.ndarray

    def measured(self, keep: np.ndarray | None = None) -> int:
        """How many spells ended in the next stage."""
        moved = self.outcome == MOVED
        return int(self.weight[moved if keep is None else moved & keep].sum())

    def own_groups(self) -> list[str]:
        """Industries with enough measured durations for a curve of their own."""
        return sorted(
            g for g in set(self.group) if self.measured(self.group == g) >= MIN_GROUP
        )


def _aggregate(table: SpellTable, stage: str) -> StageData:
    """The stage's spells counted by (industry, days, outcome)."""
    at = np.flatnonzero(table.stage == CODES[stage])
    names, group = np.unique(table.group[at], return_inverse=True)
    # One integer per (industry, days, outcome): counted by np.unique at C speed.
    key = (group.astype(np.int64) << 40) | (table.days[at] << 2) | table.outcome[at]
    found, weight = np.unique(key, return_counts=True)
    return StageData(
        names[found >> 40].astype(object),
        (found >> 2) & ((1 << 38) - 1),
        found & 3,
        weight,
    )


def _fit_all(data: StageData, weight: np.ndarray, length: int) -> dict[str, Curve]:
    curves = {POOLED: fit(data.days, data.outcome, weight, length)}
    for group in data.own_groups():
        keep = data.group == group
        curves[group] = fit(data.days[keep], data.outcome[keep], weight[keep], length)
    return curves


def _resampled(data: StageData, rng: np.random.Generator) -> np.ndarray:
    weight = np.zeros_like(data.weight)
    for group in sorted(set(data.group)):  # a fixed order: the same draws each run
        at = np.flatnonzero(data.group == group)
        counts = data.weight[at]
        weight[at] = rng.multinomial(counts.sum(), counts / counts.sum())
    return weight


def _by_key(keys: np.ndarray, t: np.ndarray, predict: Any, width: int) -> np.ndarray:
    out = np.zeros((len(t), width))
    for key in np.unique(keys):
        rows = np.flatnonzero(keys == key)
        unique, back = np.unique(t[rows], return_inverse=True)
        out[rows] = predict(int(key), unique)[back]
    return out


def _keys(projects: OpenTable, curves: dict[str, Curve]) -> np.ndarray:
    """Per project: its industry's number if it has a curve of its own, else -1."""
    own = [c if name in curves else -1 for c, name in enumerate(projects.industries)]
    return np.array(own + [-1], dtype=np.int64)[projects.industry]


def _curve(curves: dict[str, Curve], industries: Sequence[str], key: int) -> Curve:
    return curves[POOLED if key < 0 else industries[key]]


def chances(
    curves: dict[str, dict[str, Curve]], projects: OpenTable, windows: Windows
) -> tuple[np.ndarray, np.ndarray]:
    """(signed projects' chance of 落地, open projects' chance of 投产) per window."""
    signed_curves, landed_curves = curves["signed"], curves["landed"]
    names, width = projects.industries, len(windows)
    signed = projects.stage == CODES["signed"]
    keys_signed, keys_landed = (
        _keys(projects, signed_curves),
        _keys(projects, landed_curves),
    )
    t = projects.days[signed]
    landing = _by_key(
        keys_signed[signed],
        t,
        lambda k, u: next_stage(_curve(signed_curves, names, k), u, windows),
        width,
    )
    # Both curves of a signed project, as one number (either may be pooled: −1).
    base = len(names) + 1
    pairs = (keys_signed[signed] + 1) * base + keys_landed[signed] + 1
    producing_signed = _by_key(
        pairs,
        t,
        lambda k, u: stage_after_next(
            _curve(signed_curves, names, k // base - 1),
            _curve(landed_curves, names, k % base - 1),
            u,
            windows,
        ),
        width,
    )
    landed = ~signed
    producing_landed = _by_key(
        keys_landed[landed],
        projects.days[landed],
        lambda k, u: next_stage(_curve(landed_curves, names, k), u, windows),
        width,
    )
    producing = np.zeros((len(projects.days), width))
    producing[signed], producing[landed] = producing_signed, producing_landed
    return landing, producing


def _stage_basis(data: StageData) -> dict[str, Any]:
    def count(outcome: int) -> int:
        return int(data.weight[data.outcome == outcome].sum())

    return {
        "measured": count(MOVED),
        "censored": count(CENSORED),
        "withdrawn": count(WITHDRAWN),
        "by_industry": data.own_groups(),
    }


def _figure(
    point: np.ndarray,
    replicates: list[np.ndarray],
    weight: np.ndarray,
    investment: np.ndarray,
) -> dict[str, Any]:
    low, high = count_interval(replicates or [point], weight=weight)
    return {
        "expected": round(float(point @ weight), 1),
        "low": low,
        "high": high,
        "investment": f"{float(point @ investment):.2f}",
    }


@dataclass(frozen=True)
class Alike:
    """Open projects alike for the forecast (same stage, industry, days in it)."""

    projects: OpenTable
    count: np.ndarray
    investment: np.ndarray


def alike(projects: OpenTable) -> Alike:
    """One row per (stage, industry, days), with how many and their investment.

    Projects alike have the same chances, so each is predicted once: tens of
    thousands of open projects are a few thousand rows.
    """
    key = (projects.stage * (len(projects.industries) + 1) + projects.industry) << 32
    found, first, back, count = np.unique(
        key | projects.days, return_index=True, return_inverse=True, return_counts=True
    )
    return Alike(
        OpenTable(
            projects.project[first],
            projects.stage[first],
            projects.industry[first],
            projects.industries,
            projects.days[first],
            projects.investment[first],
        ),
        count,
        np.bincount(back, weights=projects.investment, minlength=len(found)),
    )


def forecast(
    histories: Sequence[History],
    as_of: date,
    count: int,
    replicates: int = REPLICATES,
    seed: int | None = None,
) -> dict[str, Any]:
    """The next `count` quarters' 落地 and 投产, learned from `histories`."""
    return forecast_entries(
        Entries.of_histories(histories), as_of, count, replicates, seed
    )


def forecast_entries(
    entries: Entries,
    as_of: date,
    count: int,
    replicates: int = REPLICATES,
    seed: int | None = None,
) -> dict[str, Any]:
    """The forecast from entries dated up to `as_of` (see `forecast`)."""
    table = spell_table(entries, as_of)
    data = {stage: _aggregate(table, stage) for stage in TRANSITIONS}
    projects = open_table(entries, as_of)
    basis: dict[str, Any] = {
        "method": METHOD,
        "level": LEVEL,
        "replicates": replicates,
        "min_measured": MIN_MEASURED,
        "min_industry": MIN_GROUP,
        "open": {s: int((projects.stage == CODES[s]).sum()) for s in TRANSITIONS},
        "stages": {stage: _stage_basis(d) for stage, d in data.items()},
    }
    if any(d.measured() < MIN_MEASURED for d in data.values()):
        return {
            "as_of": as_of.isoformat(),
            "insufficient_history": True,
            "basis": basis,
        }
    quarters = quarters_after(as_of, count)
    windows = day_windows(as_of, quarters)
    longest = max(
        [int(d.days.max()) for d in data.values()] + [int(projects.days.max(initial=0))]
    )
    length = longest + windows[-1][1] + 2
    grouped = alike(projects)
    point = chances(
        {s: _fit_all(d, d.weight, length) for s, d in data.items()},
        grouped.projects,
        windows,
    )
    rng = np.random.default_rng(seed if seed is not None else as_of.toordinal())
    draws = [
        chances(
            {s: _fit_all(d, _resampled(d, rng), length) for s, d in data.items()},
            grouped.projects,
            windows,
        )
        for _ in range(replicates)
    ]
    signed = grouped.projects.stage == CODES["signed"]
    rows = []
    for j, quarter in enumerate(quarters):
        rows.append(
            {
                "quarter": str(quarter),
                "landed": _figure(
                    point[0][:, j],
                    [d[0][:, j] for d in draws],
                    grouped.count[signed],
                    grouped.investment[signed],
                ),
                "producing": _figure(
                    point[1][:, j],
                    [d[1][:, j] for d in draws],
                    grouped.count,
                    grouped.investment,
                ),
            }
        )
    return {"as_of": as_of.isoformat(), "quarters": rows, "basis": basis}
