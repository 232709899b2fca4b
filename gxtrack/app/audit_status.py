"""The hash chain's use cases: verify the log, keep the verdict, give the anchor."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from domain.permissions import Actor, require_role
from domain.users import Role
from gxtrack.app.base import ServiceBase
from gxtrack.audit.record import FULL, latest, verify_full, verify_since_last
from gxtrack.audit.verify import Progress, VerifyResult, anchor

AUDIT_READERS = {Role.AUDITOR, Role.ADMIN, Role.LEADER}
# Events a view of the audit page walks at most (about 0.1 s): the first view of
# a million-event log answers from there, and each view goes on where the last
# stopped; the whole log is walked by the nightly job or the page's button.
VIEW_WALK = 10000


class ChainAuditService(ServiceBase):
    """Tamper evidence: walks of the event log against its hash chain."""

    def audit_status(self, actor: Actor) -> dict[str, Any]:
        """Verify the chain (the events since the last verified head, at most
        VIEW_WALK of them) and return the verdict, how many events are still to
        walk, when the last full walk ran, and today's anchor."""
        require_role(actor, AUDIT_READERS, "查看审计校验")
        read = self.read_side
        read.wait_for_read_models()
        result, walk = verify_since_last(self, read.db, VIEW_WALK)
        head = self.recorder.max_notification_id() or 0
        return {
            "ok": result.ok,
            "walk": walk,
            "last_full": latest(read.db, FULL),
            "checked": result.checked,
            "unchained": result.unchained,
            "head_position": result.head_position,
            "head_digest": result.head_digest,
            "pending": max(0, head - result.head_position) if result.ok else 0,
            "problem": result.problem,
            "anchor": anchor(self, read.db),
        }

    def anchor_line(self, actor: Actor) -> str:
        """Today's anchor as the one JSON line `gxtrack audit anchor` prints."""
        require_role(actor, AUDIT_READERS, "导出锚点")
        return json.dumps(self.chain_anchor(), ensure_ascii=False) + "\n"

    def chain_anchor(self) -> dict[str, Any]:
        """Today's anchor (the chain head), every event chained first."""
        self.read_side.wait_for_read_models()
        return anchor(self, self.read_side.db)

    def verify_chain(
        self,
        anchors: Sequence[dict[str, Any]] = (),
        progress: Progress | None = None,
    ) -> VerifyResult:
        """Walk the whole log against the chain as it stands and keep the verdict.

        Events not chained yet are counted in `unchained`, not waited for, so the
        operator's `audit verify` shows a lagging follower."""
        return verify_full(self, self.read_side.db, anchors, progress)

    def verify_chain_since_last(self) -> tuple[VerifyResult, str]:
        """Walk only the events after the last good verification's head, chained
        on from its digest, and keep the verdict; returns it and the walk's kind
        ("full" when nothing good was kept). An edit to an older event shows up
        at the next full walk, so `audit verify --since-last` suits a frequent
        check between the nightly full ones: its time grows with the events
        since, not with the log."""
        return verify_since_last(self, self.read_side.db)

    def verify_chain_caught_up(self) -> VerifyResult:
        """The nightly full walk: every event chained first, then verify_chain()."""
        self.read_side.wait_for_read_models()
        return self.verify_chain()
