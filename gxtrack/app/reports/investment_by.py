"""Completed investment (完成投资) by zone or industry, for the API and the reports.

A project's months count under its zone and industry as they stand now, and a
withdrawn project's months count too: the money was spent, whatever became of
the project. Sums are 万元 decimal strings; labels are the reference data's.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.investment import same_day_last_year
from gxtrack.infra.db import Database
from gxtrack.readmodels.milestones.queries import (
    Sums,
    by_group,
    investment_by_place,
)

EARLIEST = "0000-01"  # the first month a cumulative sum starts from


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def breakdown(
    db: Database,
    by: str,
    periods: dict[str, tuple[str, str]],
    names: dict[str, str],
    known_at: datetime | None = None,
    sums: Sums | None = None,
) -> dict[str, Any]:
    """`{items: [{key, label, <period>: 万元}], total: {<period>: 万元}}`.

    Every group of the reference data is listed (zero where nothing was
    reported), in its order, then any group the reference no longer has.
    """
    if sums is None:
        sums = investment_by_place(db, periods, known_at)
    grouped = by_group(sums, by)
    zero = {name: "0" for name in periods}
    keys = [k for k in names] + sorted(k for k in grouped if k not in names)
    items = [{"key": k, "label": names.get(k, k), **grouped.get(k, zero)} for k in keys]
    total = {
        name: _plain(sum((Decimal(i[name]) for i in items), Decimal(0)))
        for name in periods
    }
    return {"items": items, "total": total}


def kpi_periods(year: int, as_of: date) -> dict[str, tuple[str, str]]:
    """This year to `as_of`'s month, the same months last year (同比), and
    every month up to `as_of`'s (累计), as the KPIs count them."""
    last = min(as_of, date(year, 12, 31))
    earlier = same_day_last_year(last)
    this_year = (f"{year:04d}-01", f"{last:%Y-%m}")
    before = (f"{year - 1:04d}-01", f"{earlier:%Y-%m}")
    if last < date(year, 1, 1):  # asked before the year began: nothing yet
        this_year = before = ("9999-12", "0000-01")  # empty ranges
    return {
        "year_to_date": this_year,
        "same_day_last_year": before,
        "cumulative": (EARLIEST, f"{last:%Y-%m}"),
    }


def report_periods(month: str) -> dict[str, tuple[str, str]]:
    """The monthly report's: the month, the year to it, the same months last
    year (同比) and every month up to it."""
    year = int(month[:4])
    return {
        "month": (month, month),
        "year": (f"{year:04d}-01", month),
        "last_year": (f"{year - 1:04d}-01", f"{year - 1:04d}{month[4:]}"),
        "cumulative": (EARLIEST, month),
    }


def report_breakdowns(
    db: Database,
    month: str,
    known_at: datetime,
    names: dict[str, dict[str, str]],
) -> dict[str, list[dict[str, Any]]]:
    """zone / industry → rows `{key, label, known: {period: 万元}, now: {...},
    changed}` for the monthly report, the total row last (key "total")."""
    periods = report_periods(month)
    then_sums = investment_by_place(db, periods, known_at)
    now_sums = investment_by_place(db, periods)
    found = {}
    for by in ("zone", "industry"):
        labels = dict(names.get(by, {}))
        then = breakdown(db, by, periods, labels, sums=then_sums)
        now = breakdown(db, by, periods, labels, sums=now_sums)
        now_of = {i["key"]: i for i in now["items"]}
        rows = []
        for item in then["items"] + [
            i for i in now["items"] if i["key"] not in {t["key"] for t in then["items"]}
        ]:
            is_ = now_of.get(item["key"], item)
            rows.append(_report_row(item["key"], item["label"], item, is_, periods))
        rows.append(_report_row("total", "合计", then["total"], now["total"], periods))
        found[by] = rows
    return found


def _report_row(
    key: str,
    label: str,
    was: dict[str, str],
    is_: dict[str, str],
    periods: dict[str, tuple[str, str]],
) -> dict[str, Any]:
    known = {name: was.get(name, "0") for name in periods}
    now = {name: is_.get(name, "0") for name in periods}
    return {"key": key, "label": label, "known": known, "now": now,
            "changed": known != now}  # fmt: skip
