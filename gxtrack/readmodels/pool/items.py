"""A pool list item: the columns a page reads and the dict each row becomes."""

from __future__ import annotations

from typing import Any

from domain.project_fields import PLANNED_KEYS
from domain.stages import Stage
from gxtrack.readmodels.engine.projection import to_wan

PLANNED_COLUMNS = tuple((k, f"planned_{k}") for k in PLANNED_KEYS)
STAGE_ORDER = tuple(stage.value for stage in Stage)
STAGE_COLUMNS = tuple((s, f"{s}_on") for s in STAGE_ORDER)
# Only the columns a list item shows, in the order item() unpacks them: not
# p.* (the search text, land area and creation time would be read for nothing).
LIST_COLUMNS = ", ".join(
    f"p.{c}"
    for c in (
        "id", "name", "investor", "industry", "zone", "investment", "priority",
        "officer", "enterprise_id", *(c for _s, c in STAGE_COLUMNS),
        *(c for _k, c in PLANNED_COLUMNS), "progress_on", "progress_note",
        "stall_level", "stall_rule", "stall_days", "stall_since", "version",
        "updated_at", "exempt_until", "exempt_reason",
    )
)  # fmt: skip


def item(row: tuple[Any, ...]) -> dict[str, Any]:
    """One list item from a row of LIST_COLUMNS + stage + stage date.

    Rows come as the driver's tuples: building one dict per row instead of two
    is most of what separates a page from a plain table read.
    """
    (
        pid, name, investor, industry, zone, investment, priority, officer,
        enterprise_id, negotiating_on, signed_on, landed_on, producing_on,
        withdrawn_on, planned_signed, planned_landed, planned_producing,
        progress_on, progress_note, stall_level, stall_rule, stall_days,
        stall_since, version, updated_at, exempt_until, exempt_reason, stage,
        stage_day,
    ) = row  # fmt: skip
    # Plain ifs, not comprehensions: this runs for every row of every page.
    days = {}
    if negotiating_on:
        days["negotiating"] = negotiating_on
    if signed_on:
        days["signed"] = signed_on
    if landed_on:
        days["landed"] = landed_on
    if producing_on:
        days["producing"] = producing_on
    if withdrawn_on:
        days["withdrawn"] = withdrawn_on
    planned = {}
    if planned_signed:
        planned["signed"] = planned_signed
    if planned_landed:
        planned["landed"] = planned_landed
    if planned_producing:
        planned["producing"] = planned_producing
    return {
        "id": pid,
        "name": name,
        "investor": investor,
        "industry": industry,
        "zone": zone,
        "planned_investment": to_wan(investment),
        "priority": priority,
        "officer": officer,
        "enterprise_id": enterprise_id,
        "stage": stage,
        "stage_date": stage_day,
        "stage_dates": days,
        "planned_dates": planned,
        "last_progress": {"date": progress_on, "note": progress_note}
        if progress_on
        else None,
        "stall": {
            "level": stall_level,
            "rule": stall_rule,
            "days_in_stage": stall_days,
            "since": stall_since,
        }
        if stall_level
        else None,
        "exemption": {"until": exempt_until, "reason": exempt_reason}
        if exempt_until
        else None,
        "version": version,
        "updated_at": updated_at,
    }
