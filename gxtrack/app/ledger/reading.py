"""Reading a ledger file (xlsx or csv) into a header and numbered rows.

Bureau ledgers rarely start at A1: a merged title row (“2022年招商项目台账”)
comes first, headers may span two rows with merged group cells (“关键节点”
over 签约/开工/投产), and blank separator rows sit between sections. The
header row is the one among the first rows that names the most known columns.
Rows keep the numbers the spreadsheet shows (the first row is 1), so every
message points at the row the user sees. CSV files are decoded as UTF-8 (with
or without BOM), UTF-16 with BOM, or GB18030 (what Excel in China writes).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from gxtrack.app.ledger.headers import SYNONYMS, split_unit
from gxtrack.app.ledger.values import is_blank, parse_text
from gxtrack.app.ledger.xlsx import Workbook, XlsxError

HEADER_SCAN_ROWS = 12


class LedgerFileError(ValueError):
    """The file cannot be read as a ledger (wrong format, no header, bad sheet)."""


@dataclass
class Table:
    """A sheet's header and its non-blank data rows with spreadsheet numbers."""

    sheet: str
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    encoding: str | None = None


def read_table(data: bytes, filename: str, sheet: str | None = None) -> Table:
    """Read the ledger in `data`; the format follows the file name's extension."""
    lower = filename.lower()
    if lower.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data, sheet)
    if lower.endswith((".csv", ".txt")):
        if sheet:
            raise LedgerFileError("CSV 文件没有工作表，不能指定 --sheet")
        text, encoding = decode_csv(data)
        table = _to_table("CSV", _csv_rows(text))
        table.encoding = encoding
        return table
    if lower.endswith(".xls"):
        raise LedgerFileError("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV")
    raise LedgerFileError(f"不支持的文件类型: {filename}（支持 .xlsx 与 .csv）")


def decode_csv(data: bytes) -> tuple[str, str]:
    """The text and the encoding detected: UTF-8(-BOM), UTF-16 or GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise LedgerFileError("无法识别 CSV 编码（支持 UTF-8 与 GB18030）") from None


def _csv_rows(text: str) -> list[list[Any]]:
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_xlsx(data: bytes, sheet: str | None) -> Table:
    try:
        book = Workbook(data)
    except XlsxError as error:
        raise LedgerFileError(f"不是有效的 xlsx 文件: {error}") from None
    if sheet is not None and sheet not in book.sheetnames:
        names = "、".join(book.sheetnames)
        raise LedgerFileError(f"工作表不存在: {sheet}（现有: {names}）")
    # Without --sheet, the ledger is the first sheet with a header row: a cover
    # or 说明 sheet in front of it is common.
    first_error: LedgerFileError | None = None
    for name in [sheet] if sheet else book.sheetnames:
        try:
            rows, merges = book.read(name)
        except XlsxError as error:
            raise LedgerFileError(str(error)) from None
        _fill_merged(rows, merges)
        try:
            return _to_table(name, rows)
        except LedgerFileError as error:
            first_error = first_error or error
    raise first_error or LedgerFileError("工作簿中没有工作表")


def _fill_merged(
    rows: list[list[Any]], merges: list[tuple[int, int, int, int]]
) -> None:
    """Copy each merged range's value into every cell it covers.

    In the header this spreads group titles; in the data it gives every row of
    a vertically merged 落户板块 or 责任人 cell its value, as the eye reads it.
    """
    for r1, c1, r2, c2 in merges:
        if r1 >= len(rows):
            continue
        value = rows[r1][c1] if c1 < len(rows[r1]) else None
        for r in range(r1, min(r2, len(rows) - 1) + 1):
            row = rows[r]
            row.extend([None] * (c2 + 1 - len(row)))
            for c in range(c1, c2 + 1):
                row[c] = value


def _known(text: str) -> bool:
    return split_unit(text)[0] in SYNONYMS


def _score(row: list[Any]) -> int:
    return sum(1 for v in row if not is_blank(v) and _known(parse_text(v)))


def _to_table(sheet: str, rows: list[list[Any]]) -> Table:
    scan = rows[:HEADER_SCAN_ROWS]
    scores = [_score(r) for r in scan]
    if not scores or max(scores) < 2:
        raise LedgerFileError(
            f"工作表「{sheet}」前 {HEADER_SCAN_ROWS} 行中找不到表头"
            "（应有 项目名称、投资方 等列）"
        )
    at = scores.index(max(scores))
    headers = _headers(rows[at], rows[at - 1] if at else None)
    body = [
        (number, row)
        for number, row in enumerate(rows[at + 1 :], start=at + 2)
        if not all(is_blank(v) for v in row)
    ]
    return Table(sheet=sheet, header_row=at + 1, headers=headers, rows=body)


def _headers(row: list[Any], above: list[Any] | None) -> list[str]:
    """Column names; a blank or unknown sub-header borrows its group's name."""
    headers = []
    for i, cell in enumerate(row):
        sub = "" if is_blank(cell) else parse_text(cell)
        group = ""
        if above is not None and i < len(above) and not is_blank(above[i]):
            group = parse_text(above[i])
        # "计划" over "签约日期" is 计划签约日期; a title row above adds nothing.
        grouped = [group + sub, group.removesuffix("节点") + sub] if sub else []
        candidates = [c for c in (*grouped, sub, group) if c]
        best = next((c for c in candidates if _known(c)), sub or group)
        headers.append(best)
    return headers
