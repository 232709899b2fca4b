"""The pool for a business date as it was known at a recorded instant (bitemporal).

Business time: the stage dates (签约日期 …). Recorded time: when the events saying
so were written. `pool_as_known(db, D, K)` is the pool at the end of business
date D using only facts recorded by instant K and not yet superseded then — the
report a user would have got on K, even if a back-dated correction came later.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from domain.clock import BUREAU_TZ
from domain.stages import FORWARD
from gxtrack.infra.db import Database
from gxtrack.readmodels.engine.projection import to_wan
from gxtrack.readmodels.stage_facts.projector import instant_text

LIVE = "{t}.recorded_at <= ? AND ({t}.superseded_at IS NULL OR {t}.superseded_at > ?)"


def known_instant(value: date | datetime | None) -> datetime:
    """A date K means "by the end of K" on the bureau's calendar; None is now."""
    if value is None:
        return datetime.now(BUREAU_TZ)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=BUREAU_TZ)
    end = datetime.combine(value + timedelta(days=1), time(), BUREAU_TZ)
    return end - timedelta(microseconds=1)


def _live(alias: str) -> str:
    return LIVE.format(t=alias)


def pool_as_known(
    db: Database, business_date: date, known_at: date | datetime | None = None
) -> list[dict[str, Any]]:
    """Each project's stage at the end of `business_date`, as known at `known_at`."""
    k = instant_text(known_instant(known_at))
    d = business_date.isoformat()
    rows = db.fetchall(
        "SELECT a.project_id, a.name, a.industry, a.zone, a.investment,"
        " f.stage, f.entered_on"
        " FROM rm_project_facts a JOIN rm_stage_facts f"
        " ON f.project_id = a.project_id"
        f" WHERE {_live('a')} AND {_live('f')} AND f.entered_on <= ?"
        " AND NOT EXISTS (SELECT 1 FROM rm_stage_facts g"
        f" WHERE g.project_id = f.project_id AND {_live('g')}"
        " AND g.entered_on <= ? AND (g.entered_on > f.entered_on"
        " OR (g.entered_on = f.entered_on AND g.seq > f.seq)))"
        " ORDER BY a.project_id",
        (k, k, k, k, d, k, k, d),
    )
    return [_plain(r) for r in rows]


# The forward stages after 在谈, as SQL literals (the stage order, not a copy).
ENTERED_STAGES = ", ".join(f"'{stage.value}'" for stage in FORWARD[1:])


def entries_as_known(
    db: Database,
    first: date,
    last: date,
    known_at: date | datetime | None = None,
    ids: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Stage entries (signed, landed, producing) dated within [first, last]
    (of the projects `ids` only, if given)."""
    k = instant_text(known_instant(known_at))
    only = f" AND f.project_id IN ({', '.join('?' for _ in ids)})" if ids else ""
    rows = db.fetchall(
        "SELECT a.project_id, a.name, a.industry, a.zone, a.investment,"
        " f.stage, f.entered_on"
        " FROM rm_stage_facts f JOIN rm_project_facts a"
        " ON a.project_id = f.project_id"
        f" WHERE {_live('a')} AND {_live('f')}"
        f" AND f.stage IN ({ENTERED_STAGES}) AND f.kind <> 'reinstated'"
        f" AND f.entered_on >= ? AND f.entered_on <= ?{only}"
        " ORDER BY f.entered_on, a.project_id, f.stage",
        (k, k, k, k, first.isoformat(), last.isoformat(), *(ids or ())),
    )
    return [_plain(r) for r in rows]


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["project_id"],
        "name": row["name"],
        "industry": row["industry"],
        "zone": row["zone"],
        "investment": to_wan(row["investment"]),
        "stage": row["stage"],
        "entered_on": row["entered_on"],
    }


def stage_entries_as_known(
    db: Database, business_date: date, known_at: date | datetime | None = None
) -> list[tuple[Any, ...]]:
    """Every stage entry dated up to `business_date`, as known at `known_at`.

    Tuples (project_id, stage, entered_on, industry, investment in 元), ordered
    by project, then as the entries happened (a hot path: no dicts).
    """
    k = instant_text(known_instant(known_at))
    with db.transaction(write=False) as cur:
        return cur.tuples(
            "SELECT f.project_id, f.stage, f.entered_on, a.industry, a.investment"
            " FROM rm_stage_facts f JOIN rm_project_facts a"
            " ON a.project_id = f.project_id"
            f" WHERE {_live('a')} AND {_live('f')} AND f.entered_on <= ?"
            " ORDER BY f.project_id, f.entered_on, f.seq",
            (k, k, k, k, business_date.isoformat()),
        )
