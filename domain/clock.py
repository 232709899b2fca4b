"""The bureau's calendar: business dates are Asia/Shanghai dates."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

BUREAU_TZ = ZoneInfo("Asia/Shanghai")


def today() -> date:
    """Today's date on the bureau's calendar."""
    return datetime.now(BUREAU_TZ).date()
