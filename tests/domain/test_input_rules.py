"""The input rules that hold everywhere: plausible dates and clean text."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import RuleViolationError
from domain.project_fields import parse_planned_dates
from domain.rules import business_date, optional_text, required_text
from domain.text import (
    clean_text,
    refused_character,
    refused_one_by_one,
    shown,
)

TODAY = date(2026, 6, 30)


@pytest.mark.parametrize(
    "day, ok",
    [(date(1989, 12, 31), False), (date(1900, 1, 1), False), (date(1990, 1, 1), True)],
)
def test_business_dates_are_not_before_1990(day, ok):
    if ok:
        assert business_date(day, TODAY, "stage_date") == day
    else:
        with pytest.raises(RuleViolationError) as caught:
            business_date(day, TODAY, "stage_date")
        assert caught.value.field == "stage_date"
        assert "1990-01-01" in caught.value.message


def test_planned_dates_are_not_before_1990_either():
    with pytest.raises(RuleViolationError) as caught:
        parse_planned_dates({"signed": date(1989, 12, 31)})
    assert caught.value.field == "planned_dates.signed"
    assert parse_planned_dates({"signed": date(1990, 1, 1)})


@pytest.mark.parametrize(
    "character",
    ["\x00", "\x1b", "\x07", "\x7f", "\x9b", "\n", "\u2028", "\ud800"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"],
)
def test_names_refuse_control_and_bidirectional_characters(character):
    with pytest.raises(RuleViolationError) as caught:
        required_text(f"示例{character}项目", "name")
    assert caught.value.field == "name"
    assert f"U+{ord(character):04X}" in caught.value.message


def test_long_text_may_break_lines_but_not_hold_escapes():
    assert optional_text("第一行\n第二行\t完", "note") == "第一行\n第二行\t完"
    with pytest.raises(RuleViolationError) as caught:
        optional_text("说明\x1b[2J", "note")
    assert caught.value.field == "note"
    with pytest.raises(RuleViolationError):
        optional_text("说明\u202e", "reason")
    # Short text (a document number, an e-mail) stays on one line.
    with pytest.raises(RuleViolationError):
        optional_text("苏工信\n2026", "document_no", 100)


def test_ordinary_text_passes_unchanged():
    text = "【示例】Ünïcode 项目 — 第1期 (A&B) 😀"
    assert clean_text(text, "name") == text
    assert required_text(f"  {text} ", "name") == text


def test_shown_spells_refused_characters_as_escapes():
    assert shown("bad\x1b[31mname\u202e") == "bad\\x1b[31mname\\u202e"
    assert shown("王小明") == "王小明"


def test_the_printable_shortcut_refuses_exactly_what_the_rule_does():
    # Every character of the Basic Multilingual Plane and a sample beyond it,
    # each inside a name (private use, spaces and formats included).
    for code in [*range(0x10000), *range(0x1F000, 0x1F700), 0xE0001, 0x10FFFD]:
        if 0xD800 <= code <= 0xDFFF:
            continue  # a lone surrogate is no str a request could carry
        for text in (f"项目{chr(code)}名", f"A {chr(code)}"):
            for multiline in (False, True):
                assert refused_character(text, multiline) == refused_one_by_one(
                    text, multiline
                ), (hex(code), multiline)
