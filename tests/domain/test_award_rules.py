"""The award rules: a new award's window and stars, a re-review, a revocation."""

from __future__ import annotations

from datetime import date

import pytest

from domain.designations import Designation
from domain.errors import RuleViolationError
from domain.validity import (
    award_status,
    check_new_award,
    check_revocation,
    has_lapsed,
    is_ended,
    overlaps,
    review_outcome,
)

D = Designation
CERTIFIED = date(2024, 1, 10)
EXPIRES = date(2027, 1, 9)


def award(**changes) -> dict:
    return {
        "designation": "srdi",
        "certified_on": CERTIFIED,
        "expires_on": EXPIRES,
        "revoked_on": None,
        "review_failed_on": None,
        **changes,
    }


def refusal(call, *args) -> tuple[str, str]:
    with pytest.raises(RuleViolationError) as caught:
        call(*args)
    return caught.value.message, caught.value.field


@pytest.mark.parametrize(
    ("start", "end", "shared"),
    [
        (date(2023, 1, 1), date(2024, 1, 9), False),
        # One shared day at either end is an overlap.
        (date(2023, 1, 1), CERTIFIED, True),
        (EXPIRES, date(2030, 1, 1), True),
        (date(2027, 1, 10), date(2030, 1, 1), False),
        (date(2025, 1, 1), date(2025, 2, 1), True),
    ],
)
def test_overlaps(start, end, shared) -> None:
    assert overlaps(award(), start, end) is shared


def test_an_award_revoked_on_its_certificate_date_never_was_valid() -> None:
    revoked = award(revoked_on=CERTIFIED)
    assert award_status(revoked, CERTIFIED) == "revoked"
    assert award_status(revoked, date(2024, 1, 9)) == "pending"


@pytest.mark.parametrize(
    ("changes", "ended"),
    [
        ({}, False),
        ({"revoked_on": date(2025, 1, 1)}, True),
        ({"review_failed_on": date(2025, 1, 1)}, True),
        ({"expired_recorded": True}, False),
    ],
)
def test_is_ended_by_a_decision_only(changes, ended) -> None:
    assert is_ended(award(**changes)) is ended


def test_has_lapsed_only_when_time_ran_out_unrecorded() -> None:
    after = date(2027, 1, 10)
    assert has_lapsed(award(), after)
    assert not has_lapsed(award(), EXPIRES)
    assert not has_lapsed(award(expired_recorded=True), after)
    assert not has_lapsed(award(revoked_on=date(2025, 1, 1)), after)
    assert not has_lapsed(award(review_failed_on=date(2025, 1, 1)), after)


def test_a_new_award_must_end_after_it_starts() -> None:
    start = date(2030, 1, 1)
    assert refusal(check_new_award, [], D.SRDI, start, start, None) == (
        "有效期截止日必须晚于认定日期",
        "expires_on",
    )


def test_a_new_award_may_not_overlap_one_of_the_same_kind() -> None:
    held = [award()]
    assert refusal(check_new_award, held, D.SRDI, EXPIRES, date(2030, 1, 1), None) == (
        "专精特新中小企业仍在有效期内（认定于 2024-01-10），续期请使用复核",
        "designation",
    )
    # Another kind, or the day after the last valid day, is fine.
    check_new_award(held, D.HIGH_TECH, EXPIRES, date(2030, 1, 1), None)
    check_new_award(held, D.SRDI, date(2027, 1, 10), date(2030, 1, 1), None)


@pytest.mark.parametrize("stars", [1, 2, 5])
def test_a_cloud_star_award_has_one_to_five_stars(stars) -> None:
    check_new_award([], D.CLOUD_STAR, CERTIFIED, EXPIRES, stars)


@pytest.mark.parametrize("stars", [None, 0, 6, "3"])
def test_a_cloud_star_award_without_valid_stars_is_refused(stars) -> None:
    assert refusal(check_new_award, [], D.CLOUD_STAR, CERTIFIED, EXPIRES, stars) == (
        "星级上云企业须填写星级 (1–5)",
        "stars",
    )


def test_only_cloud_star_awards_have_stars() -> None:
    check_new_award([], D.SRDI, CERTIFIED, EXPIRES, None)
    assert refusal(check_new_award, [], D.SRDI, CERTIFIED, EXPIRES, 3) == (
        "只有星级上云企业有星级 (1–5)",
        "stars",
    )


def test_a_passed_review_renews_for_three_years_or_to_the_notice_date() -> None:
    day = date(2026, 6, 1)
    assert review_outcome(award(), day, True, None, "") == date(2029, 5, 31)
    assert review_outcome(award(), day, True, date(2028, 1, 1), "") == date(2028, 1, 1)
    # On the last valid day the award can still be reviewed.
    assert review_outcome(award(), EXPIRES, True, None, "") == date(2030, 1, 8)


def test_a_failed_review_ends_the_award_the_day_before() -> None:
    assert review_outcome(award(), date(2026, 6, 1), False, None, "不达标") == date(
        2026, 5, 31
    )


@pytest.mark.parametrize(
    ("changes", "day", "passed", "expires_on", "reason", "refused"),
    [
        (
            {"revoked_on": date(2025, 1, 1)},
            date(2024, 6, 1),
            True,
            None,
            "",
            ("称号已撤销或复核未通过，不能复核", "award_id"),
        ),
        (
            {"review_failed_on": date(2025, 1, 1)},
            date(2024, 6, 1),
            True,
            None,
            "",
            ("称号已撤销或复核未通过，不能复核", "award_id"),
        ),
        (
            {},
            date(2027, 1, 10),
            True,
            None,
            "",
            ("称号已于 2027-01-09 到期，不能复核，请重新认定", "reviewed_on"),
        ),
        (
            {},
            date(2026, 6, 1),
            False,
            None,
            "  ",
            ("复核未通过须填写原因", "reason"),
        ),
        (
            {},
            date(2026, 6, 1),
            True,
            EXPIRES,
            "",
            ("复核后的有效期必须延长", "expires_on"),
        ),
    ],
)
def test_review_refusals(changes, day, passed, expires_on, reason, refused) -> None:
    args = (award(**changes), day, passed, expires_on, reason)
    assert refusal(review_outcome, *args) == refused


def test_a_revocation_up_to_the_last_valid_day() -> None:
    check_revocation(award(), CERTIFIED)
    check_revocation(award(), EXPIRES)
    assert refusal(check_revocation, award(), date(2027, 1, 10)) == (
        "称号已于 2027-01-09 失效，无需撤销",
        "date",
    )
    failed = award(expires_on=date(2025, 4, 30), review_failed_on=date(2025, 5, 1))
    assert refusal(check_revocation, failed, date(2025, 5, 1)) == (
        "称号已于 2025-04-30 失效，无需撤销",
        "date",
    )


def test_an_award_is_revoked_once() -> None:
    revoked = award(revoked_on=date(2025, 1, 1))
    assert refusal(check_revocation, revoked, date(2024, 6, 1)) == (
        "称号已撤销",
        "award_id",
    )
