"""Stall reads of the pool: the projects stalled on a day, counted and listed,
the weekly scan's candidates, exemptions, and the spans the what-if re-judges.

"Stalled on D" is the day's judgement (judgement.py) under the policy in force
that day, over the current pool (today) or the stage each project was in on D.
"""

from __future__ import annotations

import bisect
import heapq
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.clock import today
from domain.stall import StallTerms
from gxtrack.infra.db import Database
from gxtrack.readmodels.engine.changes import changed_since
from gxtrack.readmodels.engine.memo import State, memoized
from gxtrack.readmodels.pool.judgement import judged, node_late_on, stall_sql, terms_on
from gxtrack.readmodels.pool.lookups import chunks, marks


def stage_then(as_of: date, cols: str, keep: Callable[[str, str], str]) -> str:
    """A derived table `p` of pool rows (`cols`) with the stage on `as_of`
    (at_stage) and its start (at_day), keeping the rows `keep(stage, day)`
    (SQL over those columns) accepts.

    A project with no stage interval entered after the day is still in its
    current stage (read off its pool row, a plain scan); only the others look
    up the interval holding the day. Joining every pool row to its interval
    made a full pass on a past day 10x one today (random lookups of 100k
    rows). The current stage's date is the pool's, as today's judgement and
    the scan count it (after a reinstatement, the stage's first date rather
    than the reinstatement's). `keep` is applied in each part, so the union
    carries only the rows kept.
    """
    d = f"'{as_of.isoformat()}'"  # digits and hyphens only
    later = f"(SELECT project_id FROM rm_stage_history WHERE entered_on > {d})"
    return (
        f"(SELECT {cols}, p.stage AS at_stage, p.stage_date AS at_day"
        f" FROM rm_projects p WHERE p.id NOT IN {later}"
        f" AND {keep('p.stage', 'p.stage_date')}"
        f" UNION ALL SELECT {cols}, h.stage, h.entered_on"
        " FROM rm_stage_history h JOIN rm_projects p ON p.id = h.project_id"
        f" WHERE h.project_id IN {later} AND h.entered_on <= {d}"
        f" AND (h.left_on IS NULL OR h.left_on > {d})"
        f" AND {keep('h.stage', 'h.entered_on')}) p"
    )


# The pool columns a stall read uses (a past day's source selects only these).
STALL_COLUMNS = (
    "id", "name", "officer", "zone", "industry", "investor", "planned_signed",
    "planned_landed", "planned_producing", "stall_level", "stall_since",
    "exempt_until", "version",
)  # fmt: skip


def _stall_source(
    as_of: date, terms: StallTerms, ids: list[str] | None = None
) -> tuple[str, str, str, str, list[Any]]:
    """FROM, stage and stage-date columns, a further WHERE term and params: the
    stalled projects with their stage on `as_of` (a past day: stage_then), or
    every pool row today; with `ids`, only those projects."""
    only = f" AND p.id IN ({marks(ids)})" if ids is not None else ""
    if as_of < today():

        def stalled(stage: str, day: str) -> str:
            return stall_sql(terms, as_of, stage, day).stalled + only

        cols = ", ".join(f"p.{c}" for c in STALL_COLUMNS)
        source = stage_then(as_of, cols, stalled)
        return source, "p.at_stage", "p.at_day", "", [*(ids or ()), *(ids or ())]
    return "rm_projects p", "p.stage", "p.stage_date", only, list(ids or ())


# A roster entry: what filters, counts and orders a stalled project.
ID, LEVEL, STAGE, DAY, OFFICER, ZONE, NAME = range(7)
Entry = tuple[str, str, str, str, str, str, str]


def order(entry: Entry) -> tuple[int, str, str, str]:
    """A roster's order: red first, then the longest in stage, name, id.

    The roster is sorted by it in Python even where the query sorted it
    already (a pass over sorted rows): a patched entry must land where a full
    pass puts it, on any store and collation.
    """
    return (0 if entry[LEVEL] == "red" else 1, entry[DAY], entry[NAME], entry[ID])


# Projects re-judged by a patch at most: past that, a full pass is as quick.
PATCH_MOST = 2000
# The read models the day's judgement reads (pool rows and stage history; the
# milestones' open nodes).
JUDGED_FROM = ("pool", "milestones")


@dataclass(frozen=True)
class Roster:
    """A day's roster as kept: its entries, the terms that judged them, and
    its counts as asked (kept with it; a patched roster derives them from the
    counts of the one it was patched from and the entries it swapped)."""

    entries: tuple[Entry, ...]
    terms: StallTerms
    past: bool  # judged as a past day (stage_then) rather than today
    counts: dict[tuple[str | None, str | None], dict[str, Any]] = field(
        default_factory=dict, compare=False
    )
    base_counts: dict[tuple[str | None, str | None], dict[str, Any]] = field(
        default_factory=dict, compare=False
    )
    removed: tuple[Entry, ...] = ()
    added: tuple[Entry, ...] = ()


