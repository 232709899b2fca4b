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
from gxtrack.projections.base import Projection


class ChainProjection(Projection):
    """Keeps `audit_chain` in step with the log; never dropped by a rebuild."""

    name = "audit_chain"
    tables = ()  # a rebuild replays the chain verifying, it does not drop it
    ddl = (CHAIN_DDL,)

    def __init__(self) -> None:
        super().__init__()
        # (cursor, highest kept position, digest of the last event applied)
        self._batch: tuple[Cursor, int, str] | None = None
        self._window: dict[int, str] = {}  # kept digests read ahead when replaying
        self._pending: list[tuple[int, str, int, str]] = []  # rows to insert

    def apply_recorded(self, cur: Cursor, notification: Any, event: Any) -> None:
        """Chain one stored event (or, when replaying, check it against its row)."""
        if self._batch is None or self._batch[0] is not cur:
            head = chain_head(cur)
            kept = int(head["position"]) if head else 0
            self._batch = (cur, kept, self._previous(cur, notification.id))
            self._window, self._pending = {}, []
        _, kept, previous = self._batch
        digest = link_digest(previous, notification)
        if notification.id > kept:
            self._pending.append(
                (
                    notification.id,
                    str(notification.originator_id),
                    notification.originator_version,
                    digest,
                )
            )
        else:
            self._check(cur, notification, digest)
        self._batch = (cur, kept, digest)

    def finish_batch(self, cur: Cursor) -> None:
        """Insert the batch's chain rows in one statement."""
        if self._batch is not None and self._batch[0] is cur and self._pending:
            cur.executemany(
                "INSERT INTO audit_chain"
                " (position, originator_id, originator_version, digest)"
                " VALUES (?, ?, ?, ?)",
                self._pending,
            )
        self._pending = []

    @staticmethod
    def _previous(cur: Cursor, position: int) -> str:
        row = cur.fetchone(
            "SELECT digest FROM audit_chain WHERE position < ?"
            " ORDER BY position DESC LIMIT 1",
            (position,),
        )
        return row["digest"] if row else GENESIS

    def _check(self, cur: Cursor, notification: Any, digest: str) -> None:
        if notification.id not in self._window:
            # Plain tuples from the driver: no dict per row for a read-ahead.
            cur.execute(
                "SELECT position, digest FROM audit_chain WHERE position >= ?"
                " ORDER BY position LIMIT 5000",
                (notification.id,),
            )
            self._window = {int(p): d for p, d in cur.raw.fetchall()}
        if self._window.get(notification.id) != digest:
            raise ChainBrokenError(
                f"事件日志与哈希链不符，已停止重建 (tampered log): 位置 "
                f"{notification.id}，聚合 {notification.originator_id} 版本 "
                f"{notification.originator_version}；请运行 gxtrack audit verify"
            )
