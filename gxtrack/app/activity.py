"""The activity log use case: who decided what, when and why, across the system."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.clock import BUREAU_TZ
from domain.errors import RuleViolationError
from domain.permissions import Actor, require_role
from domain.users import Role
from gxtrack.app.base import ServiceBase
from gxtrack.app.history import EVENT_LABELS
from gxtrack.app.people import People
from gxtrack.readmodels.activity.queries import ActivityFilter, activity_page
from gxtrack.readmodels.users.queries import all_users

READERS = {Role.AUDITOR, Role.LEADER, Role.ADMIN}
EXPORT_LIMIT = 100_000  # rows in one .xlsx: a year of a busy bureau
KIND_LABELS = {
    "project": "项目",
    "enterprise": "企业",
    "user": "用户",
    "policy": "预警规则",
    "reference": "基础数据",
    "targets": "年度目标",
    "scan": "停滞扫描",
    "numbers": "督办编号",
}


def event_label(kind: str) -> str:
    """An event type's Chinese name (the history's labels)."""
    return EVENT_LABELS.get(kind, (kind, kind))[0]


def beijing_time(recorded_at: str) -> str:
    """A recorded UTC instant as Beijing wall time to the second."""
    return (
        datetime.fromisoformat(recorded_at)
        .astimezone(BUREAU_TZ)
        .strftime("%Y-%m-%d %H:%M:%S")
    )


def activity_filter(
    actor: str | None = None,
    type: str | None = None,
    kind: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> ActivityFilter:
    """The filter, refused when its date range is backwards."""
    if since and until and since > until:
        raise RuleViolationError("开始日期不能晚于结束日期", "from")
    return ActivityFilter(actor or None, type or None, kind or None, since, until)


class ActivityService(ServiceBase):
    """Auditors, leaders and admins read every decision."""

    def activity(
        self, actor: Actor, f: ActivityFilter, page: int = 1, page_size: int = 50
    ) -> dict[str, Any]:
        """One page of decisions, newest first, with labels and display names."""
        require_role(actor, READERS, "查看操作记录")
        db = self.read_side.db
        found = activity_page(db, f, page, page_size)
        people = People({u["name"]: u["display_name"] for u in all_users(db)})
        found["items"] = [self._item(row, people) for row in found["items"]]
        return found

    def activity_export(self, actor: Actor, f: ActivityFilter) -> list[dict[str, Any]]:
        """Every decision matching `f` (up to EXPORT_LIMIT), newest first."""
        return self.activity(actor, f, 1, EXPORT_LIMIT)["items"]

    @staticmethod
    def _item(row: dict[str, Any], people: People) -> dict[str, Any]:
        return {
            "recorded_at": row["recorded_at"],
            "recorded_local": beijing_time(row["recorded_at"]),
            "actor": row["actor"],
            "actor_name": people(row["actor"]),
            "type": row["type"],
            "label": event_label(row["type"]),
            "kind": row["kind"],
            "kind_label": KIND_LABELS.get(row["kind"], row["kind"]),
            "id": row["id"],
            "name": row["name"] or "",
            "reason": row["reason"],
        }
