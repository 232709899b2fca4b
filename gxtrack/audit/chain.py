"""The tamper-evident hash chain over the event log.

Each recorded event gets a digest: SHA-256 over the previous event's digest and
the event's position, aggregate id, version, topic and stored state bytes. The
chain follower writes one `audit_chain` row per event, in order, in the same
transaction as the read models (the table itself is made by the versioned
migrations, as it is never rebuilt). A rebuild never drops the chain: replaying
recomputes each digest and compares it with the row already kept, so a rebuild
over a tampered log stops instead of blessing it.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Sequence
from typing import Any

from gxtrack.errors import GxtrackError
from gxtrack.infra.db import Cursor, Database
from gxtrack.infra.ids import id_text

GENESIS = "0" * 64

# The chain's length as last counted, per database: (head position, head
# digest, rows up to it). The chain only grows at its head (the follower
# appends; a rebuild checks kept rows, never rewrites them), so the next count
# adds the rows after that head instead of counting ten million rows again on
# every view of the audit page. A kept head whose row is gone or changed (a
# tampered chain, which `audit verify` reports) is counted afresh. The same
# count is stored (audit_chain_length, store_length()), so a process's first
# view starts from it too: counting ten million rows took 0.75 s.
_lengths: weakref.WeakKeyDictionary[Database, tuple[int, str, int]] = (
    weakref.WeakKeyDictionary()
)

_stored: weakref.WeakKeyDictionary[Database, tuple[int, str, int]] = (
    weakref.WeakKeyDictionary()
)


class ChainBrokenError(GxtrackError):
    """The stored events no longer match the hash chain kept when they were written."""

    status = 409


def state_bytes(state: Any) -> bytes:
    """The stored state as bytes; a hand edit can leave text (or NULL) there."""
    return state.encode() if isinstance(state, str) else bytes(state or b"")


def link_digest(previous: str, notification: Any) -> str:
    """The digest of one stored event chained to the digest before it."""
    return chain_digests(previous, (notification,))[0]


def chain_digests(previous: str, stored: Sequence[Any]) -> list[str]:
    """The digests of a run of stored events in log order, chained from `previous`.

    Each link: SHA-256 over the previous digest (raw bytes), then
    "position|aggregate id|version|topic|length" and a newline, then the state.
    One loop for a whole run: a replay computes a million.
    """
    sha256 = hashlib.sha256
    last = bytes.fromhex(previous)
    digests: list[str] = []
    append = digests.append
    for n in stored:
        state = n.state
        data = state if type(state) is bytes else state_bytes(state)
        sha = sha256(last)
        sha.update(
            f"{n.id}|{id_text(n.originator_id)}|{n.originator_version}|{n.topic}"
            f"|{len(data)}\n".encode()
        )
        sha.update(data)
        last = sha.digest()
        append(last.hex())
    return digests


def chain_head(cur: Cursor) -> dict[str, Any] | None:
    """The newest chain row: {position, digest, …}, or None for an empty chain."""
    return cur.fetchone(
        "SELECT position, originator_id, originator_version, digest"
        " FROM audit_chain ORDER BY position DESC LIMIT 1"
    )


def _stored_length(cur: Cursor) -> tuple[int, str, int] | None:
    row = cur.fetchone(
        "SELECT position, digest, count FROM audit_chain_length WHERE id = 1"
    )
    if row is None:
        return None
    return int(row["position"]), row["digest"], int(row["count"])


def store_length(db: Database) -> None:
    """Keep the length chain_length() last counted, for the next process."""
    kept = _lengths.get(db)
    if kept is None or _stored.get(db) == kept:
        return
    with db.transaction() as cur:
        cur.execute(
            "INSERT INTO audit_chain_length (id, position, digest, count)"
            " VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            " position = excluded.position, digest = excluded.digest,"
            " count = excluded.count",
            kept,
        )
    _stored[db] = kept


def chain_length(cur: Cursor, head: dict[str, Any] | None) -> int:
    """How many rows the chain holds up to `head` (chain_head()'s row)."""
    if head is None:
        return 0
    position, digest = int(head["position"]), head["digest"]
    counted, after = 0, None
    kept = _lengths.get(cur.db) or _stored_length(cur)
    if kept is not None and kept[0] <= position:
        row = cur.fetchone(
            "SELECT digest FROM audit_chain WHERE position = ?", (kept[0],)
        )
        if row is not None and row["digest"] == kept[1]:
            counted, after = kept[2], kept[0]
    if after is None:
        row = cur.fetchone(
            "SELECT COUNT(*) AS n FROM audit_chain WHERE position <= ?", (position,)
        )
    else:
        row = cur.fetchone(
            "SELECT COUNT(*) AS n FROM audit_chain"
            " WHERE position > ? AND position <= ?",
            (after, position),
        )
    counted += int(row["n"]) if row else 0
    _lengths[cur.db] = (position, digest, counted)
    return counted
