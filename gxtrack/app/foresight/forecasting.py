"""The forecast and its backtest as use cases, with the results kept in memory.

A forecast as known on a past date can never change (facts recorded later are
not part of it), so it is computed once per process. One that later events can
change (today's, or one from the stage dates as they stand) is kept with the
read models' positions (gxtrack.readmodels.engine.memo): computed afresh once
they move, never returned from rows it was not computed from. The stage
entries as they stand are kept the same way, so a backtest reads them once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.clock import today as bureau_today
from domain.errors import RuleViolationError
from domain.forecast.model import REPLICATES, forecast_entries
from domain.forecast.quarters import MAX_QUARTERS
from domain.forecast.table import Entries
from gxtrack.app.base import ServiceBase
from gxtrack.app.foresight.backtest import backtest
from gxtrack.app.foresight.histories import entries
from gxtrack.readmodels.engine.memo import memoized
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

    def project_entries(self, as_of: date, known: str = "recorded") -> Entries:
        """Every project's stage entries up to `as_of`, as known then (or now)."""
        db = self.read_side.db
        if known == "recorded":
            return entries(stage_entries_as_known(db, as_of, as_of))
        # As they stand: one read of every entry, kept until the read models
        # move, and cut at each date asked (a backtest asks for eight).
        now = memoized(
            db,
            ("forecast-entries", bureau_today()),
            lambda: entries(stage_entries_as_known(db, bureau_today(), None)),
        )
        return now.up_to(as_of)

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
        key = (as_of, quarters, known, replicates)

        def compute() -> dict[str, Any]:
            found = self.project_entries(as_of, known)
            return forecast_entries(found, as_of, quarters, replicates) | {
                "known": known
            }

        if as_of >= today or known == "dated":
            return memoized(
                self.read_side.db,
                ("forecast", *key),
                compute,
                stale_for=self.read_side.stale_figures_seconds,
            )
        cache = self._forecast_cache()
        if key not in cache:
            if len(cache) >= CACHE_SIZE:
                cache.pop(next(iter(cache)))
            cache[key] = compute()
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
            self.project_entries(today, "dated"),
            lambda day: self.project_entries(day, known),
            today,
            origins,
        ) | {"known": known, "quarters": quarters}
