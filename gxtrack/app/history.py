"""Decision history: every event of an aggregate as a readable, JSON-ready item."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from gxtrack.audit.changes import changes_of

EVENT_LABELS: dict[str, tuple[str, str]] = {
    "Registered": ("登记", "Registered"),
    "Signed": ("签约", "Signed"),
    "Landed": ("落地（开工）", "Landed"),
    "ProductionStarted": ("投产", "Production started"),
    "Withdrawn": ("终止", "Withdrawn"),
    "Reinstated": ("恢复", "Reinstated"),
    "StageCorrected": ("阶段更正", "Stage corrected"),
    "StageDateCorrected": ("阶段日期更正", "Stage date corrected"),
    "MergedInto": ("合并至其他项目", "Merged into another project"),
    "DuplicateAbsorbed": ("并入重复项目", "Duplicate merged in"),
    "ProgressReported": ("推进情况", "Progress reported"),
    "DetailsRevised": ("信息修改", "Details revised"),
    "OfficerReassigned": ("调整责任人", "Officer reassigned"),
    "PlannedDatesRevised": ("调整计划节点", "Planned dates revised"),
    "MilestoneUpdated": ("节点更新", "Milestone updated"),
    "InvestmentReported": ("报送完成投资", "Investment reported"),
    "TemplateChanged": ("修改节点模板", "Milestone template changed"),
    "PolicyChanged": ("修改停滞预警规则", "Stall policy changed"),
    "Recorded": ("记录停滞扫描", "Stall scan recorded"),
    "Started": ("开始年度督办编号", "Supervision numbering started"),
    "NumberTaken": ("分配督办编号", "Supervision number taken"),
    "PromisesRecorded": ("协议承诺", "Promises recorded"),
    "ResultsReported": ("报送年度实绩", "Yearly results reported"),
    "InvestmentTargetSet": ("设置工业投资目标", "Investment target set"),
    "StallFlagged": ("停滞预警", "Stall flagged"),
    "StallCleared": ("预警解除", "Stall cleared"),
    "StallAnswered": ("预警回复", "Stall answered"),
    "StallEscalated": ("督办", "Stall escalated"),
    "StallExempted": ("暂缓预警", "Stall exempted"),
    "SupervisionIssued": ("下达督办", "Supervision issued"),
    "SupervisionReplied": ("督办回复", "Supervision replied"),
    "SupervisionSentBack": ("督办退回", "Supervision sent back"),
    "SupervisionClosed": ("督办办结", "Supervision closed"),
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
# Where each kind of event keeps its business date, in order of preference.
EFFECTIVE = ("effective_date", "stage_date", "certified_on", "reviewed_on", "as_of")


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


def history_item(event: Any, state: dict[str, Any] | None = None) -> dict[str, Any]:
    """One event as the history API returns it.

    `state` is what the aggregate's earlier events built up (see
    gxtrack.audit.changes); with it, `changes` lists every field before → after.
    """
    kind = type(event).__name__
    label, label_en = EVENT_LABELS.get(kind, (kind, kind))
    fields = {k: v for k, v in vars(event).items() if k not in STANDARD}
    effective = next((fields[k] for k in EFFECTIVE if fields.get(k) is not None), None)
    return {
        "version": event.originator_version,
        "type": kind,
        "label": label,
        "label_en": label_en,
        "recorded_at": event.timestamp.isoformat(),
        "actor": fields.get("actor"),
        # A 督办's requirement is why it was issued.
        "reason": fields.get("reason")
        or fields.get("note")
        or fields.get("requirement")
        or None,
        "effective_date": plain(effective),
        "data": {k: plain(v) for k, v in fields.items() if k not in LIFTED},
        "changes": plain(changes_of({} if state is None else state, event)),
    }


def history(app: Any, aggregate_id: UUID) -> list[dict[str, Any]]:
    """Every event of one aggregate, in version order (withdrawn, revoked: all)."""
    state: dict[str, Any] = {}
    return [history_item(e, state) for e in app.events.get(aggregate_id)]


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_shown(v)}" for k, v in value.items())
    return str(value)


def describe(item: dict[str, Any]) -> list[str]:
    """A history item as text lines (the CLI's `… history`)."""
    head = (
        f"v{item['version']}  {item['recorded_at'][:19]}  {item['label']} "
        f"({item['label_en']})  生效 {item['effective_date'] or '—'}  "
        f"操作人 {item['actor'] or '—'}"
    )
    lines = [head]
    if item["reason"]:
        lines.append(f"    原因: {item['reason']}")
    for c in item.get("changes", []):
        lines.append(f"    {c['label']}: {_shown(c['before'])} → {_shown(c['after'])}")
    return lines
