"""Reading the published list of designated enterprises from .xlsx or .csv.

The form the designations are published in: 企业名称, 统一社会信用代码, 称号 (or
认定类别), 批次, 认定日期, 证书编号, optionally 有效期至, 星级, 产业类别, 所属板块.
Rows are numbered as the spreadsheet numbers them (the header is row 1, or the
row where the header is found below a title). This module only reads and shapes
values; the rules are checked when the rows are applied to the aggregates.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from domain.designations import Designation
from domain.errors import RuleViolationError

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("企业名称", "单位名称", "名称", "name"),
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "uscc"),
    "designation": ("称号", "认定类别", "称号类别", "认定称号", "类别", "designation"),
    "batch": ("批次", "认定批次", "batch"),
    "certified_on": ("认定日期", "认定时间", "发文日期", "certified_on"),
    "document_no": ("证书编号", "文号", "发文文号", "document_no"),
    "expires_on": ("有效期至", "到期日期", "有效期截止", "expires_on"),
    "stars": ("星级", "stars"),
    "industry": ("产业类别", "industry"),
    "zone": ("所属板块", "板块", "所在板块", "落户板块", "zone"),
}
REQUIRED = ("name", "uscc", "designation", "certified_on")
HEADER_SEARCH_ROWS = 5
CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
STARS_IN_NAME = re.compile(r"([一二三四五1-5])星")
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass
class SheetRow:
    """One data row: its spreadsheet row number and values by field."""

    row: int
    values: dict[str, Any]


@dataclass
class Sheet:
    """The rows of a file and the header text of each recognised field."""

    rows: list[SheetRow]
    headers: dict[str, str] = field(default_factory=dict)

    def column(self, field_name: str) -> str:
        """The column as the file names it, for error messages."""
        return self.headers.get(field_name, COLUMNS.get(field_name, (field_name,))[0])


def _key(text: Any) -> str:
    return (
        re.sub(r"[\s*＊:：]", "", str(text or "")).replace("（", "(").replace("）", ")")
    )


def _field_of(header: Any) -> str | None:
    text = _key(header)
    for name, aliases in COLUMNS.items():
        if text in aliases or re.sub(r"\(.*\)$", "", text) in aliases:
            return name
    return None


def _raw_rows(path: Path) -> list[list[Any]]:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # a corrupt or mislabelled file
            raise RuleViolationError(f"无法读取 Excel 文件: {error}", "file") from None
        try:
            return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    if suffix == ".csv":
        data = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return list(csv.reader(data.decode(encoding).splitlines()))
            except UnicodeDecodeError:
                continue
        raise RuleViolationError("CSV 文件编码无法识别（请用 UTF-8 或 GBK）", "file")
    raise RuleViolationError("只支持 .xlsx 或 .csv 文件", "file")


def read_sheet(path: str | Path) -> Sheet:
    """The data rows of the file, keyed by field; a missing column is an error."""
    file = Path(path)
    if not file.is_file():
        raise RuleViolationError(f"文件不存在: {file.name}", "file")
    raw = _raw_rows(file)
    index = next(
        (
            i
            for i, cells in enumerate(raw[:HEADER_SEARCH_ROWS])
            if "uscc" in [_field_of(c) for c in cells]
        ),
        None,
    )
    if index is None:
        raise RuleViolationError("找不到表头「统一社会信用代码」", "file")
    cells = raw[index]
    fields = [_field_of(c) for c in cells]
    headers = {f: str(cells[i]).strip() for i, f in enumerate(fields) if f}
    missing = [COLUMNS[f][0] for f in REQUIRED if f not in headers]
    if missing:
        raise RuleViolationError(f"缺少列: {'、'.join(missing)}", "file")
    rows = []
    for offset, cells in enumerate(raw[index + 1 :], start=index + 2):
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        values = {f: cells[i] for i, f in enumerate(fields) if f and i < len(cells)}
        rows.append(SheetRow(offset, values))
    return Sheet(rows, headers)


def text(value: Any) -> str:
    """A cell as stripped text (whole numbers without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def cell_date(value: Any, field_name: str) -> date | None:
    """A date from a date cell or text like 2024-01-05, 2024/1/5, 2024年1月5日."""
    if value is None or text(value) == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    match = DATE_TEXT.match(raw)
    if not match and re.fullmatch(r"\d{8}", raw):
        match = re.match(r"(\d{4})(\d{2})(\d{2})", raw)
    try:
        if match:
            return date(*(int(g) for g in match.groups()))
    except ValueError:
        pass
    raise RuleViolationError(f"不是有效日期: {raw}", field_name)


def _plain(name: str) -> str:
    return re.sub(r"[“”\"'‘’「」\s]", "", name).removesuffix("企业")


def designation_of(value: Any) -> tuple[str, int | None]:
    """The designation code (by code or Chinese name) and any stars in the name."""
    raw = text(value)
    if raw.lower() in {d.value for d in Designation}:
        return raw.lower(), None
    wanted = _plain(raw)
    stars = None
    if "上云" in raw:
        found = STARS_IN_NAME.search(raw)
        if found:
            digit = found.group(1)
            stars = CN_DIGITS.get(digit) or int(digit)
        return Designation.CLOUD_STAR.value, stars
    for kind in Designation:
        if _plain(kind.label) == wanted:
            return kind.value, None
    raise RuleViolationError(f"未知称号: {raw}", "designation")


def stars_of(value: Any) -> int | None:
    """Stars from 4, 四, 四星 or 四星级; blank is None."""
    raw = text(value)
    if not raw:
        return None
    digit = raw.removesuffix("级").removesuffix("星")
    if digit in CN_DIGITS:
        return CN_DIGITS[digit]
    if digit.isdigit():
        return int(digit)
    raise RuleViolationError(f"星级须为 1–5: {raw}", "stars")