def roster(db: Database, as_of: date) -> tuple[Entry, ...]:
    """Every project stalled on `as_of`, red first then longest in stage:
    (id, level, stage, stage date, officer, zone, name).

    The judgement reads every pool row (and the open nodes): a full pass of
    hundreds of milliseconds at 100k projects, which the dashboard, the
    stalled list, its counts and the monthly report each made per view. It is
    made once per day asked and kept (engine/memo.py); filters, counts and
    pages are then cut from it. After events, only the projects they changed
    are judged again and swapped in or out (`_patched`); a new stall policy,
    a rebuild or a day not asked before makes a full pass.
    """
    return _kept(db, as_of).entries


def _kept(db: Database, as_of: date) -> Roster:
    return memoized(
        db,
        ("stall_roster", as_of),
        lambda: _full(db, as_of),
        patch=lambda old, was, now: _patched(db, as_of, old, was, now),
    )


def _full(db: Database, as_of: date) -> Roster:
    terms = terms_on(db, as_of)
    entries = tuple(sorted(_judge(db, as_of, terms), key=order))
    return Roster(entries, terms, as_of < today())


def _judge(
    db: Database, as_of: date, terms: StallTerms, ids: list[str] | None = None
) -> list[Entry]:
    """The entries of the projects stalled on `as_of` (of `ids` only, if given)."""
    source, stage, day, only, params = _stall_source(as_of, terms, ids)
    sql = stall_sql(terms, as_of, stage, day)
    with db.transaction(write=False) as cur:
        rows = cur.tuples(
            f"SELECT p.id, CASE WHEN {sql.red} THEN 'red' ELSE 'yellow' END,"
            f" {stage}, {day}, p.officer, p.zone, p.name"
            f" FROM {source} WHERE {sql.stalled}{only}"
            f" ORDER BY {sql.worst_first}, p.name, p.id",
            params,
        )
    return rows  # type: ignore[return-value]


def _patched(
    db: Database, as_of: date, old: Roster, was: State, now: State
) -> Roster | None:
    """`old` (kept at positions `was`) with the projects changed since judged
    again, or None when only a full pass is right.

    The engine records each project an event was applied for (any read
    model), with the event's position: those after the lower of the judged
    read models' kept positions cover every pool row, interval and node that
    moved. A policy change is seen in the terms; a rebuild (a position gone
    back), read models at different positions, or midnight (today's roster
    judges the pool rows, a past day's the stage then) make a full pass.
    """
    before, after = dict(was), dict(now)
    if any(after.get(n, 0) < before.get(n, 0) for n in JUDGED_FROM):
        return None
    if len({after.get(n, 0) for n in JUDGED_FROM}) != 1:
        return None
    terms = terms_on(db, as_of)
    if terms != old.terms or (as_of < today()) != old.past:
        return None  # new terms; or the day asked became a past one
    changed = changed_since(db, min(before.get(n, 0) for n in JUDGED_FROM))
    if len(changed) > PATCH_MOST:
        return None
    gone = set(changed)
    fresh: list[Entry] = []
    for chunk in chunks(changed):
        fresh += _judge(db, as_of, terms, chunk)
    entries = [e for e in old.entries if e[ID] not in gone]
    removed = tuple(e for e in old.entries if e[ID] in gone)
    for entry in fresh:
        bisect.insort(entries, entry, key=order)
    return Roster(
        tuple(entries),
        terms,
        old.past,
        base_counts=old.counts,
        removed=removed,
        added=tuple(fresh),
    )


def _picked(
    entries: tuple[Entry, ...],
    officer: str | None,
    zone: str | None,
    level: str | None = None,
) -> list[Entry]:
    return [
        e
        for e in entries
        if (not officer or e[OFFICER] == officer)
        and (not zone or e[ZONE] == zone)
        and (level is None or e[LEVEL] == level)
    ]


def stalled_count(
    db: Database, as_of: date, officer: str | None = None, zone: str | None = None
) -> dict[str, Any]:
    """Projects stalled on `as_of`, counted by level and by stage (read-only:
    kept with the roster it counts)."""
    kept = _kept(db, as_of)
    asked = (officer or None, zone or None)
    found = kept.counts.get(asked)
    if found is None:
        base = kept.base_counts.get(asked)
        if base is None:
            found = _counted(_picked(kept.entries, officer, zone))
        else:
            found = _adjusted(
                base,
                _counted(_picked(list(kept.removed), officer, zone)),
                _counted(_picked(list(kept.added), officer, zone)),
            )
        kept.counts[asked] = found
    return found


def _counted(picked: list[Entry]) -> dict[str, Any]:
    by_level = dict(sorted(Counter(e[LEVEL] for e in picked).items()))
    by_stage = dict(sorted(Counter(e[STAGE] for e in picked).items()))
    return {"total": len(picked), "by_level": by_level, "by_stage": by_stage}


