"""Decision history: every event of an aggregate as a readable, JSON-ready item."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

EVENT_LABELS: dict[str, tuple[str, str]] = {
    "Registered": ("登记", "Registered"),
    "Signed": ("签约", "Signed"),
    "Landed": ("落地（开工）", "Landed"),
    "ProductionStarted": ("投产", "Production started"),
    "Withdrawn": ("终止", "Withdrawn"),
    "Reinstated": ("恢复", "Reinstated"),
    "StageCorrected": ("阶段更正", "Stage corrected"),
    "StageDateCorrected": ("阶段日期更正", "Stage date corrected"),
    "ProgressReported": ("推进情况", "Progress reported"),
    "DetailsRevised": ("信息修改", "Details revised"),
    "OfficerReassigned": ("调整责任人", "Officer reassigned"),
    "PlannedDatesRevised": ("调整计划节点", "Planned dates revised"),
    "StallFlagged": ("停滞预警", "Stall flagged"),
    "StallCleared": ("预警解除", "Stall cleared"),
    "StallAnswered": ("预警回复", "Stall answered"),
    "StallEscalated": ("督办", "Stall escalated"),
    "DesignationAwarded": ("认定称号", "Designation awarded"),
    "DesignationReviewed": ("复核", "Designation reviewed"),
    "DesignationRevoked": ("撤销称号", "Designation revoked"),
    "DesignationExpired": ("称号到期", "Designation expired"),
    "CandidacyListed": ("纳入培育库", "Listed as candidate"),
    "CandidacyWithdrawn": ("移出培育库", "Candidacy withdrawn"),
    "CandidacyPromoted": ("培育对象获认定", "Candidate promoted"),
    "TargetSet": ("设置年度目标", "Target set"),
    "Added": ("新增", "Added"),
    "RoleChanged": ("角色变更", "Role changed"),
    "ContactUpdated": ("联系方式变更", "Contact updated"),
    "Deactivated": ("停用", "Deactivated"),
    "Reactivated": ("启用", "Reactivated"),
    "Created": ("创建", "Created"),
    "EntryAdded": ("新增条目", "Entry added"),
    "EntryRenamed": ("条目改名", "Entry renamed"),
}
STANDARD = {"originator_id", "originator_version", "timestamp", "originator_topic"}
LIFTED = ("actor", "reason", "effective_date")


def plain(value: Any) -> Any:
    """A JSON-ready copy of an event attribute."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    return value


def history_item(event: Any) -> dict[str, Any]:
    """One event as the history API returns it."""
    kind = type(event).__name__
    label, label_en = EVENT_LABELS.get(kind, (kind, kind))
    fields = {k: v for k, v in vars(event).items() if k not in STANDARD}
    effective = (
        fields.get("effective_date")
        or fields.get("stage_date")
        or fields.get("certified_on")
        or fields.get("reviewed_on")
    )
    return {
        "version": event.originator_version,
        "type": kind,
        "label": label,
        "label_en": label_en,
        "recorded_at": event.timestamp.isoformat(),
        "actor": fields.get("actor"),
        "reason": fields.get("reason") or fields.get("note") or None,
        "effective_date": plain(effective),
        "data": {k: plain(v) for k, v in fields.items() if k not in LIFTED},
    }


def history(app: Any, aggregate_id: UUID) -> list[dict[str, Any]]:
    """Every event of one aggregate, in version order."""
    return [history_item(e) for e in app.events.get(aggregate_id)]
