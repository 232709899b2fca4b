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

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from domain.forecast.curves import Curve, fit
from domain.forecast.interval import LEVEL, count_interval
from domain.forecast.predict import Windows, next_stage, stage_after_next
from domain.forecast.quarters import day_windows, quarters_after
from domain.forecast.spells import (
    CENSORED,
    MOVED,
    TRANSITIONS,
    WITHDRAWN,
    History,
    all_spells,
    open_project,
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


def _aggregate(spells: list[Any], stage: str) -> StageData:
    counts = Counter((s.group, s.days, s.outcome) for s in spells if s.stage == stage)
    rows = list(counts.items())
    return StageData(
        np.array([k[0] for k, _ in rows], dtype=object),
        np.array([k[1] for k, _ in rows], dtype=int),
        np.array([k[2] for k, _ in rows], dtype=int),
        np.array([n for _, n in rows], dtype=int),
    )


def _fit_all(data: StageData, weight: np.ndarray, length: int) -> dict[str, Curve]:
    curves = {POOLED: fit(data.days, data.outcome, weight, length)}
    for group in data.own_groups():
        keep = data.group == group
        curves[group] = fit(data.days[keep], data.outcome[keep], weight[keep], length)
    return curves


def _resampled(data: StageData, rng: np.random.Generator) -> np.ndarray:
    weight = np.zeros_like(data.weight)
    for group in set(data.group):
        at = np.flatnonzero(data.group == group)
        counts = data.weight[at]
        weight[at] = rng.multinomial(counts.sum(), counts / counts.sum())
    return weight


@dataclass(frozen=True)
class OpenSet:
    """The projects in 签约 or 落地 on the as-of date, as arrays."""

    stage: np.ndarray
    industry: np.ndarray
    days: np.ndarray
    investment: np.ndarray


def _by_key(keys: np.ndarray, t: np.ndarray, predict: Any, width: int) -> np.ndarray:
    out = np.zeros((len(t), width))
    for key in set(keys):
        rows = np.flatnonzero(keys == key)
        unique, back = np.unique(t[rows], return_inverse=True)
        out[rows] = predict(key, unique)[back]
    return out


def _key(industries: np.ndarray, curves: dict[str, Curve]) -> np.ndarray:
    return np.array([i if i in curves else POOLED for i in industries], dtype=object)


def chances(
    curves: dict[str, dict[str, Curve]], projects: OpenSet, windows: Windows
) -> tuple[np.ndarray, np.ndarray]:
    """(signed projects' chance of 落地, open projects' chance of 投产) per window."""
    signed_curves, landed_curves = curves["signed"], curves["landed"]
    width = len(windows)
    signed = projects.stage == "signed"
    t, industry = projects.days[signed], projects.industry[signed]
    ks, kl = _key(industry, signed_curves), _key(industry, landed_curves)
    landing = _by_key(
        ks, t, lambda k, u: next_stage(signed_curves[k], u, windows), width
    )
    pairs = np.array([f"{a}|{b}" for a, b in zip(ks, kl, strict=True)], dtype=object)
    producing_signed = _by_key(
        pairs,
        t,
        lambda k, u: stage_after_next(
            signed_curves[k.split("|")[0]], landed_curves[k.split("|")[1]], u, windows
        ),
        width,
    )
    landed = ~signed
    producing_landed = _by_key(
        _key(projects.industry[landed], landed_curves),
        projects.days[landed],
        lambda k, u: next_stage(landed_curves[k], u, windows),
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


def _open_set(histories: Sequence[History], as_of: date) -> OpenSet:
    found = [p for h in histories if (p := open_project(h, as_of)) is not None]
    return OpenSet(
        np.array([p.stage for p in found], dtype=object),
        np.array([p.industry for p in found], dtype=object),
        np.array([p.days_in_stage for p in found], dtype=int),
        np.array([p.investment for p in found], dtype=float),
    )


def _figure(
    point: np.ndarray, replicates: list[np.ndarray], investment: np.ndarray
) -> dict[str, Any]:
    low, high = count_interval(replicates or [point])
    return {
        "expected": round(float(point.sum()), 1),
        "low": low,
        "high": high,
        "investment": f"{float(point @ investment):.2f}",
    }


def forecast(
    histories: Sequence[History],
    as_of: date,
    count: int,
    replicates: int = REPLICATES,
    seed: int | None = None,
) -> dict[str, Any]:
    """The next `count` quarters' 落地 and 投产, learned from `histories`."""
    spells = all_spells(histories, as_of)
    data = {stage: _aggregate(spells, stage) for stage in TRANSITIONS}
    projects = _open_set(histories, as_of)
    basis: dict[str, Any] = {
        "method": METHOD,
        "level": LEVEL,
        "replicates": replicates,
        "min_measured": MIN_MEASURED,
        "min_industry": MIN_GROUP,
        "open": {s: int((projects.stage == s).sum()) for s in TRANSITIONS},
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
    point = chances(
        {s: _fit_all(d, d.weight, length) for s, d in data.items()}, projects, windows
    )
    rng = np.random.default_rng(seed if seed is not None else as_of.toordinal())
    draws = [
        chances(
            {s: _fit_all(d, _resampled(d, rng), length) for s, d in data.items()},
            projects,
            windows,
        )
        for _ in range(replicates)
    ]
    signed = projects.stage == "signed"
    rows = []
    for j, quarter in enumerate(quarters):
        rows.append(
            {
                "quarter": str(quarter),
                "landed": _figure(
                    point[0][:, j],
                    [d[0][:, j] for d in draws],
                    projects.investment[signed],
                ),
                "producing": _figure(
                    point[1][:, j], [d[1][:, j] for d in draws], projects.investment
                ),
            }
        )
    return {"as_of": as_of.isoformat(), "quarters": rows, "basis": basis}
