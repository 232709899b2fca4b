"""The monthly report as an .xlsx workbook with Chinese headers."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook

from domain.stages import STAGE_LABELS, Stage
from gxtrack.app.reports.cells import local_instant, write_table
from gxtrack.app.reports.monthly import monthly_report
from gxtrack.app.reports.readable import Readable
from gxtrack.infra.db import Database
from gxtrack.readmodels.engine.memo import memoized

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


def _beijing(instant: str) -> str:
    return f"{local_instant(datetime.fromisoformat(instant)):%Y-%m-%d %H:%M:%S}"


def _fact(fact: dict[str, Any] | None) -> str:
    return f"{_stage(fact['stage'])} {fact['date']}" if fact else "（无）"


INVESTMENT_SHEETS = (
    ("zone", "分板块完成投资", "板块"),
    ("industry", "分产业完成投资", "产业"),
)
INVESTMENT_HEADERS = (
    "本月上报时（万元）",
    "本月更正后（万元）",
    "本年累计上报时（万元）",
    "本年累计更正后（万元）",
    "去年同期（万元）",
    "累计上报时（万元）",
    "累计更正后（万元）",
    "是否变化",
)


def _investment_sheets(book: Workbook, report: dict[str, Any]) -> None:
    """完成投资 by zone and by industry, as reported then and as corrected."""
    for by, title, head in INVESTMENT_SHEETS:
        rows = report.get("investment_by", {}).get(by, [])
        write_table(
            book.create_sheet(title),
            (head, *INVESTMENT_HEADERS),
            (
                [
                    "合计" if r["key"] == "total" else r["label"],
                    Decimal(r["known"]["month"]),
                    Decimal(r["now"]["month"]),
                    Decimal(r["known"]["year"]),
                    Decimal(r["now"]["year"]),
                    Decimal(r["now"]["last_year"]),
                    Decimal(r["known"]["cumulative"]),
                    Decimal(r["now"]["cumulative"]),
                    "是" if r["changed"] else "否",
                ]
                for r in rows
            ),
        )


def monthly_workbook(
    db: Database,
    month: str,
    known_on: date | None,
    names: dict[str, dict[str, str]],
    readable: Callable[[], Readable],
) -> bytes:
    """The report for `month` as an .xlsx file's bytes.

    Writing the workbook takes longer than the kept figures it shows, so the
    file is kept too until the read models move on: no event since it was
    made, so the same figures (its 更正后口径 instant is when it was made).
    """
    labels = tuple((k, tuple(sorted(v.items()))) for k, v in sorted(names.items()))
    key = ("monthly_xlsx", month, known_on, labels)

    def make() -> bytes:
        buffer = io.BytesIO()
        report = monthly_report(db, month, known_on, names)
        write_monthly_xlsx(report, buffer, readable())
        return buffer.getvalue()

    return memoized(db, key, make)


def write_monthly_xlsx(
    report: dict[str, Any], path: Path | IO[bytes], readable: Readable | None = None
) -> None:
    """Write the report: summary, corrections, stalled projects, and completed
    investment by zone and by industry."""
    readable = readable or Readable()
    book = Workbook()
    summary = book.active
    summary.title = "月报"
    summary.append(
        [
            f"{report['month']} 招商项目月报（截至 {report['business_date']}）",
            f"上报口径：截至 {_beijing(report['known_at'])} 所记录（北京时间）",
            f"更正后口径：截至 {_beijing(report['now'])}（北京时间）",
        ]
    )
    write_table(
        summary,
        SUMMARY_HEADERS,
        (
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
            for row in report["rows"]
        ),
        header_row=2,
    )
    write_table(
        book.create_sheet("更正差异"),
        ["项目名称", "口径", "上报时", "更正后", "项目编号"],
        (
            [
                item["name"],
                WHAT.get(item["what"], item["what"]),
                _fact(item["known"]),
                _fact(item["now"]),
                item["id"],
            ]
            for item in report["corrections"]
        ),
    )
    write_table(
        book.create_sheet("停滞项目"),
        ["项目名称", "阶段", "预警级别", "停滞天数", "预警规则", "责任人", "项目编号"],
        (
            [
                item["name"],
                _stage(item["stage"]),
                readable.value("level", item["level"]),
                item["days"],
                readable.value("rule", item["rule"]),
                readable.value("officer", item["officer"]),
                item["id"],
            ]
            for item in report["stalled"]
        ),
    )
    shown, total = len(report["stalled"]), report.get("stalled_total", 0)
    if total > shown:  # the rest are on the stalled list, not in the workbook
        book["停滞项目"].append(
            [f"共 {total} 个停滞项目，此处列出停滞最久的 {shown} 个"]
        )
    _investment_sheets(book, report)
    book.save(path)
