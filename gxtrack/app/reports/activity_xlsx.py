"""The activity log as an .xlsx workbook: Beijing time, Chinese headers and labels."""

from __future__ import annotations

from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Font

from gxtrack.app.reports.cells import neutralise

COLUMNS = (
    ("时间（北京时间）", "recorded_local", 20),
    ("操作人", "actor_name", 14),
    ("用户名", "actor", 14),
    ("操作", "label", 14),
    ("对象类别", "kind_label", 10),
    ("对象", "name", 36),
    ("原因/说明", "reason", 50),
)


def write_activity_xlsx(items: list[dict[str, Any]], target: str | IO[bytes]) -> None:
    """Write activity items (gxtrack.app.activity) to a path or a binary stream."""
    book = Workbook()
    sheet = book.active
    sheet.title = "操作记录"
    sheet.append([title for title, _key, _width in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, (_title, _key, width) in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    for item in items:
        sheet.append([neutralise(item.get(key)) for _title, key, _width in COLUMNS])
    book.save(target)
