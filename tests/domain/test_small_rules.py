"""The shared small rules: money, plan years, target counts, credit codes, the clock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import NAMESPACE_URL, uuid5

import pytest

import domain.clock
from domain.cultivation import designation, target_year
from domain.errors import RuleViolationError
from domain.rules import business_date, money
from domain.stall_scan import StallScan, scan_id
from domain.targets import MAX_COUNT, YearlyTargets, target_count
from domain.uscc import check_character, normalize_uscc

TODAY = date(2024, 6, 30)


def refusal(call, *args) -> tuple[str, str]:
    with pytest.raises(RuleViolationError) as caught:
        call(*args)
    return caught.value.message, caught.value.field


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        (1.5, Decimal("1.5")),
        ("1,000", Decimal("1000")),
        ("1", Decimal("1")),
        ("0.5", Decimal("0.5")),
        ("0.0001", Decimal("0.0001")),
        ("999999999999.9999", Decimal("999999999999.9999")),
    ],
)
def test_money(value, amount) -> None:
    assert money(value) == amount


@pytest.mark.parametrize("value", ["0.00001", "1000000000000", "1e12", "2e12"])
def test_money_out_of_range(value) -> None:
    assert refusal(money, value, "amount") == (
        "金额超出范围",
        "amount",
    )
    assert refusal(money, value)[1] == "planned_investment"


def test_a_business_date_names_the_date_field_by_default() -> None:
    assert refusal(business_date, date(2024, 7, 1), TODAY) == (
        "日期不能晚于今天 2024-06-30",
        "date",
    )


def test_plan_years_from_2000_to_five_years_ahead() -> None:
    assert target_year(" 2000 ", TODAY) == 2000
    assert target_year(2029, TODAY) == 2029
    for year in (1999, 2030):
        assert refusal(target_year, year, TODAY) == ("年度须在 2000–2029 之间", "year")
    assert refusal(target_year, "next", TODAY) == (
        "年度必须是整数",
        "year",
    )


def test_an_unknown_designation_names_the_code() -> None:
    assert refusal(designation, "gold_medal") == ("未知称号: gold_medal", "designation")


def test_target_counts() -> None:
    assert target_count(" 0 ") == 0
    assert target_count(MAX_COUNT) == MAX_COUNT
    assert refusal(target_count, True) == ("目标数必须是整数", "count")
    assert refusal(target_count, "many") == ("目标数必须是整数", "count")
    assert refusal(target_count, MAX_COUNT + 1) == ("目标数须在 0–100000 之间", "count")
    assert refusal(target_count, -1) == ("目标数须在 0–100000 之间", "count")


def test_a_plan_year_is_checked_against_the_given_day() -> None:
    with pytest.raises(RuleViolationError):
        YearlyTargets.start(2016, "admin", today=date(2010, 1, 1))


def test_setting_targets_records_what_changed() -> None:
    plan = YearlyTargets.start(2024, "admin", today=TODAY)
    assert plan.set_target("srdi", 3, "admin", zone="wzedz", reason=" 年初 ")
    assert plan.set_target("srdi", 1, "admin")
    # Zero on a target that is not set, or the same count again: nothing changes.
    assert not plan.set_target("high_tech", 0, "admin")
    assert not plan.set_target("srdi", 3, "admin", zone="wzedz")
    assert plan.set_target("srdi", 0, "admin", zone="wzedz")
    created, zoned, district, removed = plan.collect_events()
    assert created.actor == "admin" and created.year == 2024
    assert (zoned.year, zoned.zone, zoned.count, zoned.previous) == (
        2024,
        "wzedz",
        3,
        0,
    )
    assert (zoned.reason, zoned.actor) == ("年初", "admin")
    assert (district.zone, district.previous, district.reason) == (None, 0, "")
    assert (removed.count, removed.previous) == (0, 3)
    assert plan.targets == {"srdi|": {"designation": "srdi", "zone": None, "count": 1}}


def test_a_target_reason_is_limited() -> None:
    plan = YearlyTargets.start(2024, "admin", today=TODAY)
    assert refusal(plan.set_target, "srdi", 1, "admin", None, "x" * 2001)[1] == "reason"


def test_credit_code_check_characters() -> None:
    # The weighted sum is a multiple of 31 here: the check character is "0".
    assert check_character("91330100MA2000012") == "0"
    with pytest.raises(ValueError):
        check_character("9133")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (None, "统一社会信用代码必须为 18 位"),
        ("91350100M000100Y4", "统一社会信用代码必须为 18 位"),
        ("91350100M0001I0O43", "统一社会信用代码含非法字符: IO"),
        ("91A50100M000100Y43", "统一社会信用代码第 3–8 位应为行政区划码"),
        ("91350100M000100Y44", "统一社会信用代码校验位错误"),
    ],
)
def test_credit_code_refusals(code, message) -> None:
    assert refusal(normalize_uscc, code) == (message, "uscc")


def test_a_scan_is_identified_by_its_week() -> None:
    assert scan_id("2024-W27") == uuid5(NAMESPACE_URL, "gxtrack:stall-scan:2024-W27")
    flagged = [{"project_id": "p", "level": "red"}]
    scan = StallScan(
        week="2024-W27",
        as_of=TODAY,
        actor="system",
        policy_version=2,
        flagged=flagged,
        cleared=["q"],
        judged=5,
    )
    assert scan.id == scan_id("2024-W27")
    assert scan.result() == {
        "week": "2024-W27",
        "as_of": "2024-06-30",
        "policy_version": 2,
        "judged": 5,
        "flagged": flagged,
        "cleared": ["q"],
        # A scan recorded without its stalled list counts the ones it flagged.
        "stalled": 1,
        "recorded_at": scan.created_on.isoformat(),
    }


def test_today_is_the_date_in_shanghai(monkeypatch) -> None:
    class Evening(datetime):
        @classmethod
        def now(cls, tz=None):
            instant = datetime(2024, 6, 30, 20, 0, tzinfo=UTC)
            return instant.astimezone(tz) if tz else instant.replace(tzinfo=None)

    monkeypatch.setattr(domain.clock, "datetime", Evening)
    # 20:00 UTC is already the next morning in Shanghai.
    assert domain.clock.today() == date(2024, 7, 1)
