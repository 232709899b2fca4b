"""The chain follower: keeps `audit_chain` in step with the event log.

It runs with the read models, in their batch transaction. A rebuild never drops
the chain: replaying recomputes each digest and compares it with the row already
kept, so a rebuild over a tampered log stops instead of blessing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gxtrack.audit.chain import (
    GENESIS,
    ChainBrokenError,
    chain_digests,
    chain_head,
)
from gxtrack.infra.db import Cursor
from gxtrack.infra.ids import id_text
from gxtrack.readmodels.engine.projection import Projection


class ChainProjection(Projection):
    """Keeps `audit_chain` in step with the log; never dropped by a rebuild."""

    name = "audit_chain"
    tables = ()  # a rebuild replays the chain verifying, it does not drop it
    # Its table is made by the versioned migrations (gxtrack.infra.migrations):
    # a kept store, like the credentials, not a read model.
    ddl = ()

    def __init__(self) -> None:
        super().__init__()
        self._cur: Cursor | None = None
        self._seen: Sequence[Any] = ()  # the batch's stored events, in order
        # (position, digest) of the last link this object chained. A digest
        # follows from the log alone, so whichever process chained a position
        # kept this same digest there; see _head().
        self._chained: tuple[int, str] | None = None

    def route(self, event_class: type) -> None:
        """No event is applied one by one: the digest covers the stored bytes,
        so the chain takes the batch's stored events whole and never needs
        them decoded."""
        return None

    def begin_batch(self, cur: Cursor, notifications: Sequence[Any]) -> None:
        """Note the batch's stored events; they are chained (or checked) at its end."""
        self._cur, self._seen = cur, notifications

    def finish_batch(self, cur: Cursor) -> None:
        """Chain the batch's events: insert new rows, check replayed ones.

        One tight loop per batch: the digests are computed back to back and
        compared with the rows already kept for the replayed range in one query.
        """
        if self._cur is not cur or not self._seen:
            return
        seen, self._cur, self._seen = self._seen, None, ()
        kept_to, head_digest = self._head(cur, seen[0].id)
        if kept_to < seen[0].id:  # new events only (as a live batch's are):
            previous = head_digest  # the head is before them
        else:
            previous = self.previous(cur, seen[0].id)
        digests = chain_digests(previous, seen)
        replayed = sum(1 for n in seen if n.id <= kept_to)  # the log is in order
        if replayed:
            self.check(cur, seen[:replayed], digests[:replayed])
        if replayed < len(seen):
            # Chained to the batch's last event: the head, once this commits.
            self._chained = (seen[-1].id, digests[-1])
            cur.executemany(
                "INSERT INTO audit_chain"
                " (position, originator_id, originator_version, digest)"
                " VALUES (?, ?, ?, ?)",
                [
                    (n.id, id_text(n.originator_id), n.originator_version, digest)
                    for n, digest in zip(
                        seen[replayed:], digests[replayed:], strict=True
                    )
                ],
            )

    def _head(self, cur: Cursor, first: int) -> tuple[int, str]:
        """The chain's head (position, digest) before a batch starting at `first`.

        A follower's every batch starts right after the link it chained last:
        then that link is the head, and no query is needed (on PostgreSQL it
        was two of a command's five round trips). That holds whoever kept it:
        had this batch rolled back, the next starts at or before its events,
        and a batch of another process past them makes the next start later.
        """
        chained, self._chained = self._chained, None
        if chained is not None and chained[0] == first - 1:
            return chained
        head = chain_head(cur)
        if head is None:
            return 0, GENESIS
        return int(head["position"]), head["digest"]

    @staticmethod
    def check(cur: Cursor, seen: list[Any], digests: list[str]) -> None:
        """Compare replayed events' digests with the rows kept for them."""
        first, last = seen[0].id, seen[-1].id
        # The kept digests come back as one string, compared with the computed
        # ones in one go: no row objects for the million digests of a replay.
        joined = cur.db.concat_agg("digest", "position")
        count, kept = cur.tuples(
            f"SELECT count(*), {joined} FROM (SELECT position, digest"
            " FROM audit_chain WHERE position >= ? AND position <= ?"
            " ORDER BY position) AS kept",
            (first, last),
        )[0]
        if count == len(digests) and kept == "".join(digests):
            return
        # Slow path, which names the first event that does not match.
        rows = cur.tuples(
            "SELECT position, digest FROM audit_chain"
            " WHERE position >= ? AND position <= ?",
            (first, last),
        )
        by_position = {int(p): d for p, d in rows}
        for n, digest in zip(seen, digests, strict=True):
            if by_position.get(n.id) != digest:
                raise ChainBrokenError(
                    f"事件日志与哈希链不符，已停止重建 (tampered log): 位置 "
                    f"{n.id}，聚合 {n.originator_id} 版本 "
                    f"{n.originator_version}；请运行 gxtrack audit verify"
                )
        if len(by_position) != len(digests):
            raise ChainBrokenError(
                f"事件日志与哈希链不符，已停止重建 (tampered log): 位置 {first}–{last}"
                " 之间有事件被删除；请运行 gxtrack audit verify"
            )

    @staticmethod
    def previous(cur: Cursor, position: int) -> str:
        """The kept digest of the event before `position` (GENESIS for none)."""
        row = cur.fetchone(
            "SELECT digest FROM audit_chain WHERE position < ?"
            " ORDER BY position DESC LIMIT 1",
            (position,),
        )
        return row["digest"] if row else GENESIS
