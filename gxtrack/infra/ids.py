"""Aggregate ids as text, memoised: read models format the same ids over and over.

Every stored event carries its aggregate's UUID, and every read-model row is
keyed by its text form. str(UUID) is Python code (about a microsecond); a
replay formats each id once per event and per projection, millions of times.
"""

from __future__ import annotations

from uuid import UUID

_TEXT: dict[int, str] = {}
# Cleared when full: an id is formatted again within the same batch (each
# projection, each of the aggregate's events), so 20k entries (about 3 MB)
# keep most of the saving, and memory stays flat however many projects the
# log holds (200k entries took about 25 MB). A clear costs one str() per
# aggregate met afterwards.
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
