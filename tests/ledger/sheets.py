"""Ledgers a bureau would really have, generated with openpyxl and csv."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

import openpyxl

from gxtrack.readmodels.pool.queries import PoolFilter, list_projects

HEADERS = [
    "序号",
    "项目名称",
    "投资方",
    "产业类别",
    "所属板块",
    "总投资（万元）",
    "签约日期",
    "开工日期",
    "投产日期",
    "终止日期",
    "终止原因",
    "责任人",
    "计划投产日期",
    "推进情况",
    "重点级别",
    "用地亩数",
]

# Each row: one project as a bureau writes it (dates in every form they use).
ROWS: list[list[Any]] = [
    [
        1,
        "【示例】工业机器人整机项目",
        "【示例】苏州某智能装备有限公司",
        "机器人与智能制造",
        "木渎镇",
        "12,000",
        "2022年3月5日",
        "2022.6.18",
        datetime(2023, 5, 1),
        None,
        None,
        "示例专员甲",
        None,
        "已竣工投产，正在扩产",
        "市级重点",
        50,
    ],
    [
        2,
        "【示例】创新药研发生产基地",
        "【示例】北京某生物医药有限公司",
        "biomed",
        "wzedz",
        "1.2亿",
        "2022/4/1",
        44805,
        None,
        None,
        None,
        "示例专员乙",
        "2025-06-30",
        "厂房装修中",
        "省级",
        "30亩",
    ],
    [
        3,
        "【示例】储能电池项目",
        "【示例】深圳某新能源有限公司",
        "节能环保",
        "甪直镇",
        "3.5亿元",
        "2021-11-20",
        None,
        None,
        "2022年12月1日",
        "投资方战略调整",
        "示例专员甲",
        None,
        None,
        None,
        None,
    ],
    [
        4,
        "【示例】卫星导航终端项目",
        "【示例】南京某航空科技有限公司",
        "航空航天",
        "吴中太湖新城",
        8000,
        None,
        None,
        None,
        None,
        None,
        None,
        "2026.12.31",
        "正在洽谈",
        "区级重点",
        None,
    ],
]


def xlsx_bytes(
    rows: list[list[Any]] | None = None, *, title: bool = True, sheet: str = "项目台账"
) -> bytes:
    """A ledger with a merged title row, a two-row header and blank rows."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    width = len(HEADERS)
    offset = 0
    if title:
        ws.append(["2022年【示例】招商项目台账"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        offset = 1
    # Two header rows: 关键节点 groups the stage dates; the rest span both rows.
    group = [
        "关键节点" if h in ("签约日期", "开工日期", "投产日期") else h for h in HEADERS
    ]
    ws.append(group)
    ws.append(HEADERS)
    for col, header in enumerate(HEADERS, start=1):
        if header not in ("签约日期", "开工日期", "投产日期"):
            ws.merge_cells(
                start_row=offset + 1,
                start_column=col,
                end_row=offset + 2,
                end_column=col,
            )
    first = HEADERS.index("签约日期") + 1
    ws.merge_cells(
        start_row=offset + 1,
        start_column=first,
        end_row=offset + 1,
        end_column=first + 2,
    )
    for i, row in enumerate(rows if rows is not None else ROWS):
        ws.append(row)
        if i == 1:
            ws.append([])  # a blank separator row
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(
    rows: list[list[Any]], encoding: str, headers: list[str] | None = None
) -> bytes:
    """The same ledger as Excel's CSV export writes it."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers or HEADERS)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return text.getvalue().encode(encoding)


COL = {header: i for i, header in enumerate(HEADERS)}  # header → column index


def pool(runtime, as_of=None):
    """Name → (stage, stage date) of the pool, now or as of a business date."""
    items = list_projects(runtime.db, PoolFilter(as_of=as_of), "name", 1, 200)["items"]
    return {p["name"][4:8]: (p["stage"], p["stage_date"]) for p in items}


def rows_with(changes: dict[tuple[int, str], object]) -> list[list[object]]:
    """ROWS with some cells changed: (row index, header) → value."""
    rows = [list(r) for r in ROWS]
    for (index, header), value in changes.items():
        rows[index][COL[header]] = value
    return rows
