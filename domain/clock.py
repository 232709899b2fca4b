"""The bureau's calendar: business dates are Asia/Shanghai dates."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

BUREAU_TZ = ZoneInfo("Asia/Shanghai")


def today() -> date:
    """Today's date on the bureau's calendar."""
    return datetime.now(BUREAU_TZ).date()


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
