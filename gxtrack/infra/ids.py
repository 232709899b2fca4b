"""Aggregate ids as text, memoised: read models format the same ids over and over.

Every stored event carries its aggregate's UUID, and every read-model row is
keyed by its text form. str(UUID) is Python code (about a microsecond); a
replay formats each id once per event and per projection, millions of times.
"""

from __future__ import annotations

from uuid import UUID

_TEXT: dict[int, str] = {}
# Cleared when full: a batch's events come a few per aggregate, so its ids are
# found again within the batch, and 20k entries (about 3 MB) serve a replay
# as well as every aggregate would, while memory stays flat however many
# projects the log holds (200k entries took about 25 MB).
_LIMIT = 20_000


def id_text(originator_id: UUID | str) -> str:
    """The same as str(originator_id) (a backup's ids are text already)."""
    if type(originator_id) is str:  # read straight from a log stored as text
        return originator_id
    try:
        key = originator_id.int  # type: ignore[union-attr]
    except AttributeError:
        return str(originator_id)
    text = _TEXT.get(key)
    if text is None:
        if len(_TEXT) >= _LIMIT:
            _TEXT.clear()
        text = _TEXT[key] = str(originator_id)
    return text
