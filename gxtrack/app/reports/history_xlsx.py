"""A decision history as an .xlsx workbook (for auditors), one row per change."""

from __future__ import annotations

from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Font

from gxtrack.app.reports.cells import neutralise

HEADERS = (
    "版本",
    "事件",
    "Event",
    "记录时间",
    "生效日期",
    "操作人",
    "原因/说明",
    "字段",
    "修改前",
    "修改后",
)


def _cell(value: Any) -> Any:
    if isinstance(value, dict):
        value = ", ".join(f"{k}={v}" for k, v in value.items())
    return neutralise(value)


def write_history_xlsx(items: list[dict[str, Any]], target: str | IO[bytes]) -> None:
    """Write history items (gxtrack.app.history) to a path or a binary stream."""
    book = Workbook()
    sheet = book.active
    sheet.title = "决策历史"
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for item in items:
        head = [
            item["version"],
            item["label"],
            item["label_en"],
            item["recorded_at"],
            item["effective_date"],
            item["actor"],
            item["reason"],
        ]
        changes = item.get("changes") or [
            {"label": None, "before": None, "after": None}
        ]
        for change in changes:
            cells = [*head, change["label"], change["before"], change["after"]]
            sheet.append([_cell(value) for value in cells])
    book.save(target)
