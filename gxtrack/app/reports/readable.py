"""Codes made readable: what a recorded value means to a bureau user, in Chinese.

Events and read models keep codes (`red`, `stage_threshold`, `aerospace`,
`changqiao`, `district`, login names); the history page, the history and pool
exports and the monthly report ask `Readable.value` what to show instead, so a
code reads the same wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.designations import Designation
from domain.reference import ReferenceData
from domain.stages import Priority, Stage
from domain.stall import LEVEL_LABELS, RULE_LABELS
from domain.validity import AWARD_STATUS_LABELS

ANSWER_PARTS = {"cause": "原因", "plan": "推进计划", "checkpoint": "检查节点"}
AWARD_PARTS = {"certified_on": "认定", "expires_on": "有效期至"}


def _enum(kind: Any, code: Any) -> str:
    try:
        return kind(code).label
    except ValueError:
        return str(code)


class Readable:
    """Chinese for the codes of one bureau's reference lists and users."""

    def __init__(
        self,
        reference: ReferenceData | None = None,
        person: Callable[[str | None], str] | None = None,
    ) -> None:
        self.reference = reference
        self.person = person or (lambda login: login or "—")

    def value(self, field: str, raw: Any) -> Any:
        """How `raw`, the value of `field` (a history field path), is shown."""
        if raw is None or raw == "":
            return "—"
        head = field.split(".")[0]
        last = field.rsplit(".", 1)[-1]
        if head in ("industry", "zone") and self.reference is not None:
            names = (
                self.reference.industries
                if head == "industry"
                else self.reference.zones
            )
            return names.get(raw, raw)
        if head == "stage" or head == "from_stage" or head == "to_stage":
            return _enum(Stage, raw)
        if head == "priority":
            return _enum(Priority, raw)
        if head in ("stall", "level"):
            return LEVEL_LABELS.get(raw, raw)
        if head == "rule":
            return RULE_LABELS.get(raw, raw)
        if head in ("officer", "actor"):
            return self.person(raw)
        if head == "stall_answer" and isinstance(raw, dict):
            return self._parts(raw, ANSWER_PARTS)
        if head == "designations":
            if last == "status":
                return AWARD_STATUS_LABELS.get(raw, raw)
            if isinstance(raw, dict):
                name = _enum(Designation, raw.get("designation"))
                rest = {k: v for k, v in raw.items() if k != "designation"}
                return f"{name}，{self._parts(rest, AWARD_PARTS, '，')}"
        if head == "designation":
            return _enum(Designation, raw)
        if isinstance(raw, dict):
            return self._parts(raw, {})
        return raw

    @staticmethod
    def _parts(raw: dict[str, Any], labels: dict[str, str], sep: str = "；") -> str:
        return sep.join(
            f"{labels.get(k, k)}：{v}" for k, v in raw.items() if v not in (None, "")
        )

    def history_rows(self, items: list[dict[str, Any]]) -> list[list[Any]]:
        """History items (gxtrack.app.history) as rows of HISTORY_HEADERS."""
        rows = []
        for item in items:
            head = [
                item["version"],
                item["label"],
                item["recorded_at"],
                item["effective_date"],
                self.person(item["actor"]),
                item["reason"],
            ]
            for change in item.get("changes") or [{}]:
                field = change.get("field", "")
                rows.append(
                    [
                        *head,
                        change.get("label"),
                        self.value(field, change.get("before")) if change else None,
                        self.value(field, change.get("after")) if change else None,
                    ]
                )
        return rows


HISTORY_HEADERS = (
    "版本",
    "事项",
    "记录时间（北京时间）",
    "生效日期",
    "操作人",
    "原因/说明",
    "字段",
    "修改前",
    "修改后",
)
