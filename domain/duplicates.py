"""Duplicate projects: when two registrations are the same project.

Two projects with the same name and the same investor, written the way people
write them (full- or half-width, spaces, case), are taken to be one project
registered twice. Registering one again needs an explicit confirmation; the
second of two that are one is merged into the first (梳理整合已签约项目), each
keeping its own history.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from domain.errors import RuleViolationError


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


def check_merge(source: dict[str, Any], target: dict[str, Any]) -> None:
    """A project may be merged only into another, live, project of the same key."""
    if source["id"] == target["id"]:
        raise RuleViolationError("不能把项目合并到它自己", "target")
    if target.get("stage") == "withdrawn" or target.get("merged_into"):
        raise RuleViolationError("只能合并到仍在跟踪的项目", "target")
    if source.get("merged_into"):
        raise RuleViolationError("该项目已合并", "target")
    if duplicate_key(source["name"], source["investor"]) != duplicate_key(
        target["name"], target["investor"]
    ):
        raise RuleViolationError("只能合并项目名称与投资方相同的重复项目", "target")
