"""Small ledgers for the web import tests, and the event-store count they check."""

from __future__ import annotations

import io
from typing import Any

import openpyxl

from gxtrack.bootstrap import Runtime

GOOD = [
    [
        "1",
        "【示例】导入项目甲",
        "【示例】投资方甲",
        "机器人与智能制造",
        "木渎镇",
        "5000",
    ]
    + ["2023-01-05", "2023-06-01"],
    ["2", "【示例】导入项目乙", "【示例】投资方乙", "biomed", "wzedz", "1.2亿"]
    + ["2023-02-01", ""],
]
BAD_INDUSTRY = [
    "3",
    "【示例】导入项目丙",
    "【示例】投资方丙",
    "机器人",
    "木渎镇",
    "800",
]


def event_count(runtime: Runtime) -> int:
    """How many events the store holds."""
    return runtime.app.recorder.max_notification_id() or 0


def ledger(rows: list[list[Any]], headers: list[str] | None = None) -> bytes:
    """A ledger .xlsx with 序号 … 签约日期 开工日期 columns."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        headers
        or ["序号", "项目名称", "投资方", "产业类别", "所属板块", "总投资（万元）"]
        + ["签约日期", "开工日期"]
    )
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
