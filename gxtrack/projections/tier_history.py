"""Tier intervals per enterprise (rm_tier_history), kept beside rm_designations.

An enterprise's tier is piecewise constant in time: it changes only where a
ladder designation starts or ends. Storing those pieces as non-overlapping
[from_on, to_on] intervals makes "tier counts on any date" a single range scan
over a covering index, instead of a max-per-enterprise over every award.
The intervals are recomputed from the enterprise's own rows whenever one of its
designations changes, so they are always exactly what `Enterprise.tier_on` says.

rm_tier_changes sums the intervals' edges per day and rank (+1 where a piece
starts, -1 the day after it ends), so the count per tier on D is the sum of the
changes up to D: a scan over distinct change days, which designations share
because they are certified, reviewed and expire in published batches.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

from gxtrack.db import Cursor

Window = tuple[int, date, date]  # rank, first valid day, last valid day
ONE_DAY = timedelta(days=1)

DDL = (
    "CREATE TABLE IF NOT EXISTS rm_tier_history ("
    " enterprise_id TEXT NOT NULL, rank INTEGER NOT NULL,"
    " from_on TEXT NOT NULL, to_on TEXT NOT NULL,"
    " PRIMARY KEY (enterprise_id, from_on))",
    "CREATE INDEX IF NOT EXISTS rm_tier_history_on"
    " ON rm_tier_history (from_on, to_on, rank)",
    "CREATE INDEX IF NOT EXISTS rm_tier_history_rank"
    " ON rm_tier_history (rank, from_on, to_on, enterprise_id)",
    "CREATE TABLE IF NOT EXISTS rm_tier_changes ("
    " day TEXT NOT NULL, rank INTEGER NOT NULL, delta INTEGER NOT NULL,"
    " PRIMARY KEY (day, rank))",
    "CREATE INDEX IF NOT EXISTS rm_tier_changes_sum"
    " ON rm_tier_changes (day, rank, delta)",
)
TABLES = ("rm_tier_history", "rm_tier_changes")


def tier_intervals(windows: Iterable[Window]) -> list[Window]:
    """Maximal intervals of constant, non-zero tier from ladder award windows."""
    valid = [w for w in windows if w[0] > 0 and w[1] <= w[2]]
    points = sorted({w[1] for w in valid} | {w[2] + timedelta(days=1) for w in valid})
    pieces: list[Window] = []
    for start, nxt in zip(points, points[1:], strict=False):
        rank = max((w[0] for w in valid if w[1] <= start <= w[2]), default=0)
        end = nxt - timedelta(days=1)
        if not rank:
            continue
        if (
            pieces
            and pieces[-1][0] == rank
            and pieces[-1][2] + timedelta(days=1) == start
        ):
            pieces[-1] = (rank, pieces[-1][1], end)
        else:
            pieces.append((rank, start, end))
    return pieces


def edge_deltas(old: Iterable[Window], new: Iterable[Window]) -> dict:
    """Per (day, rank): how the number of enterprises at that tier changes."""
    deltas: Counter[tuple[str, int]] = Counter()
    for sign, pieces in ((-1, old), (1, new)):
        for rank, start, end in pieces:
            deltas[(start.isoformat(), rank)] += sign
            deltas[((end + ONE_DAY).isoformat(), rank)] -= sign
    return {key: delta for key, delta in deltas.items() if delta}


def _window(row: dict) -> Window:
    return int(row["rank"]), date.fromisoformat(row["a"]), date.fromisoformat(row["b"])


def refresh(cur: Cursor, enterprise_id: str) -> None:
    """Recompute one enterprise's tier intervals from its rm_designations rows."""
    # One round trip for both the award windows and the current pieces.
    rows = cur.fetchall(
        "SELECT 'award' AS kind, rank, certified_on AS a, valid_until AS b"
        " FROM rm_designations WHERE enterprise_id = ? AND rank > 0"
        " UNION ALL SELECT 'piece' AS kind, rank, from_on AS a, to_on AS b"
        " FROM rm_tier_history WHERE enterprise_id = ?",
        (enterprise_id, enterprise_id),
    )
    new = tier_intervals(_window(r) for r in rows if r["kind"] == "award")
    old = [_window(r) for r in rows if r["kind"] == "piece"]
    if sorted(old) == sorted(new):
        return
    cur.execute("DELETE FROM rm_tier_history WHERE enterprise_id = ?", (enterprise_id,))
    cur.executemany(
        "INSERT INTO rm_tier_history (enterprise_id, rank, from_on, to_on)"
        " VALUES (?, ?, ?, ?)",
        [(enterprise_id, r, f.isoformat(), t.isoformat()) for r, f, t in new],
    )
    changes = sorted(edge_deltas(old, new).items())
    cur.executemany(
        "INSERT INTO rm_tier_changes (day, rank, delta) VALUES (?, ?, ?)"
        " ON CONFLICT (day, rank) DO UPDATE"
        " SET delta = rm_tier_changes.delta + excluded.delta",
        [(day, rank, delta) for (day, rank), delta in changes],
    )
    days = sorted({day for (day, _), _ in changes})
    if days:  # a change that cancels out leaves no zero row behind
        cur.execute(
            "DELETE FROM rm_tier_changes WHERE delta = 0"
            f" AND day IN ({', '.join('?' for _ in days)})",
            days,
        )
