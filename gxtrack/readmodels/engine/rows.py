"""A per-batch row buffer: a table's rows held by primary key, written at the batch's end.

While a batch is applied, a projection holding rows here makes each row's
successive changes one INSERT (a new row) or one UPDATE (a stored row, only the
columns set), written with executemany at `flush()`: the engine calls it
(through `finish_batch`) before advancing the tracking position in the same
transaction, so exactly-once is unchanged. Columns are named everywhere; rows
are dicts.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from operator import itemgetter
from typing import Any

from gxtrack.infra.db import Cursor

LOAD_CHUNK = 500  # keys per lookup query (SQLite allows 32,766 parameters)


def insert_statement(table: str, columns: Sequence[str]) -> str:
    """INSERT of every named column, one placeholder each."""
    return (
        f"INSERT INTO {table} ({', '.join(columns)})"
        f" VALUES ({', '.join('?' for _ in columns)})"
    )


class RowBuffer:
    """One table's rows held back until the end of the batch.

    `key` is the primary key's column; every row held for insertion has all of
    `columns` (those not given are NULL). A `triggered` table (one whose
    triggers cost per statement) gets its new rows in a few multi-row
    statements rather than one each.
    """

    def __init__(
        self,
        table: str,
        columns: Sequence[str],
        key: str = "id",
        triggered: bool = False,
    ) -> None:
        if key not in columns:
            raise ValueError(f"{table}: key {key!r} is not a column")
        self.table = table
        self.columns = tuple(columns)
        self.key = key
        self.triggered = triggered
        self.empty = dict.fromkeys(self.columns)
        self._insert = insert_statement(table, self.columns)
        self._values = itemgetter(*self.columns)
        self.cur: Cursor | None = None
        self._reset()

    def _reset(self) -> None:
        self.rows: dict[Any, dict[str, Any]] = {}  # buffered values over stored
        self.loaded: set[Any] = set()  # rows holding every column
        self.new: dict[Any, None] = {}  # rows to insert, in order
        self.dirty: dict[Any, dict[str, Any]] = {}  # stored rows: columns to set
        self.absent: set[Any] = set()  # looked up and not stored
        self.expected: Callable[[], Iterable[Any]] | None = None

    def bind(self, cur: Cursor) -> None:
        """Start afresh on a new transaction (a failed one left nothing behind)."""
        if self.cur is not cur:
            self.cur = cur
            self._reset()

    def expect(self, cur: Cursor, keys: Callable[[], Iterable[Any]]) -> None:
        """Note the rows the batch will read: the first stored row looked up
        loads all of them in a few queries instead of one each."""
        self.bind(cur)
        self.expected = keys

    def insert(self, cur: Cursor, row: dict[str, Any]) -> None:
        """Hold a new row."""
        self.bind(cur)
        full = {**self.empty, **row}
        key = full[self.key]
        self.rows[key] = full
        self.loaded.add(key)
        self.new[key] = None

    def update(self, cur: Cursor, key: Any, columns: dict[str, Any]) -> None:
        """Set columns of a row, held or stored (a missing row stays absent)."""
        self.bind(cur)
        if not columns:
            return
        self.rows.setdefault(key, {}).update(columns)
        if key not in self.new:
            self.dirty.setdefault(key, {}).update(columns)

    def is_new(self, key: Any) -> bool:
        """Whether the row is held for insertion in this batch."""
        return key in self.new

    def get(self, cur: Cursor, key: Any, *names: str) -> dict[str, Any] | None:
        """The row as it stands now (stored values under held ones), or None.

        With `names`, a row holding those columns is returned without a read;
        without, the whole row is.
        """
        self.bind(cur)
        row = self.rows.get(key)
        if row is not None and (
            key in self.loaded or (names and all(n in row for n in names))
        ):
            return row
        if self.expected is not None:
            self._load_expected(cur)
            if key in self.loaded:
                return self.rows[key]
        if key in self.absent:
            return None
        stored = cur.fetchone(
            f"SELECT * FROM {self.table} WHERE {self.key} = ?", (key,)
        )
        return None if stored is None else self._keep(stored)

    def _keep(self, stored: dict[str, Any]) -> dict[str, Any]:
        key = stored[self.key]
        stored.update(self.rows.get(key) or {})
        self.rows[key] = stored
        self.loaded.add(key)
        return stored

    def _load_expected(self, cur: Cursor) -> None:
        assert self.expected is not None
        wanted = set(self.expected()) - self.loaded
        self.expected = None
        found: set[Any] = set()
        keys = sorted(wanted)
        for start in range(0, len(keys), LOAD_CHUNK):
            chunk = keys[start : start + LOAD_CHUNK]
            marks = ", ".join("?" for _ in chunk)
            for stored in cur.fetchall(
                f"SELECT * FROM {self.table} WHERE {self.key} IN ({marks})", chunk
            ):
                found.add(self._keep(stored)[self.key])
        self.absent = wanted - found

    def flush(self, cur: Cursor) -> None:
        """Write every held row: new ones inserted, stored ones updated."""
        if self.cur is not cur:
            return
        if self.new:
            rows, values = self.rows, self._values
            insert = cur.insert_together if self.triggered else cur.executemany
            insert(self._insert, [values(rows[key]) for key in self.new])
        groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for key, columns in self.dirty.items():
            groups.setdefault(tuple(columns), []).append((*columns.values(), key))
        for names, params in groups.items():
            cur.executemany(self._update_statement(names), params)
        self._reset()

    def _update_statement(self, names: Collection[str]) -> str:
        # Built each flush, not cached: a batch has a handful of column sets.
        sets = ", ".join(f"{c} = ?" for c in names)
        return f"UPDATE {self.table} SET {sets} WHERE {self.key} = ?"
