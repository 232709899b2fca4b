"""Stage-duration curves fitted with statsmodels, read off on a grid of whole days.

For one stage, `moved[d]` is the cumulative incidence of reaching the next
stage within d days and `staying[d]` the chance of being still in the stage
after d days, both from the Aalen–Johansen estimator for competing risks
(statsmodels' CumIncidenceRight, which takes tied whole-day times as they are
and frequency weights). Withdrawal is the competing event. Treating it as
censoring instead (Kaplan–Meier on the move alone) would estimate a world in
which nobody withdraws and overstate every forecast.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from domain.forecast.spells import MOVED, WITHDRAWN


@dataclass(frozen=True)
class Curve:
    """A stage's exit curves on days 0 … len - 1."""

    moved: np.ndarray
    staying: np.ndarray


def fit(
    days: np.ndarray, outcome: np.ndarray, weight: np.ndarray, length: int
) -> Curve:
    """The curves of spells (`days`, `outcome`) counted `weight` times each."""
    keep = weight > 0
    days, outcome, weight = days[keep], outcome[keep], weight[keep]
    # Imported when a curve is fitted: statsmodels brings scipy.stats and
    # pandas, about 100 MB and a second of start-up that every process paid
    # (a rebuild, a CLI command, each web worker) though few ever forecast.
    from statsmodels.duration.survfunc import CumIncidenceRight

    fitted = CumIncidenceRight(
        days.astype(float), outcome, freq_weights=weight.astype(float)
    )
    # The estimate steps at its distinct times; before the first, nobody left.
    at = np.searchsorted(fitted.times, np.arange(length), side="right") - 1
    causes = [np.concatenate(([0.0], c))[at + 1] for c in fitted.cinc]
    moved = causes[MOVED - 1]
    withdrawn = causes[WITHDRAWN - 1] if len(causes) >= WITHDRAWN else 0.0 * moved
    return Curve(moved, np.clip(1.0 - moved - withdrawn, 0.0, 1.0))
