"""Verifications of the hash chain, kept so the audit page is quick at any size.

A full walk reads every stored event (about 9 s at a million). It runs nightly
(jobs.tasks.daily_audit), with `gxtrack audit verify` and from the audit page's
button (a background run with progress). Viewing the audit page walks only the
events recorded since the last verified head, chained on from its digest, and
at most a bounded number of them, so the first view of a large log answers in
well under a second: each view goes on where the last stopped. It says when
the last full walk ran: an edit to an older event shows up at the next full
walk. After a failed verification views walk from the first event again (a
long log: the failure is shown as recorded), so a broken chain keeps being
reported until it is fixed.
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
PARTIAL = "partial"  # a view's walk stopped at its bound, the rest still to walk
KEPT = "kept"  # a view that walked nothing and shows the recorded failure


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
        f" problem, seconds FROM audit_verifications{where}"
        " ORDER BY verified_at DESC LIMIT 1",
        (kind,) if kind else (),
    )
    if row is not None:
        row["ok"] = bool(row["ok"])
        row["problem"] = json.loads(row["problem"]) if row["problem"] else None
    return row


def verify_full(
    app: Any, db: Database, anchors: Any = (), progress: Any = None
) -> VerifyResult:
    """Walk the whole log of `app` now and keep the verdict."""
    started = time.perf_counter()
    result = verify(app, db, anchors, progress)
    record(db, FULL, result, time.perf_counter() - started)
    return result


def verify_since_last(
    app: Any, db: Database, bound: int | None = None
) -> tuple[VerifyResult, str]:
    """Walk what the last good verification did not cover, at most `bound`
    positions of it, and keep the verdict.

    The walk is "full" (from the first event to the head), "incremental" (from
    the last verified head to the head) or "partial" (stopped at the bound: the
    next view goes on from there). After a failure the walk starts again from
    the first event; a log too long for one bounded view keeps the failure as
    recorded ("kept") until a full walk finds the log whole again.
    """
    last = latest(db)
    head = app.recorder.max_notification_id() or 0
    fresh = last is None or not last["ok"] or not last["head_position"]
    after = 0 if fresh else int(last["head_position"])
    stop = None if bound is None or head - after <= bound else after + bound
    if fresh and last is not None and not last["ok"] and stop is not None:
        return _kept_failure(last), KEPT
    if fresh and stop is None:
        return verify_full(app, db), FULL
    started = time.perf_counter()
    since = None if fresh else (after, last["head_digest"])
    result = verify(app, db, since=since, stop=stop)
    if result.checked or not result.ok:  # a view that found nothing new keeps no row
        record(db, INCREMENTAL, result, time.perf_counter() - started)
    return result, PARTIAL if stop is not None and result.ok else INCREMENTAL


def _kept_failure(last: dict[str, Any]) -> VerifyResult:
    """The recorded failed verdict, as the result of a view that walked nothing."""
    result = VerifyResult(
        head_position=int(last["head_position"]), head_digest=last["head_digest"]
    )
    result.problem = last["problem"] or {
        "kind": "unknown",
        "message": "上次校验未通过",
        "position": None,
        "originator_id": None,
        "originator_version": None,
    }
    return result
