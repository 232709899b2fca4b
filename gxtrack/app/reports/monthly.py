"""The bureau's monthly report (招商项目月报), as known on a date and as corrected since.

For month M the report has new signings / landings / productions dated in M by
zone and industry, the pool by stage at the end of M, and the projects flagged
as stalled. Each figure is given twice: as it was known at the instant K (what
was submitted then) and as known now; `corrections` lists the projects whose
figures a later, back-dated correction changed.
"""

from __future__ import annotations

import bisect
import calendar
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.clock import today as bureau_today
from domain.errors import RuleViolationError
from domain.stages import STAGE_LABELS, Stage
from gxtrack.app.reports.investment_by import report_breakdowns
from gxtrack.infra.db import Database
from gxtrack.readmodels.engine.changes import changed_since
from gxtrack.readmodels.engine.memo import memoized
from gxtrack.readmodels.milestones.queries import completed_investment
from gxtrack.readmodels.pool.lookups import chunks
from gxtrack.readmodels.pool.queries import PoolFilter, longest_stalled, summary
from gxtrack.readmodels.stage_facts.queries import (
    entries_as_known,
    known_instant,
    pool_as_known,
)

ENTRIES = {"signed": "新签约", "landed": "新落地（开工）", "producing": "新投产"}
DIMENSIONS = {"total": "合计", "zone": "板块", "industry": "产业"}
POOL_STAGES = tuple(stage.value for stage in Stage)
STALLED_SHOWN = 200  # the longest stalled; all of them are on the stalled list


def month_bounds(month: str) -> tuple[date, date]:
    """The first and last day of a `YYYY-MM` month."""
    try:
        year, number = (int(part) for part in month.split("-"))
        first = date(year, number, 1)
    except ValueError:
        raise RuleViolationError(f"月份格式应为 YYYY-MM: {month}", "month") from None
    return first, first.replace(day=calendar.monthrange(year, number)[1])


