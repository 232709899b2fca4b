"""The forecast and its backtest as use cases, with the results kept in memory.

A forecast as known on a past date can never change (facts recorded later are
not part of it), so it is computed once per process; one for today is kept
until the next event is recorded.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.clock import today as bureau_today
from domain.errors import RuleViolationError
from domain.forecast.model import REPLICATES, forecast
from domain.forecast.quarters import MAX_QUARTERS
from gxtrack.app.base import ServiceBase
from gxtrack.app.foresight.backtest import backtest
from gxtrack.app.foresight.histories import histories
from gxtrack.readmodels.stage_facts.queries import stage_entries_as_known

# "recorded": learn only from what was recorded by the end of as_of (the
# bitemporal truth). "dated": from the stage dates as they stand now, up to
# as_of — for a log loaded after the fact (a ledger import), where nothing was
# recorded on the past dates themselves.
KNOWLEDGE = ("recorded", "dated")
CACHE_SIZE = 64


def check_quarters(quarters: int) -> int:
    """1 … MAX_QUARTERS, else a 422 naming `quarters`."""
    if isinstance(quarters, bool) or not 1 <= int(quarters) <= MAX_QUARTERS:
        raise RuleViolationError(f"须在 1–{MAX_QUARTERS} 之间", "quarters")
    return int(quarters)


class ForecastService(ServiceBase):
    """落地 / 投产 forecasts as known on a date, and how past ones fared."""

    def _forecast_cache(self) -> dict[tuple[Any, ...], dict[str, Any]]:
        cache = self.__dict__.get("_forecasts")
        if cache is None:
            cache = self.__dict__["_forecasts"] = {}
        return cache

    def project_histories(self, as_of: date, known: str = "recorded") -> list[Any]:
        """Every project's stage entries up to `as_of`, as known then (or now)."""
        known_at = as_of if known == "recorded" else None
        return histories(stage_entries_as_known(self.read_side.db, as_of, known_at))

    def forecast(
        self,
        as_of: date | None = None,
        quarters: int = 4,
        known: str = "recorded",
        replicates: int = REPLICATES,
    ) -> dict[str, Any]:
        """The next `quarters` quarters' 落地 and 投产 as known on `as_of`."""
        today = bureau_today()
        as_of = as_of or today
        if as_of > today:
            raise RuleViolationError("不能晚于今天", "as_of")
        quarters = check_quarters(quarters)
        if known not in KNOWLEDGE:
            raise RuleViolationError("须为 recorded 或 dated", "known")
        # Only a forecast that later events can change is keyed by the log's head.
        head = self.recorder.max_notification_id() or 0
        moving = as_of >= today or known == "dated"
        key = (as_of, quarters, known, replicates, head if moving else None)
        cache = self._forecast_cache()
        if key not in cache:
            if len(cache) >= CACHE_SIZE:
                cache.pop(next(iter(cache)))
            found = self.project_histories(as_of, known)
            result = forecast(found, as_of, quarters, replicates)
            result["known"] = known
            cache[key] = result
        return cache[key]

    def forecast_backtest(
        self,
        origins: int = 8,
        quarters: int = 4,
        known: str = "recorded",
        replicates: int = REPLICATES,
        today: date | None = None,
    ) -> dict[str, Any]:
        """Forecasts made on past quarter ends beside what happened since.

        `today` is the day the outcomes are counted up to (a data set's own
        today; the bureau's by default).
        """
        quarters = check_quarters(quarters)
        if not 1 <= origins <= 20:
            raise RuleViolationError("须在 1–20 之间", "origins")
        today = today or bureau_today()
        return backtest(
            lambda day: self.forecast(day, quarters, known, replicates),
            self.project_histories(today, "dated"),
            lambda day: self.project_histories(day, known),
            today,
            origins,
        ) | {"known": known, "quarters": quarters}
