"""Duplicate projects: when two registrations are the same project.

Two projects with the same name and the same investor, written the way people
write them (full- or half-width, spaces, case), are taken to be one project
registered twice. Registering one again needs an explicit confirmation.

A duplicate already in the pool is merged (梳理整合已签约项目): a leader names
the project it duplicates and why. The duplicate leaves the pool and becomes a
pointer to the survivor; each keeps its own facts and history (the bureau's
figures were reported on one of them, and an auditor must still read what was
recorded on the other), and both histories show the merge. The names need not
match: the duplicates the warning misses are the ones spelled differently.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from domain.messages import (
    ALREADY_MERGED,
    MERGE_INTO_ITSELF,
    MERGE_OPEN_SUPERVISION,
    MERGE_TARGET_CLOSED,
)


def duplicate_key(name: str, investor: str) -> tuple[str, str]:
    """Name and investor as compared: NFKC, no spaces, case folded."""

    def norm(text: str) -> str:
        folded = unicodedata.normalize("NFKC", text or "").casefold()
        return "".join(folded.split())

    return norm(name), norm(investor)


def duplicates_among(
    name: str, investor: str, projects: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The projects (dicts with name and investor) that this one would duplicate."""
    key = duplicate_key(name, investor)
    return [p for p in projects if duplicate_key(p["name"], p["investor"]) == key]


def check_merge(duplicate: Any, survivor: Any) -> None:
    """Refuse a merge of `duplicate` into `survivor` (two project aggregates).

    Only once, never into itself, and only into a project still tracked: a
    withdrawn or merged survivor would hide the duplicate's place in the pool.
    A duplicate with a 督办 still open is not merged: a merged project records
    nothing more, so that 督办 could never be answered or closed (办结).
    """
    if duplicate.id == survivor.id:
        raise MERGE_INTO_ITSELF.error("into")
    if duplicate.merged_into is not None:
        raise ALREADY_MERGED.error("into", name=duplicate.merged_into_name)
    if survivor.merged_into is not None:
        raise MERGE_TARGET_CLOSED.error("into", state="合并")
    if survivor.is_withdrawn:
        raise MERGE_TARGET_CLOSED.error("into", state="终止")
    still_open = [
        s.number for s in duplicate.supervisions.values() if s.closed_on is None
    ]
    if still_open:
        raise MERGE_OPEN_SUPERVISION.error("into", numbers="、".join(still_open))
