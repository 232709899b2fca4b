"""Cell values made safe for spreadsheets (CSV/formula injection).

A cell that starts with = + - @ (or a tab / carriage return) would be run as a
formula by Excel or WPS; such text is prefixed with an apostrophe. Numbers,
dates and other non-text values pass through unchanged.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would treat as a formula, made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
