"""Verifications of the hash chain, kept so the audit page is quick at any size.

A full walk reads every stored event (about 9 s at a million). It runs nightly
(jobs.tasks.daily_audit) and with `gxtrack audit verify`. Viewing the audit page
then walks only the events recorded since the last verified head, chained on
from its digest, and says when the last full walk ran: an edit to an older event
shows up at the next full walk. After a failed verification every view walks
the whole log again, so a broken chain keeps being reported until it is fixed.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from gxtrack.audit.verify import VerifyResult, verify
from gxtrack.infra.db import Database

FULL = "full"
INCREMENTAL = "incremental"


def record(db: Database, kind: str, result: VerifyResult, seconds: float) -> None:
    """Keep one verification's verdict."""
    with db.transaction() as cur:
        cur.execute(
            "INSERT INTO audit_verifications (verified_at, kind, ok, checked,"
            " head_position, head_digest, problem, seconds)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                datetime.now(UTC).isoformat(),
                kind,
                1 if result.ok else 0,
                result.checked,
                result.head_position,
                result.head_digest,
                json.dumps(result.problem, ensure_ascii=False)
                if result.problem
                else None,
                seconds,
            ),
        )


def latest(db: Database, kind: str | None = None) -> dict[str, Any] | None:
    """The newest verification (of `kind`, if given), or None."""
    where = " WHERE kind = ?" if kind else ""
    row = db.fetchone(
        "SELECT verified_at, kind, ok, checked, head_position, head_digest,"
        f" seconds FROM audit_verifications{where}"
        " ORDER BY verified_at DESC LIMIT 1",
        (kind,) if kind else (),
    )
    if row is not None:
        row["ok"] = bool(row["ok"])
    return row


def verify_full(
    app: Any, db: Database, anchors: Any = (), progress: Any = None
) -> VerifyResult:
    """Walk the whole log of `app` now and keep the verdict."""
    started = time.perf_counter()
    result = verify(app, db, anchors, progress)
    record(db, FULL, result, time.perf_counter() - started)
    return result


def verify_since_last(app: Any, db: Database) -> tuple[VerifyResult, str]:
    """Walk what the last good verification did not cover (all of it if none)."""
    last = latest(db)
    if last is None or not last["ok"] or not last["head_position"]:
        return verify_full(app, db), FULL
    started = time.perf_counter()
    result = verify(
        app,
        db,
        since=(int(last["head_position"]), last["head_digest"]),
    )
    if result.checked or not result.ok:  # a view that found nothing new keeps no row
        record(db, INCREMENTAL, result, time.perf_counter() - started)
    return result, INCREMENTAL
