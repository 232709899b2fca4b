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
    ids, stages, days, industries, yuan = zip(*rows, strict=True)
    # Rows come ordered by project: a new project starts where the id changes.
    starts = [True, *(a != b for a, b in zip(ids, ids[1:], strict=False))]
    project = np.cumsum(starts) - 1
    names: dict[str, int] = {}
    industry = [names.setdefault(i, len(names)) for i in industries]
    # numpy parses ISO dates in C: several times cheaper than fromisoformat.
    ordinals = np.array(days, dtype="datetime64[D]").astype(np.int64) + EPOCH
    return Entries(
        np.array(ids, dtype=object)[np.array(starts)],
        tuple(names),
        project.astype(np.int64),
        np.array([CODES.get(s, OTHER) for s in stages], dtype=np.int64),
        ordinals,
        np.array(industry, dtype=np.int64),
        np.array(yuan, dtype=float) / YUAN_PER_WAN,
    )
