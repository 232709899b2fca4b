"""The daily designation-expiry use case: record each lapse the day after it."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.clock import today
from domain.permissions import Actor
from domain.rules import business_date
from gxtrack.app.base import ServiceBase
from gxtrack.readmodels.enterprises.queries import lapsed_enterprises


class ExpiryService(ServiceBase):
    """Lapsed designations, found on the read side and recorded by each aggregate."""

    def record_expiries_due(self, as_of: date | None = None) -> dict[str, Any]:
        """Record DesignationExpired for every lapse before `as_of` (default today).

        Idempotent: each Enterprise aggregate records a lapse once."""
        day = business_date(as_of or today(), today(), "as_of")  # never in the future
        read = self.read_side
        read.wait_for_read_models()  # the pre-filter must see every award and review
        result = self.record_expiries(  # TierService's command
            Actor.system(), lapsed_enterprises(read.db, day), day
        )
        read.wait_for_read_models()
        return result
