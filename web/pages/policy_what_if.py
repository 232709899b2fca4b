"""The what-if form on the stall policy page: read the draft, run the use case."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, cast

from domain.clock import today
from domain.stall import DEFAULT_THRESHOLDS
from web.pages.common import parse_date, runtime
from web.security import current_actor


def default_what_if() -> dict[str, str]:
    """The last 26 weeks, the policy in force as the starting draft."""
    policy = runtime().app.stall_policy()
    form = {f"thresholds.{s}": str(d) for s, d in policy["thresholds"].items()}
    form["from"] = (today() - timedelta(weeks=26)).isoformat()
    form["to"] = today().isoformat()
    form["red_factor"] = str(policy["red_factor"])
    return form


def what_if(form: Mapping[str, str]) -> dict[str, Any]:
    """The what-if for the form's draft (blank thresholds keep the policy's)."""
    thresholds = {
        stage: value
        for stage in DEFAULT_THRESHOLDS
        if (value := (form.get(f"thresholds.{stage}") or "").strip())
    }
    first = cast(date, parse_date(form.get("from"), "from"))  # required: a date
    last = parse_date(form.get("to"), "to", required=False) or today()
    return runtime().app.stall_what_if(
        current_actor(),
        thresholds,
        first,
        last,
        (form.get("red_factor") or "").strip() or None,
        (form.get("overdue_days") or "").strip() or None,
    )