def _adjusted(
    base: dict[str, Any], removed: dict[str, Any], added: dict[str, Any]
) -> dict[str, Any]:
    """`base` counts less `removed`'s, plus `added`'s (as _counted orders them)."""
    out: dict[str, Any] = {"total": base["total"] - removed["total"] + added["total"]}
    for part in ("by_level", "by_stage"):
        tally = Counter(base[part])
        tally.subtract(removed[part])
        tally.update(added[part])
        out[part] = {k: n for k, n in sorted(tally.items()) if n > 0}
    return out


def stalled_zones(db: Database, as_of: date) -> list[str]:
    """The zone of each project stalled on `as_of` (one per project)."""
    return [e[ZONE] for e in roster(db, as_of)]


def stalled_projects(
    db: Database,
    as_of: date,
    officer: str | None = None,
    zone: str | None = None,
    page: int = 1,
    page_size: int | None = None,
    level: str | None = None,
) -> dict[str, Any]:
    """The projects stalled on `as_of`, red first then longest in stage.

    {"items", "total", "terms"}: the policy in force that day judges; the
    roster finds and orders the projects, the domain's rule gives each verdict.
    Without `page_size`, every stalled project.
    """
    picked = _picked(roster(db, as_of), officer, zone, level)
    chosen = picked
    if page_size is not None:
        start = (int(page) - 1) * int(page_size)
        chosen = picked[start : start + int(page_size)]
    terms = terms_on(db, as_of)
    return {
        "items": stall_rows(db, chosen, as_of, terms),
        "total": len(picked),
        "terms": terms,
    }


def longest_stalled(
    db: Database, as_of: date, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """The `limit` projects longest in their stage among those stalled on
    `as_of` (then by name), judged, and how many are stalled in all."""
    entries = roster(db, as_of)
    chosen = heapq.nsmallest(limit, entries, key=lambda e: (e[DAY], e[NAME]))
    return stall_rows(db, chosen, as_of, terms_on(db, as_of)), len(entries)


def stall_rows(
    db: Database, chosen: list[Entry], as_of: date, terms: StallTerms
) -> list[dict[str, Any]]:
    """The pool rows of roster entries, in their order, each with its verdict
    (`stall`; None when an event since the roster was made lifted it)."""
    found: dict[str, dict[str, Any]] = {}
    for chunk in chunks([e[ID] for e in chosen]):
        for row in db.fetchall(
            "SELECT p.id, p.name, p.officer, p.zone, p.industry, p.investor,"
            " p.planned_signed, p.planned_landed, p.planned_producing,"
            " p.stall_level, p.stall_since, p.exempt_until, p.version,"
            f" {node_late_on(as_of)} AS node_late_on"
            f" FROM rm_projects p WHERE p.id IN ({marks(chunk)})",
            chunk,
        ):
            found[row["id"]] = row
    rows = []
    for entry in chosen:
        row = found.get(entry[ID])
        if row is None:  # gone since (a merged duplicate)
            continue
        row["stage_code"], row["stage_day"] = entry[STAGE], entry[DAY]
        row["stall"] = judged(row, terms, as_of)
        rows.append(row)
    return rows


def scan_candidates(db: Database, stages: Sequence[str]) -> list[dict[str, Any]]:
    """Rows the weekly scan judges: projects in `stages` or flagged now.

    Each row has the stage, its date, the planned dates, the exemption, the
    stall level and the version the scan's events follow.
    """
    return db.fetchall(
        "SELECT id, stage, stage_date, planned_signed, planned_landed,"
        " planned_producing, exempt_until, stall_level, version FROM rm_projects"
        f" WHERE stage IN ({marks(list(stages))}) OR stall_level IS NOT NULL",
        list(stages),
    )


def exemptions(db: Database, as_of: date) -> list[dict[str, Any]]:
    """Every project's latest exemption, in force on `as_of` first, then by date."""
    day = as_of.isoformat()
    rows = db.fetchall(
        "SELECT id, name, zone, officer, stage, exempt_until, exempt_reason,"
        " exempt_by, exempt_on FROM rm_projects WHERE exempt_until IS NOT NULL"
        " ORDER BY CASE WHEN exempt_until >= ? THEN 0 ELSE 1 END,"
        " exempt_until DESC, name",
        (day,),
    )
    for row in rows:
        row["active"] = row["exempt_until"] >= day
    return rows


def stall_spans(db: Database, stages: Sequence[str]) -> list[tuple[Any, ...]]:
    """Every stage interval in `stages`, with the project's planned dates now.

    Tuples (project_id, stage, entered_on, left_on, planned_signed,
    planned_landed, planned_producing): the facts the what-if re-judges.
    """
    with db.transaction(write=False) as cur:
        return cur.tuples(
            "SELECT h.project_id, h.stage, h.entered_on, h.left_on,"
            " p.planned_signed, p.planned_landed, p.planned_producing"
            " FROM rm_stage_history h JOIN rm_projects p ON p.id = h.project_id"
            f" WHERE h.stage IN ({marks(list(stages))})",
            list(stages),
        )
