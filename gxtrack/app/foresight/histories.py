"""Stage entries as the read model gives them, turned into the forecast's arrays."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np

from domain.forecast.table import CODES, OTHER, Entries

YUAN_PER_WAN = 10_000
EPOCH = date(1970, 1, 1).toordinal()


def entries(rows: Sequence[tuple[Any, ...]]) -> Entries:
    """The Entries of (id, stage, entered_on, industry, 元) rows, by project in order."""
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return Entries(
            np.array([], dtype=object), (), empty, empty, empty, empty, np.zeros(0)
        )
    ids, stages, days, industries, yuan = (
        np.array(column, dtype=object) for column in zip(*rows, strict=True)
    )
    # Rows come ordered by project: a new project starts where the id changes.
    starts = np.concatenate(([True], ids[1:] != ids[:-1]))
    names = tuple(sorted(set(industries)))
    return Entries(
        ids[starts],
        names,
        np.cumsum(starts) - 1,
        _codes(stages, CODES, OTHER),
        # numpy parses ISO dates in C: several times cheaper than fromisoformat.
        days.astype("datetime64[D]").astype(np.int64) + EPOCH,
        _codes(industries, {name: n for n, name in enumerate(names)}, 0),
        yuan.astype(float) / YUAN_PER_WAN,
    )


def _codes(column: np.ndarray, codes: dict[str, int], other: int) -> np.ndarray:
    # One comparison per distinct value (a handful), not a lookup per row.
    found = np.full(len(column), other, dtype=np.int64)
    for name, code in codes.items():
        found[column == name] = code
    return found
