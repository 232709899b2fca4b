"""The monthly report as an .xlsx workbook with Chinese headers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from domain.stages import STAGE_LABELS, Stage
from gxtrack.app.reports.cells import neutralise

SUMMARY_HEADERS = (
    "类别",
    "维度",
    "项目",
    "上报时数量",
    "上报时投资（万元）",
    "更正后数量",
    "更正后投资（万元）",
    "是否变化",
)
WHAT = {
    "month_end_stage": "月末阶段",
    "new_signed": "新签约",
    "new_landed": "新落地（开工）",
    "new_producing": "新投产",
}


def _stage(value: str | None) -> str:
    return STAGE_LABELS[Stage(value)] if value else "—"


def _fact(fact: dict[str, Any] | None) -> str:
    return f"{_stage(fact['stage'])} {fact['date']}" if fact else "（无）"


def write_monthly_xlsx(report: dict[str, Any], path: Path) -> None:
    """Write the report: summary, corrections and stalled projects sheets."""
    book = Workbook()
    summary = book.active
    summary.title = "月报"
    summary.append(
        [
            f"{report['month']} 招商项目月报（截至 {report['business_date']}）",
            f"上报口径：截至 {report['known_at']} 所记录",
            f"更正后口径：截至 {report['now']}",
        ]
    )
    summary.append(list(SUMMARY_HEADERS))
    for row in report["rows"]:
        summary.append(
            [
                row["section_label"],
                {"total": "合计", "zone": "板块", "industry": "产业"}.get(
                    row["dimension"], "阶段"
                ),
                row["label"],
                row["known_count"],
                Decimal(row["known_investment"]),
                row["now_count"],
                Decimal(row["now_investment"]),
                "是" if row["changed"] else "否",
            ]
        )
    corrections = book.create_sheet("更正差异")
    corrections.append(["项目ID", "项目名称", "口径", "上报时", "更正后"])
    for item in report["corrections"]:
        corrections.append(
            [
                item["id"],
                item["name"],
                WHAT.get(item["what"], item["what"]),
                _fact(item["known"]),
                _fact(item["now"]),
            ]
        )
    stalled = book.create_sheet("停滞项目")
    stalled.append(
        ["项目ID", "项目名称", "阶段", "预警级别", "停滞天数", "规则", "责任人"]
    )
    for item in report["stalled"]:
        stalled.append(
            [
                item["id"],
                item["name"],
                _stage(item["stage"]),
                item["level"],
                item["days"],
                item["rule"],
                item["officer"],
            ]
        )
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                cell.value = neutralise(cell.value)
        for cell in sheet[2 if sheet is summary else 1]:
            cell.font = Font(bold=True)
    book.save(path)
