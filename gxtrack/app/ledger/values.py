"""Cell values as bureaus write them: Chinese dates, amounts with units, levels.

Every parser takes what a spreadsheet cell holds (text, a number, a datetime)
and returns a clean value or raises `ValueError` with a Chinese-first message;
the planner adds the row and the column.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

# Excel's 1900 date system counts from 1899-12-30 (it keeps Lotus's 1900 leap day).
EXCEL_EPOCH = date(1899, 12, 30)
# Serial numbers a ledger date can plausibly hold: 1954-10-03 … 2119-01-08.
SERIAL_RANGE = (20000, 80000)
UNITS = {"亿": Decimal(10000), "万": Decimal(1), "千": Decimal("0.1")}
FOREIGN = ("美元", "USD", "US$", "欧元", "日元", "港币", "港元", "$", "€")
PRIORITIES = {
    "district": "district",
    "city": "city",
    "province": "province",
    "区": "district",
    "区级": "district",
    "区级重点": "district",
    "区重点": "district",
    "市": "city",
    "市级": "city",
    "市级重点": "city",
    "市重点": "city",
    "省": "province",
    "省级": "province",
    "省级重点": "province",
    "省重点": "province",
}
_DATE = re.compile(
    r"^(\d{4})\s*(?:年|\.|/|-)\s*(\d{1,2})\s*(?:月|\.|/|-)\s*(\d{1,2})\s*(?:日|号)?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_ONLY = re.compile(r"^(\d{4})\s*(?:年|\.|/|-)\s*(\d{1,2})\s*月?$")
_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_AMOUNT = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*(亿|万|千)?\s*(元|人民币)?$")


def normalize(text: str) -> str:
    """Full-width forms folded (NFKC), whitespace trimmed and collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def is_blank(value: object) -> bool:
    """Whether a cell holds nothing (None, empty or only spaces)."""
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value: object) -> date:
    """A date from a datetime cell, an Excel serial or Chinese/ISO text."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(value)
    text = normalize(str(value))
    text = _TIME_TAIL.sub("", text)
    match = _DATE.match(text) or _COMPACT.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            raise ValueError(f"日期不存在: {text}") from None
    if text.isdigit():
        return _from_serial(int(text))
    if _MONTH_ONLY.match(text):
        raise ValueError(f"日期缺少日: {text}，请写成 2022年3月5日")
    raise ValueError(
        f"无法识别的日期: {text}，可写成 2022年3月5日、2022.3.5、2022/3/5 或 2022-03-05"
    )


def _from_serial(number: float) -> date:
    # A fraction is the time of day of a date-and-time cell: the date is kept.
    if not SERIAL_RANGE[0] <= number < SERIAL_RANGE[1]:
        raise ValueError(f"无法识别的日期: {number}")
    return EXCEL_EPOCH + timedelta(days=int(number))


def parse_amount(value: object, scale: Decimal = Decimal(1)) -> Decimal:
    """An amount in 万元; `scale` converts the column's unit (亿元 → 10000)."""
    if isinstance(value, bool):
        raise ValueError("必须是数字")
    if isinstance(value, int):
        return _exact(Decimal(value) * scale)
    if isinstance(value, float):
        # repr() is the shortest text that round-trips: 1.1 stays 1.1.
        return _exact(Decimal(repr(value)) * scale)
    text = normalize(str(value)).replace(",", "").replace(" ", "")
    text = text.removeprefix("¥").removeprefix("￥").removeprefix("RMB")
    if any(mark in text for mark in FOREIGN):
        raise ValueError(f"请换算为人民币万元: {value}")
    match = _AMOUNT.match(text)
    if not match:
        raise ValueError(f"必须是数字: {value}")
    number, unit, yuan = match.groups()
    amount = Decimal(number)
    if unit:
        amount *= UNITS[unit]
    elif yuan:
        amount /= Decimal(10000)  # plain 元 written out in the cell
    else:
        amount *= scale
    return _exact(amount)


def _exact(amount: Decimal) -> Decimal:
    # 1.2亿 → 12000, not 12000.0 or 1.2E+4: the same amount always reads the same.
    if amount == amount.to_integral():
        return amount.quantize(Decimal(1))
    return amount.normalize()


def parse_area(value: object) -> Decimal:
    """Land area in 亩: a number, optionally followed by 亩."""
    text = normalize(str(value)).replace(",", "").removesuffix("亩").strip()
    try:
        area = Decimal(repr(value)) if isinstance(value, float) else Decimal(text)
    except InvalidOperation:
        raise ValueError(f"必须是数字（亩）: {value}") from None
    if not area.is_finite() or area <= 0:
        raise ValueError("必须大于 0")
    return area


def parse_priority(value: object) -> str:
    """重点级别 as a code: 区级/市级/省级 (or district/city/province)."""
    text = normalize(str(value)).lower().removesuffix("项目")
    if text in PRIORITIES:
        return PRIORITIES[text]
    raise ValueError(f"未知重点级别: {value}，应为 区级重点、市级重点 或 省级重点")


def parse_text(value: object) -> str:
    """Cell text with an integer-valued float shown without '.0'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
