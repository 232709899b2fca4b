"""`audit verify`: recompute the hash chain from the stored events and compare.

The walk reads the event log and the kept chain side by side, page by page, in
constant memory. The first link that disagrees is reported with its position,
aggregate and version: an altered event (digest differs), a deleted one (a chain
row with no event) or one slipped in (an event the chain never saw). An anchor
exported earlier (`audit anchor`) catches a log whose chain was rewritten too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from domain.clock import today
from gxtrack.audit.chain import (
    GENESIS,
    chain_head,
    chain_length,
    link_digest,
    store_length,
)
from gxtrack.infra.db import Database
from gxtrack.infra.event_log import reader

PAGE = 1000
Progress = Callable[[int, int], None]


@dataclass
class VerifyResult:
    """What a verification found; `problem` is the first broken link, if any."""

    checked: int = 0
    head_position: int = 0
    head_digest: str = GENESIS
    unchained: int = 0
    problem: dict[str, Any] | None = None
    anchors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every link and every anchor held."""
        return self.problem is None


def notifications(
    app: Any, stop: int | None = None, start: int | None = None
) -> Iterator[Any]:
    """Every stored event in log order (from `start`), read a page at a time.

    A full walk's first page has no lower bound, so a row forged at position 0
    or below (which the projections would never read) is still seen: that page
    is the library's. The rest are read as the projections read them
    (gxtrack.infra.event_log), several times faster: the audit page walks
    10,000 events a view.
    """
    if start is None:
        page = app.recorder.select_notifications(start=None, limit=PAGE, stop=stop)
        yield from page
        if len(page) < PAGE:
            return
        start = page[-1].id + 1
    read = reader(app.recorder)
    while stop is None or start <= stop:
        limit = PAGE if stop is None else min(PAGE, stop - start + 1)
        page = read(start, limit)
        if stop is not None and page and page[-1].id > stop:  # past a gap
            yield from (n for n in page if n.id <= stop)
            return
        yield from page
        if len(page) < limit:
            return
        start = page[-1].id + 1


def _chain_rows(db: Database, after: int = 0) -> Iterator[dict[str, Any]]:
    while True:
        rows = db.fetchall(
            "SELECT position, originator_id, originator_version, digest"
            " FROM audit_chain WHERE position > ? ORDER BY position LIMIT ?",
            (after, PAGE),
        )
        yield from rows
        if len(rows) < PAGE:
            return
        after = int(rows[-1]["position"])


def _broken(kind: str, label: str, position: int, oid: Any, version: Any) -> dict:
    return {
        "kind": kind,
        "message": label,
        "position": int(position),
        "originator_id": str(oid),
        "originator_version": int(version),
    }


def verify(
    app: Any,
    db: Database,
    anchors: Sequence[dict[str, Any]] = (),
    progress: Progress | None = None,
    since: tuple[int, str] | None = None,
    stop: int | None = None,
) -> VerifyResult:
    """Walk the whole log against the kept chain (and any anchors).

    With `since` (a head an earlier walk verified: position, digest), only the
    events after it are walked, chained on from that digest — provided the
    chain still holds that digest there. With `stop`, the walk ends at that
    position (a bounded step; the events after it are left for the next).
    """
    result = VerifyResult()
    wanted = {int(a["position"]): a for a in anchors if int(a["position"]) > 0}
    total = app.recorder.max_notification_id() or 0
    after, previous = since or (0, GENESIS)
    if since is not None:
        result.head_position, result.head_digest = after, previous
        kept = db.fetchone(
            "SELECT digest FROM audit_chain WHERE position = ?", (after,)
        )
        if kept is None or kept["digest"] != previous:
            result.problem = {
                "kind": "rewritten",
                "message": "已校验的链头被改写",
                "position": after,
                "originator_id": None,
                "originator_version": None,
            }
            return result
    rows = _chain_rows(db, after)
    row = next(rows, None)
    start = after + 1 if since is not None else None
    for n in notifications(app, stop=stop, start=start):
        if row is not None and int(row["position"]) < n.id:
            result.problem = _broken(
                "deleted",
                "事件缺失",
                row["position"],
                row["originator_id"],
                row["originator_version"],
            )
            return result
        digest = link_digest(previous, n)
        if row is None:
            result.unchained += 1  # written after the chain follower last ran
        elif int(row["position"]) > n.id:
            result.problem = _broken(
                "inserted",
                "链外事件",
                n.id,
                n.originator_id,
                n.originator_version,
            )
            return result
        elif row["digest"] != digest:
            expected = f"{row['originator_id']} v{row['originator_version']}"
            result.problem = _broken(
                "altered",
                f"内容与哈希链不符（链上应为 {expected}）",
                n.id,
                n.originator_id,
                n.originator_version,
            )
            return result
        else:
            row = next(rows, None)
        if n.id in wanted and wanted[n.id]["digest"] != digest:
            result.problem = _broken(
                "rewritten",
                "与先前导出的锚点不符，哈希链被整体改写",
                n.id,
                n.originator_id,
                n.originator_version,
            )
            return result
        wanted.pop(n.id, None)
        previous = digest
        result.checked += 1
        result.head_position, result.head_digest = n.id, digest
        if progress and result.checked % 10000 == 0:
            progress(n.id, total)
    if row is not None and (stop is None or int(row["position"]) <= stop):
        result.problem = _broken(
            "deleted",
            "事件缺失",
            row["position"],
            row["originator_id"],
            row["originator_version"],
        )
    elif wanted and stop is None:
        position = min(wanted)
        result.problem = {
            "kind": "truncated",
            "message": f"锚点位置 {position} 的事件已不存在",
            "position": position,
            "originator_id": None,
            "originator_version": None,
        }
    result.anchors = list(anchors)
    return result


def anchor(app: Any, db: Database) -> dict[str, Any]:
    """Today's anchor: the chain head (position, digest) to keep outside the system."""
    with db.transaction(write=False) as cur:
        head = chain_head(cur)
        count = chain_length(cur, head)
    store_length(db)
    return {
        "app": "gxtrack",
        "date": today().isoformat(),
        "created_at": datetime.now(UTC).isoformat(),
        "position": int(head["position"]) if head else 0,
        "digest": head["digest"] if head else GENESIS,
        "count": count,
    }
