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
    # landing on day k after as-of, for a project t days in: moved[t+k] − moved[t+k−1]
    landing = np.diff(first_curve.moved)  # landing[x] = moved[x + 1] − moved[x]
    second = np.concatenate(([0.0], second_curve.moved))  # second[x + 1] = moved[x]
    spreads = []
    for first, last in windows:
        upper = np.clip(last - k, -1, None) + 1
        lower = np.clip(first - k - 1, -1, None) + 1
        spreads.append(second[upper] - second[lower])
    # Σ_k landing[t + k − 1] · spread[k − 1] for every t at once: a correlation,
    # done through the FFT (len(landing) × log per window, not × horizon).
    # scipy.signal is imported here, not with the module: it brings
    # scipy.stats, half a second and tens of MB every process paid.
    from scipy.signal import fftconvolve

    sums = fftconvolve(
        landing[None, :], np.stack(spreads)[:, ::-1], mode="valid", axes=1
    )
    return np.clip(sums[:, t].T * _given_staying(first_curve, t)[:, None], 0, 1)
