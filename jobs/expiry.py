"""The daily designation-expiry job and the re-review list for the weekly digest.

Module-level functions, as the scheduler wants them: with no runtime given they
open one from the environment and close it afterwards. Both are idempotent: the
expiry job records a lapse once (each Enterprise aggregate decides), and the
re-review list is a read.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.clock import today
from domain.permissions import Actor
from domain.rules import business_date
from gxtrack.readmodels.enterprises.queries import due_for_review, lapsed_enterprises

JOB_ID = "designation-expiry"
__all__ = ["JOB_ID", "due_for_review", "review_digest", "run_expiry"]


def run_expiry(runtime: Any = None, as_of: date | None = None) -> dict[str, Any]:
    """Record DesignationExpired for every lapse before `as_of` (default today)."""
    if runtime is None:
        from gxtrack.bootstrap import Runtime

        runtime = Runtime.open()
        try:
            return run_expiry(runtime, as_of)
        finally:
            runtime.close()
    day = business_date(as_of or today(), today(), "as_of")  # never in the future
    runtime.wait_for_read_models()  # the pre-filter must see every award and review so far
    result = runtime.app.record_expiries(
        Actor.system(), lapsed_enterprises(runtime.db, day), day
    )
    runtime.wait_for_read_models()
    return result


def review_digest(
    runtime: Any, as_of: date | None = None, days: int = 90
) -> list[dict[str, Any]]:
    """Designations due for re-review within `days`, for the weekly digest mail."""
    runtime.wait_for_read_models()
    return due_for_review(runtime.db, as_of, days)
