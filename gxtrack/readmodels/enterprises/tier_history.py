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

from gxtrack.infra.db import Cursor

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


def edge_deltas(
    old: Iterable[Window], new: Iterable[Window]
) -> dict[tuple[str, int], int]:
    """Per (day, rank): how the number of enterprises at that tier changes."""
    deltas: Counter[tuple[str, int]] = Counter()
    for sign, pieces in ((-1, old), (1, new)):
        for rank, start, end in pieces:
            deltas[(start.isoformat(), rank)] += sign
            deltas[((end + ONE_DAY).isoformat(), rank)] -= sign
    return {key: delta for key, delta in deltas.items() if delta}


CHUNK = 400  # enterprises or rows per statement, well inside parameter limits


def _values(rows: int, columns: int) -> str:
    """Placeholders for a multi-row VALUES list."""
    row = "(" + ", ".join("?" for _ in range(columns)) + ")"
    return ", ".join(row for _ in range(rows))


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _window(row: dict) -> Window:
    return int(row["rank"]), date.fromisoformat(row["a"]), date.fromisoformat(row["b"])


def refresh_many(cur: Cursor, enterprise_ids: Iterable[str]) -> None:
    """Recompute the tier intervals of these enterprises from rm_designations.

    A handful of statements per call whatever the number of enterprises: on
    PostgreSQL every statement is a round trip, and this runs once per batch.
    """
    ids = sorted(set(enterprise_ids))
    awards: dict[str, list[Window]] = {i: [] for i in ids}
    pieces: dict[str, list[Window]] = {i: [] for i in ids}
    for chunk in _chunks(ids):
        marks = ", ".join("?" for _ in chunk)
        for row in cur.fetchall(
            "SELECT 'award' AS kind, enterprise_id, rank, certified_on AS a,"
            f" valid_until AS b FROM rm_designations WHERE enterprise_id IN ({marks})"
            " AND rank > 0 UNION ALL SELECT 'piece' AS kind, enterprise_id, rank,"
            " from_on AS a, to_on AS b FROM rm_tier_history"
            f" WHERE enterprise_id IN ({marks})",
            [*chunk, *chunk],
        ):
            target = awards if row["kind"] == "award" else pieces
            target[row["enterprise_id"]].append(_window(row))
    changed: list[str] = []
    rows: list[tuple[str, int, str, str]] = []
    deltas: Counter[tuple[str, int]] = Counter()
    for key in ids:
        new = tier_intervals(awards[key])
        if sorted(pieces[key]) == sorted(new):
            continue
        changed.append(key)
        rows += [(key, r, f.isoformat(), t.isoformat()) for r, f, t in new]
        deltas.update(edge_deltas(pieces[key], new))
    _write(cur, changed, rows, {k: v for k, v in deltas.items() if v})


def _write(
    cur: Cursor,
    changed: list[str],
    rows: list[tuple[str, int, str, str]],
    deltas: dict[tuple[str, int], int],
) -> None:
    for chunk in _chunks(changed):
        cur.execute(
            "DELETE FROM rm_tier_history"
            f" WHERE enterprise_id IN ({', '.join('?' for _ in chunk)})",
            chunk,
        )
    for chunk in _chunks(rows):
        cur.execute(
            "INSERT INTO rm_tier_history (enterprise_id, rank, from_on, to_on)"
            f" VALUES {_values(len(chunk), 4)}",
            [v for row in chunk for v in row],
        )
    changes = sorted(deltas.items())
    for chunk in _chunks(changes):
        cur.execute(
            "INSERT INTO rm_tier_changes (day, rank, delta)"
            f" VALUES {_values(len(chunk), 3)} ON CONFLICT (day, rank) DO UPDATE"
            " SET delta = rm_tier_changes.delta + excluded.delta",
            [v for (day, rank), delta in chunk for v in (day, rank, delta)],
        )
    days = sorted({day for day, _ in deltas})
    for chunk in _chunks(days):
        # A change that cancels out leaves no zero row behind.
        cur.execute(
            "DELETE FROM rm_tier_changes WHERE delta = 0"
            f" AND day IN ({', '.join('?' for _ in chunk)})",
            chunk,
        )