def _money(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _tally(items: list[dict[str, Any]], keys: list[tuple[str, str, str]]) -> dict:
    """Count and investment per (section, dimension, key)."""
    totals: dict[tuple[str, str, str], list[Any]] = {}
    for item in items:
        for section, dimension, key in keys_of(item, keys):
            slot = totals.setdefault((section, dimension, key), [0, Decimal(0)])
            slot[0] += 1
            slot[1] += Decimal(item["investment"])
    return totals


def keys_of(item: dict[str, Any], keys: list[tuple[str, str, str]]) -> list:
    """The summary cells one project counts in."""
    return [(s.format(**item), d, k.format(**item)) for s, d, k in keys]


ENTRY_KEYS = [
    ("new_{stage}", "total", "all"),
    ("new_{stage}", "zone", "{zone}"),
    ("new_{stage}", "industry", "{industry}"),
]
POOL_KEYS = [("pool", "stage", "{stage}")]


# The facts as known at an instant are the stage_facts read model's; the
# month-end pool as known now is the pool's.
FACTS_READ_FROM = ("stage_facts",)
POOL_READ_FROM = ("pool",)
PATCH_MOST = 2000  # projects changed since: past that, a full pass is as quick


def _view(
    db: Database, first: date, last: date, known: datetime, now: bool, rows: bool
) -> dict[str, Any]:
    """The month's figures as known at `known`; `now`: as known now, which is
    the same figures until the read models move on (kept till then). `rows`:
    with every project's month-end stage (to compare two views); without, as
    known now only, the pool's counts by stage.

    Kept until the read models they are read from apply an event: a progress
    note changes neither, and the facts (seconds' worth of rows at 100k
    projects) are not read again for the pool's counts (milliseconds).
    """
    at = None if now else known
    facts = memoized(
        db,
        ("monthly_facts", first, last, at, rows),
        lambda: _facts_view(db, first, last, known, rows),
        reads=FACTS_READ_FROM,
        patch=None
        if rows
        else lambda old, was, state: _patched(
            db, (first, last, known), old, was, state
        ),
    )
    if rows:
        return facts
    pool = memoized(
        db,
        ("monthly_pool", last),
        lambda: _month_end_pool(db, last),
        reads=POOL_READ_FROM,
    )
    return {**facts, "totals": {**facts["totals"], **pool}}


def _facts_view(
    db: Database, first: date, last: date, known: datetime, rows: bool
) -> dict[str, Any]:
    entries = entries_as_known(db, first, last, known)
    entries.sort(key=_entry_order)  # as a patch keeps them, on any collation
    totals = _tally(entries, ENTRY_KEYS)
    pool = None
    if rows:
        pool = pool_as_known(db, last, known)
        totals.update(_tally(pool, POOL_KEYS))
        for stage in POOL_STAGES:
            totals.setdefault(("pool", "stage", stage), [0, Decimal(0)])
    for stage in ENTRIES:
        totals.setdefault((f"new_{stage}", "total", "all"), [0, Decimal(0)])
    return {"entries": entries, "pool": pool, "totals": totals}


def _entry_order(entry: dict[str, Any]) -> tuple[str, str, str]:
    return (entry["entered_on"], entry["id"], entry["stage"])


def _patched(
    db: Database,
    asked: tuple[date, date, datetime],
    old: dict[str, Any],
    was: Any,
    now: Any,
) -> dict[str, Any] | None:
    """The month's entries as known now (`old`, kept at the facts' state
    `was`) with those of the projects changed since read again and the
    totals moved by them; None when only a full pass is right (a rebuild).

    One stage move re-read 10k entries of the month and tallied them anew;
    the engine records each project an event was applied for (memo's
    changed_since), which covers every fact recorded since.
    """
    [(_name, kind, kept_at)], [(_, kind_now, at)] = was, now
    if kind != "applied" or kind_now != "applied" or at < kept_at:
        return None
    changed = changed_since(db, kept_at)
    if len(changed) > PATCH_MOST:
        return None
    gone = set(changed)
    fresh: list[dict[str, Any]] = []
    for chunk in chunks(changed):
        fresh += entries_as_known(db, *asked, ids=chunk)
    entries = [e for e in old["entries"] if e["id"] not in gone]
    for entry in fresh:
        bisect.insort(entries, entry, key=_entry_order)
    totals = {cell: list(value) for cell, value in old["totals"].items()}
    removed = [e for e in old["entries"] if e["id"] in gone]
    for sign, items in ((-1, removed), (1, fresh)):
        for item in items:
            for cell in keys_of(item, ENTRY_KEYS):
                slot = totals.setdefault(cell, [0, Decimal(0)])
                slot[0] += sign
                slot[1] += sign * Decimal(item["investment"])
    # As a full tally has them: no cell a project no longer counts in.
    totals = {cell: value for cell, value in totals.items() if value[0]}
    for stage in ENTRIES:
        totals.setdefault((f"new_{stage}", "total", "all"), [0, Decimal(0)])
    return {"entries": entries, "pool": None, "totals": totals}


def _month_end_pool(db: Database, last: date) -> dict[tuple[str, str, str], list]:
    """The month-end pool's cells as known now: the pool read model's as of
    that day, which its monthly sums count in milliseconds (the facts as
    known at an instant take a pass over every project's history)."""
    totals: dict[tuple[str, str, str], list] = {}
    month_end = summary(db, PoolFilter(as_of=last))["by_stage"]
    for stage, cell in month_end.items():
        if cell["count"]:
            totals[("pool", "stage", stage)] = [
                cell["count"],
                Decimal(cell["investment"]),
            ]
    for stage in POOL_STAGES:
        totals.setdefault(("pool", "stage", stage), [0, Decimal(0)])
    return totals


def _label(dimension: str, key: str, names: dict[str, dict[str, str]]) -> str:
    if dimension == "stage":
        return STAGE_LABELS[Stage(key)]
    if dimension == "total":
        return "合计"
    return names.get(dimension, {}).get(key, key)


def _section_label(section: str) -> str:
    if section == "pool":
        return "项目库（按阶段）"
    return ENTRIES[section.removeprefix("new_")]


def _order(cell: tuple[str, str, str]) -> tuple[int, int, str]:
    sections = [f"new_{s}" for s in ENTRIES] + ["pool"]
    dims = ["total", "zone", "industry", "stage"]
    section, dimension, key = cell
    rank = POOL_STAGES.index(key) if dimension == "stage" else 0
    return (sections.index(section), dims.index(dimension), f"{rank}{key}")


def monthly_report(
    db: Database,
    month: str,
    known_on: date | datetime | None = None,
    names: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The report for `month` as known at `known_on` (default now), with the
    figures as known now beside it."""
    first, last = month_bounds(month)
    names = names or {}
    known_at = known_instant(known_on)
    now = known_instant(None)
    # Not asked "as known then": the figures as known now on both sides, and
    # no project's row to compare.
    asked = known_on is not None
    now_view = _view(db, first, last, now, True, asked)
    then_view = _view(db, first, last, known_at, False, True) if asked else now_view
    rows = []
    for cell in sorted(set(then_view["totals"]) | set(now_view["totals"]), key=_order):
        was = then_view["totals"].get(cell, [0, Decimal(0)])
        is_ = now_view["totals"].get(cell, [0, Decimal(0)])
        section, dimension, key = cell
        rows.append(
            {
                "section": section,
                "section_label": _section_label(section),
                "dimension": dimension,
                "key": key,
                "label": _label(dimension, key, names),
                "known_count": was[0],
                "known_investment": _money(was[1]),
                "now_count": is_[0],
                "now_investment": _money(is_[1]),
                "changed": was[0] != is_[0] or was[1] != is_[1],
            }
        )
    return {
        "month": month,
        "business_date": last.isoformat(),
        "known_at": known_at.isoformat(),
        "now": now.isoformat(),
        "rows": rows,
        "corrections": corrections(db, (first, last, known_at), then_view, now_view),
        **stalled_projects(db, min(last, bureau_today())),
        "investment": investment_rows(db, month, known_at),
        "investment_by": report_breakdowns(db, month, known_at, names),
    }


def investment_rows(db: Database, month: str, known_at: datetime) -> list[dict]:
    """完成投资 in the month and the year to its end, as known then and now."""
    periods = (
        ("month", "本月完成投资", month),
        ("year", "本年累计完成投资", month[:5] + "01"),
    )
    rows = []
    for key, label, first in periods:
        known = completed_investment(db, first, month, known_at)
        now = completed_investment(db, first, month)
        rows.append(
            {
                "key": key,
                "label": label,
                "known": known,
                "now": now,
                "changed": known != now,
            }
        )
    return rows


def corrections(
    db: Database, asked: tuple[date, date, datetime], then: dict, now: dict
) -> list[dict[str, Any]]:
    """Projects whose stage at month end or entries in the month differ between
    the views as known then and now (`asked`: the month's first and last day and
    the instant); none when they are one. Every project's row is compared, so
    the result is kept until the read models move on: read-only."""
    if then is now:
        return []
    return memoized(
        db, ("monthly_corrections", *asked), lambda: _corrections(then, now)
    )


def _corrections(then: dict[str, Any], now: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    then_pool = {p["id"]: p for p in then["pool"]}
    now_pool = {p["id"]: p for p in now["pool"]}
    for pid in sorted(set(then_pool) | set(now_pool)):
        was, is_ = then_pool.get(pid), now_pool.get(pid)
        seen = (was or {}).get("stage"), (was or {}).get("entered_on")
        current = (is_ or {}).get("stage"), (is_ or {}).get("entered_on")
        if seen != current:
            out.append(_correction(pid, "month_end_stage", was, is_))
    then_entries = {(e["id"], e["stage"]): e for e in then["entries"]}
    now_entries = {(e["id"], e["stage"]): e for e in now["entries"]}
    for key in sorted(set(then_entries) | set(now_entries)):
        was, is_ = then_entries.get(key), now_entries.get(key)
        if (was or {}).get("entered_on") != (is_ or {}).get("entered_on"):
            out.append(_correction(key[0], f"new_{key[1]}", was, is_))
    return out


def _correction(pid: str, what: str, was: Any, is_: Any) -> dict[str, Any]:
    either = is_ or was
    return {
        "id": pid,
        "name": either["name"],
        "what": what,
        "known": {"stage": was["stage"], "date": was["entered_on"]} if was else None,
        "now": {"stage": is_["stage"], "date": is_["entered_on"]} if is_ else None,
    }


def stalled_projects(db: Database, as_of: date) -> dict[str, Any]:
    """The projects stalled at the month's end (or today, in the current
    month): the STALLED_SHOWN longest in stage (`stalled`) and how many in all
    (`stalled_total`). The day's judgement, as on every other page.
    """
    rows, total = longest_stalled(db, as_of, STALLED_SHOWN)
    items = [
        {
            "id": r["id"],
            "name": r["name"],
            "stage": r["stage_code"],
            "zone": r["zone"],
            "industry": r["industry"],
            "officer": r["officer"],
            "level": r["stall"]["level"],
            "rule": r["stall"]["rule"],
            "days": r["stall"]["days_in_stage"],
            "since": r["stall_since"],
        }
        for r in rows
        if r["stall"] is not None
    ]
    return {
        "stalled": items,
        "stalled_total": total,
        "stalled_as_of": as_of.isoformat(),
    }
