"""Cell values as bureaus write them: dates, amounts, levels, areas."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from gxtrack.app.ledger.values import (
    parse_amount,
    parse_area,
    parse_date,
    parse_priority,
)


@pytest.mark.parametrize(
    "cell",
    [
        "2022年3月5日",
        "2022 年 3 月 5 日",
        "2022年03月05号",
        "2022.3.5",
        "2022/3/5",
        "2022-03-05",
        "２０２２－０３－０５",
        "20220305",
        "2022-03-05 00:00:00",
        44625,
        44625.0,
        44625.604,  # a date-and-time cell at 14:30
        "44625",
        datetime(2022, 3, 5, 0, 0),
        date(2022, 3, 5),
    ],
)
def test_dates_in_every_form_a_ledger_uses(cell):
    assert parse_date(cell) == date(2022, 3, 5)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("2022年2月30日", "日期不存在"),
        ("2022年3月", "缺少日"),
        ("三月五日", "无法识别的日期"),
        (12, "无法识别的日期"),
        (2022.35, "无法识别的日期"),
    ],
)
def test_bad_dates_say_why(cell, message):
    with pytest.raises(ValueError, match=message):
        parse_date(cell)


@pytest.mark.parametrize(
    ("cell", "wan"),
    [
        ("12,000", "12000"),
        ("12，000", "12000"),
        ("1,234.5", "1234.5"),
        (8000, "8000"),
        (1.1, "1.1"),
        ("1.2亿", "12000"),
        ("1.2亿元", "12000"),
        ("3.5 亿元", "35000"),
        ("3000万", "3000"),
        ("3000万元", "3000"),
        ("¥5,000", "5000"),
        ("50000000元", "5000"),
    ],
)
def test_amounts_in_wan_yuan(cell, wan):
    assert parse_amount(cell) == Decimal(wan)
    assert str(parse_amount(cell)) == wan


def test_header_unit_scales_bare_numbers_but_not_written_units():
    assert parse_amount("1.5", Decimal(10000)) == Decimal("15000")
    assert parse_amount(2, Decimal(10000)) == Decimal("20000")
    assert parse_amount("3000万", Decimal(10000)) == Decimal("3000")


@pytest.mark.parametrize("cell", ["约一亿", "12,000美元", "待定", "1.2.3"])
def test_amounts_that_are_not_numbers(cell):
    with pytest.raises(ValueError):
        parse_amount(cell)


def test_priority_and_area():
    assert parse_priority("市级重点") == "city"
    assert parse_priority("省级") == "province"
    assert parse_priority("区级重点项目") == "district"
    with pytest.raises(ValueError, match="未知重点级别"):
        parse_priority("国家级")
    assert parse_area("30亩") == Decimal("30")
    assert parse_area(12.5) == Decimal("12.5")
    with pytest.raises(ValueError):
        parse_area("若干")
