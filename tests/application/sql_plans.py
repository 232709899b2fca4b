"""The statements a query runs, and SQLite's plan for each: for tests that a
page reads an index rather than every row."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from gxtrack.infra import db as dbmod


@contextlib.contextmanager
def recorded(
    keep: Callable[[str], bool] = lambda text: True,
) -> Iterator[list[tuple[str, Any]]]:
    """The (text, params) of every statement run inside, that `keep` keeps."""
    statements: list[tuple[str, Any]] = []
    original = dbmod.Cursor.tuples

    def recording(cur, text, params=()):
        if keep(text):
            statements.append((text, params))
        return original(cur, text, params)

    dbmod.Cursor.tuples = recording  # type: ignore[method-assign]
    try:
        yield statements
    finally:
        dbmod.Cursor.tuples = original  # type: ignore[method-assign]


def plan(db: Any, text: str, params: Any) -> list[str]:
    """SQLite's query plan for one statement, a line a step."""
    return [r["detail"] for r in db.fetchall("EXPLAIN QUERY PLAN " + text, params)]
