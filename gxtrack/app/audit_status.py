"""The audit page's and API's use case: verify the log, then give the current anchor."""

from __future__ import annotations

import json
from typing import Any

from domain.permissions import Actor, require_role
from domain.users import Role
from gxtrack.audit.record import FULL, latest, verify_since_last
from gxtrack.audit.verify import anchor

AUDIT_READERS = {Role.AUDITOR, Role.ADMIN, Role.LEADER}


def audit_status(runtime: Any, actor: Actor) -> dict[str, Any]:
    """Verify the chain (the events since the last verified head) and return
    the verdict, when the last full walk ran, and today's anchor."""
    require_role(actor, AUDIT_READERS, "查看审计校验")
    runtime.wait_for_read_models()
    result, walk = verify_since_last(runtime)
    return {
        "ok": result.ok,
        "walk": walk,
        "last_full": latest(runtime.db, FULL),
        "checked": result.checked,
        "unchained": result.unchained,
        "head_position": result.head_position,
        "head_digest": result.head_digest,
        "problem": result.problem,
        "anchor": anchor(runtime.app, runtime.db),
    }


def anchor_line(runtime: Any, actor: Actor) -> str:
    """Today's anchor as the one JSON line `gxtrack audit anchor` prints."""
    require_role(actor, AUDIT_READERS, "导出锚点")
    runtime.wait_for_read_models()
    return json.dumps(anchor(runtime.app, runtime.db), ensure_ascii=False) + "\n"
