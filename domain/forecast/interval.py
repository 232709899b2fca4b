"""A low–high interval for a count of independent yes/no outcomes.

The count of projects that move is Poisson-binomial: project j moves with its own
chance p_j. Its distribution is computed exactly (through its Fourier transform)
for up to EXACT_UP_TO projects and by the normal approximation with continuity
correction beyond (where it is accurate to well under one project). The
estimation uncertainty enters through bootstrap replicates: the interval is
read off the mixture of the replicates' distributions.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import sqrt

import numpy as np

EXACT_UP_TO = 300
LEVEL = 0.8


def _exact_cdf(p: np.ndarray) -> np.ndarray:
    # The distribution's Fourier transform is the product of the projects' own.
    size = len(p) + 1
    turns = np.exp(-2j * np.pi * np.arange(size) / size)
    transform = np.prod(1 - p[:, None] + p[:, None] * turns[None, :], axis=0)
    pmf = np.clip(np.fft.ifft(transform).real, 0, None)
    return np.cumsum(pmf / pmf.sum())


def _normal_cdf(p: np.ndarray, weight: np.ndarray) -> np.ndarray:
    mean = float(p @ weight)
    sd = sqrt(float((p * (1 - p)) @ weight))
    k = np.arange(int(weight.sum()) + 1)
    if sd == 0:
        return (k >= round(mean)).astype(float)
    from scipy.special import ndtr  # when an interval is drawn, not at start-up

    return ndtr((k + 0.5 - mean) / sd)


def count_cdf(p: np.ndarray, weight: np.ndarray | None = None) -> np.ndarray:
    """P(count ≤ k) for k = 0 … the number of projects.

    `weight[i]` projects share the chance `p[i]` (one each if not given).
    """
    weight = np.ones(len(p), dtype=np.int64) if weight is None else weight
    keep = p > 0
    p, weight = p[keep], weight[keep]
    if weight.sum() <= EXACT_UP_TO:
        return _exact_cdf(np.repeat(p, weight))
    return _normal_cdf(p, weight)


def count_interval(
    replicates: Sequence[np.ndarray],
    level: float = LEVEL,
    weight: np.ndarray | None = None,
) -> tuple[int, int]:
    """(low, high): the central `level` interval of the count, over the replicates."""
    projects = max(len(p) for p in replicates) if weight is None else weight.sum()
    size = int(projects) + 1
    mixture = np.zeros(size)
    for p in replicates:
        cdf = count_cdf(p, weight)
        mixture[: len(cdf)] += cdf
        mixture[len(cdf) :] += 1.0
    mixture /= len(replicates)
    tail = (1 - level) / 2
    low = int(np.searchsorted(mixture, tail - 1e-12, side="left"))
    high = int(np.searchsorted(mixture, 1 - tail - 1e-12, side="left"))
    return low, min(high, size - 1)
