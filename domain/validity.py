"""Validity windows of designations: default expiry, the last valid day, overlap.

A designation is in force from its certificate date through its last valid day,
inclusive. The last valid day is the expiry date (three years by default, moved by
re-reviews), cut short by a revocation, which takes effect on its own date.
On a given day an award is valid, pending (not yet certified), revoked, or
ended by time: review_failed or expired.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.designations import VALIDITY_YEARS, Designation
from domain.errors import RuleViolationError

ONE_DAY = timedelta(days=1)
MAX_STARS = 5


def anniversary(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February falls on 1 March."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def default_expiry(start: date, years: int = VALIDITY_YEARS) -> date:
    """The last valid day of a designation certified (or renewed) on `start`."""
    return anniversary(start, years) - ONE_DAY


def last_valid_day(award: dict[str, Any]) -> date:
    """The last day an award is in force (before its certificate date: never)."""
    revoked = award.get("revoked_on")
    end = award["expires_on"]
    return min(end, revoked - ONE_DAY) if revoked is not None else end


def valid_on(award: dict[str, Any], day: date) -> bool:
    """Whether one award is in force on `day`."""
    return award["certified_on"] <= day <= last_valid_day(award)


AWARD_STATUS_LABELS = {
    "valid": "有效",
    "pending": "尚未生效",
    "expired": "已到期",
    "revoked": "已撤销",
    "review_failed": "复核未通过",
}


def award_status(award: dict[str, Any], as_of: date) -> str:
    """An award's state on `as_of`: valid, pending, expired, revoked, review_failed."""
    if valid_on(award, as_of):
        return "valid"
    if as_of < award["certified_on"]:
        return "pending"
    if award["revoked_on"] is not None and as_of >= award["revoked_on"]:
        return "revoked"
    return "review_failed" if award.get("review_failed_on") else "expired"


def overlaps(award: dict[str, Any], start: date, end: date) -> bool:
    """Whether an award's window shares a day with [start, end]."""
    return award["certified_on"] <= end and start <= last_valid_day(award)


def is_ended(award: dict[str, Any]) -> bool:
    """Ended by a decision (revoked or failed re-review) rather than by time."""
    return award.get("revoked_on") is not None or bool(award.get("review_failed_on"))


def has_lapsed(award: dict[str, Any], day: date) -> bool:
    """Whether the award ran out of time before `day` and the lapse is unrecorded."""
    return (
        not is_ended(award)
        and not award.get("expired_recorded")
        and award["expires_on"] < day
    )


def check_new_award(
    awards: Any, kind: Designation, start: date, end: date, stars: int | None
) -> None:
    """Refuse an award whose window overlaps another of the same kind, or bad stars."""
    if end <= start:
        raise RuleViolationError("有效期截止日必须晚于认定日期", "expires_on")
    for award in awards:
        if award["designation"] == kind.value and overlaps(award, start, end):
            raise RuleViolationError(
                f"{kind.label}仍在有效期内（认定于 {award['certified_on']}），"
                "续期请使用复核",
                "designation",
            )
    if kind is Designation.CLOUD_STAR:
        if not isinstance(stars, int) or not 1 <= stars <= MAX_STARS:
            raise RuleViolationError("星级上云企业须填写星级 (1–5)", "stars")
    elif stars is not None:
        raise RuleViolationError("只有星级上云企业有星级 (1–5)", "stars")


def review_outcome(
    award: dict[str, Any],
    day: date,
    passed: bool,
    expires_on: date | None,
    reason: str,
) -> date:
    """The new last valid day after a re-review on `day`, or why it is refused.

    A re-review happens while the award is in force; after its last valid day
    the enterprise must be certified anew. Passing renews for three years from
    the review unless the notice gives another date; failing ends the award
    the day before the review.
    """
    if is_ended(award):
        raise RuleViolationError("称号已撤销或复核未通过，不能复核", "award_id")
    if day > award["expires_on"]:
        raise RuleViolationError(
            f"称号已于 {award['expires_on']} 到期，不能复核，请重新认定",
            "reviewed_on",
        )
    if not passed:
        if not (reason or "").strip():
            raise RuleViolationError("复核未通过须填写原因", "reason")
        return day - ONE_DAY
    after = expires_on or default_expiry(day)
    if after <= award["expires_on"]:
        raise RuleViolationError("复核后的有效期必须延长", "expires_on")
    return after


def check_revocation(award: dict[str, Any], day: date) -> None:
    """Refuse revoking an award twice or after it has already ended."""
    if award.get("revoked_on") is not None:
        raise RuleViolationError("称号已撤销", "award_id")
    if day > last_valid_day(award):
        raise RuleViolationError(
            f"称号已于 {last_valid_day(award)} 失效，无需撤销", "date"
        )
