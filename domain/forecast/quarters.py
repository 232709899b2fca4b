"""Calendar quarters: which one a date falls in, and the ones after it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

MAX_QUARTERS = 8


class Quarter(NamedTuple):
    """A calendar quarter with its first and last day."""

    year: int
    number: int

    @classmethod
    def of(cls, day: date) -> Quarter:
        """The quarter containing `day`."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first(self) -> date:
        """Its first day."""
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last(self) -> date:
        """Its last day."""
        return self.following().first - timedelta(days=1)

    def following(self) -> Quarter:
        """The next quarter."""
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


def quarters_after(day: date, count: int) -> list[Quarter]:
    """The `count` quarters after the one containing `day`."""
    quarters, quarter = [], Quarter.of(day)
    for _ in range(count):
        quarter = quarter.following()
        quarters.append(quarter)
    return quarters


def day_windows(day: date, quarters: list[Quarter]) -> list[tuple[int, int]]:
    """Each quarter as (first, last) days after `day` (1 is the day after)."""
    return [((q.first - day).days, (q.last - day).days) for q in quarters]
