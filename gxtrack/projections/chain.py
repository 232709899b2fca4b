"""The chain follower: keeps `audit_chain` in step with the event log.

It runs with the read models, in their batch transaction. A rebuild never drops
the chain: replaying recomputes each digest and compares it with the row already
kept, so a rebuild over a tampered log stops instead of blessing it.
"""

from __future__ import annotations

from typing import Any

from gxtrack.audit.chain import (
    CHAIN_DDL,
    GENESIS,
    ChainBrokenError,
    chain_head,
    link_digest,
)
from gxtrack.db import Cursor
from gxtrack.ids import id_text
from gxtrack.projections.base import Projection


class ChainProjection(Projection):
    """Keeps `audit_chain` in step with the log; never dropped by a rebuild."""

    name = "audit_chain"
    tables = ()  # a rebuild replays the chain verifying, it does not drop it
    ddl = (CHAIN_DDL,)
    needs_event = False  # the digest covers the stored bytes, not the decoded event

    def __init__(self) -> None:
        super().__init__()
        self._cur: Cursor | None = None
        self._seen: list[Any] = []  # the batch's notifications, in order

    def apply_recorded(self, cur: Cursor, notification: Any, event: Any) -> None:
        """Note one stored event; the batch is chained (or checked) at its end."""
        if self._cur is not cur:
            self._cur, self._seen = cur, []
        self._seen.append(notification)

    def finish_batch(self, cur: Cursor) -> None:
        """Chain the batch's events: insert new rows, check replayed ones.

        One tight loop per batch: the digests are computed back to back and
        the rows already kept for the replayed range are read in one query.
        """
        if self._cur is not cur or not self._seen:
            return
        seen, self._cur, self._seen = self._seen, None, []
        head = chain_head(cur)
        kept_to = int(head["position"]) if head else 0
        first = seen[0].id
        kept: dict[int, str] = {}
        if first <= kept_to:
            # Plain tuples from the driver: no dict per row for a read-ahead.
            rows = cur.tuples(
                "SELECT position, digest FROM audit_chain"
                " WHERE position >= ? AND position <= ?",
                (first, seen[-1].id),
            )
            kept = {int(p): d for p, d in rows}
        previous = self._previous(cur, first)
        rows: list[tuple[Any, ...]] = []
        for notification in seen:
            digest = link_digest(previous, notification)
            if notification.id > kept_to:
                rows.append(
                    (
                        notification.id,
                        id_text(notification.originator_id),
                        notification.originator_version,
                        digest,
                    )
                )
            elif kept.get(notification.id) != digest:
                raise ChainBrokenError(
                    f"事件日志与哈希链不符，已停止重建 (tampered log): 位置 "
                    f"{notification.id}，聚合 {notification.originator_id} 版本 "
                    f"{notification.originator_version}；请运行 gxtrack audit verify"
                )
            previous = digest
        if rows:
            cur.executemany(
                "INSERT INTO audit_chain"
                " (position, originator_id, originator_version, digest)"
                " VALUES (?, ?, ?, ?)",
                rows,
            )

    @staticmethod
    def _previous(cur: Cursor, position: int) -> str:
        row = cur.fetchone(
            "SELECT digest FROM audit_chain WHERE position < ?"
            " ORDER BY position DESC LIMIT 1",
            (position,),
        )
        return row["digest"] if row else GENESIS
