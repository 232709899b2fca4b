"""Each open project's chance of reaching the next stage(s) within each window.

A project `t` days into its stage has not left it: its chance of moving on in
the window of days (s, e] after the as-of date is
(moved[t + e] - moved[t + s - 1]) / staying[t]. 投产 for a project still in
签约 adds up each day k it may land on, times the chance that 落地 then lasts
long enough to end in the window.
"""

from __future__ import annotations

import numpy as np

from domain.forecast.curves import Curve

Windows = list[tuple[int, int]]


def _given_staying(curve: Curve, t: np.ndarray) -> np.ndarray:
    staying = curve.staying[t]
    # Longer in the stage than anyone measured: no basis to predict a move.
    return np.where(staying > 0, 1 / np.where(staying > 0, staying, 1), 0.0)


def next_stage(curve: Curve, t: np.ndarray, windows: Windows) -> np.ndarray:
    """(projects × windows): the chance of the next stage in each window."""
    scale = _given_staying(curve, t)
    columns = [
        (curve.moved[t + last] - curve.moved[t + first - 1]) * scale
        for first, last in windows
    ]
    return np.clip(np.stack(columns, axis=1), 0, 1)


def stage_after_next(
    first_curve: Curve, second_curve: Curve, t: np.ndarray, windows: Windows
) -> np.ndarray:
    """(projects × windows): the chance of the stage after next in each window."""
    horizon = windows[-1][1]
    k = np.arange(1, horizon + 1)
    cells = t[:, None] + k[None, :]
    landing = (first_curve.moved[cells] - first_curve.moved[cells - 1]) * (
        _given_staying(first_curve, t)[:, None]
    )
    second = np.concatenate(([0.0], second_curve.moved))  # second[x + 1] = moved[x]
    spread = np.zeros((horizon, len(windows)))
    for j, (first, last) in enumerate(windows):
        upper = np.clip(last - k, -1, None) + 1
        lower = np.clip(first - k - 1, -1, None) + 1
        spread[:, j] = second[upper] - second[lower]
    return np.clip(landing @ spread, 0, 1)
