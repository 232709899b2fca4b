"""What each event changed, as field before → after, by folding an aggregate's events.

Most events carry only the new value (a stage move names the stage entered, not the
one left), so the before side comes from the state the earlier events built up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.agreement import PROMISE_LABELS, RESULT_LABELS
from domain.milestones import DEFAULT_NODES
from domain.stages import STAGE_LABELS, Stage

FIELD_LABELS: dict[str, str] = {
    "name": "项目名称",
    "investor": "投资方",
    "industry": "产业类别",
    "zone": "落户板块",
    "planned_investment": "总投资（万元）",
    "priority": "重点级别",
    "officer": "责任人",
    "land_area": "用地亩数",
    "enterprise_id": "关联企业",
    "stage": "阶段",
    "progress": "推进情况",
    "stall": "停滞预警",
    "stall_answer": "预警回复",
    "stall_escalation": "督办",
    "stall_exemption": "暂缓预警",
    "uscc": "统一社会信用代码",
    "designation": "称号",
    "expires_on": "有效期至",
    "revoked_on": "撤销日期",
    "status": "状态",
    "merged_into": "已合并至",
    "absorbed": "并入的重复项目",
}
NODE_FIELD_LABELS = {
    "planned_on": "计划日期",
    "done_on": "完成日期",
    "unit": "责任单位",
    "note": "备注",
}
NODE_NAMES = {code: name for code, name, _stage in DEFAULT_NODES}
PLANNED = {"signed": "计划签约", "landed": "计划开工", "producing": "计划投产"}
STAGE_DATE = {s.value: f"{label}日期" for s, label in STAGE_LABELS.items()}
Change = dict[str, Any]
State = dict[str, Any]


def label_of(field: str) -> str:
    """The Chinese name of a changed field, e.g. `stage_dates.signed` → 签约日期."""
    head, _, tail = field.partition(".")
    if head == "stage_dates":
        return STAGE_DATE.get(tail, field)
    if head == "planned_dates":
        return PLANNED.get(tail, field)
    if head == "designations":
        return f"称号记录 {tail}"
    if head == "milestones":
        code, _, part = tail.partition(".")
        return f"{NODE_NAMES.get(code, code)}{NODE_FIELD_LABELS.get(part, part)}"
    if head == "investment":
        return f"{tail} 完成投资（万元）"
    if head == "promises":
        return f"承诺{PROMISE_LABELS.get(tail, tail)}"
    if head == "results":
        year, _, part = tail.partition(".")
        return f"{year}年{RESULT_LABELS.get(part, part)}"
    return FIELD_LABELS.get(field, field)


def change(field: str, before: Any, after: Any) -> Change:
    """One field change; `label` is the field's Chinese name."""
    return {"field": field, "label": label_of(field), "before": before, "after": after}


def _set(state: State, key: str, after: Any) -> list[Change]:
    before = state.get(key)
    state[key] = after
    return [] if before == after else [change(key, before, after)]


def _enter(state: State, stage: str, day: Any) -> list[Change]:
    dates = state.setdefault("stage_dates", {})
    out = _set(state, "stage", stage)
    out.append(change(f"stage_dates.{stage}", dates.get(stage), day))
    dates[stage] = day
    return out


def _registered(state: State, e: Any) -> list[Change]:
    if hasattr(e, "uscc"):  # an enterprise
        keys = ("uscc", "name", "industry", "zone")
        return [c for k in keys for c in _set(state, k, getattr(e, k))]
    keys = ("name", "investor", "industry", "zone", "planned_investment")
    out = [
        c for k in (*keys, "priority", "officer") for c in _set(state, k, getattr(e, k))
    ]
    out += _enter(state, e.stage, e.stage_date)
    for key, day in (e.planned_dates or {}).items():
        out.append(change(f"planned_dates.{key}", None, day))
    state["planned_dates"] = dict(e.planned_dates or {})
    return out


def _move(stage: str) -> Callable[[State, Any], list[Change]]:
    return lambda state, e: _enter(state, stage, e.effective_date)


def _withdrawn(state: State, e: Any) -> list[Change]:
    return _enter(state, Stage.WITHDRAWN.value, e.effective_date)


def _reinstated(state: State, e: Any) -> list[Change]:
    dates = state.setdefault("stage_dates", {})
    out = _set(state, "stage", e.to_stage)
    out.append(change("stage_dates.withdrawn", dates.pop("withdrawn", None), None))
    return out


def _corrected(state: State, e: Any) -> list[Change]:
    dates = state.setdefault("stage_dates", {})
    out = _set(state, "stage", e.to_stage)
    for stage, day in e.removed.items():
        dates.pop(stage, None)
        out.append(change(f"stage_dates.{stage}", day, None))
    return out


def _redated(state: State, e: Any) -> list[Change]:
    state.setdefault("stage_dates", {})[e.stage] = e.effective_date
    return [change(f"stage_dates.{e.stage}", e.before, e.effective_date)]


def _revised(state: State, e: Any) -> list[Change]:
    out = []
    for field, (before, after) in e.changes.items():
        state[field] = after
        out.append(change(field, before, after))
    return out


def _reassigned(state: State, e: Any) -> list[Change]:
    state["officer"] = e.after
    return [change("officer", e.before, e.after)]


def _replanned(state: State, e: Any) -> list[Change]:
    state["planned_dates"] = dict(e.after)
    keys = [k for k in PLANNED if k in e.before or k in e.after]
    return [
        change(f"planned_dates.{k}", e.before.get(k), e.after.get(k))
        for k in keys
        if e.before.get(k) != e.after.get(k)
    ]


def _progress(state: State, e: Any) -> list[Change]:
    return _set(state, "progress", e.note)


def _stall_flagged(state: State, e: Any) -> list[Change]:
    return _set(state, "stall", e.level)


def _stall_cleared(state: State, e: Any) -> list[Change]:
    return _set(state, "stall", None)


def _stall_answered(state: State, e: Any) -> list[Change]:
    return [change("stall_answer", None, {"cause": e.cause, "plan": e.plan})]


def _stall_escalated(state: State, e: Any) -> list[Change]:
    return [change("stall_escalation", None, e.reason)]


def _stall_exempted(state: State, e: Any) -> list[Change]:
    return [change("stall_exemption", None, {"until": e.until, "reason": e.reason})]


def _award(state: State, e: Any) -> list[Change]:
    awards = state.setdefault("designations", {})
    awards[e.award_id] = {"designation": e.designation, "status": "valid"}
    after = {
        "designation": e.designation,
        "certified_on": e.certified_on,
        "expires_on": e.expires_on,
    }
    return [change(f"designations.{e.award_id}", None, after)]


def _reviewed(state: State, e: Any) -> list[Change]:
    return [change(f"designations.{e.award_id}.expires_on", e.before, e.after)]


def _status(status: str) -> Callable[[State, Any], list[Change]]:
    def apply(state: State, e: Any) -> list[Change]:
        award = state.setdefault("designations", {}).setdefault(e.award_id, {})
        before = award.get("status", "valid")
        award["status"] = status
        return [change(f"designations.{e.award_id}.status", before, status)]

    return apply


def _milestone(state: State, e: Any) -> list[Change]:
    return [
        change(f"milestones.{e.code}.{field}", before, after)
        for field, (before, after) in e.changes.items()
    ]


def _promises(state: State, e: Any) -> list[Change]:
    return [
        change(f"promises.{field}", before, after)
        for field, (before, after) in e.changes.items()
    ]


def _results(state: State, e: Any) -> list[Change]:
    before = e.before or {}
    return [
        change(f"results.{e.year}.{field}", before.get(field), after)
        for field, after in e.after.items()
        if before.get(field) != after
    ]


def _investment(state: State, e: Any) -> list[Change]:
    return [change(f"investment.{e.month}", e.before, e.amount)]


def _merged(state: State, e: Any) -> list[Change]:
    return [change("merged_into", None, f"《{e.survivor_name}》")]


def _absorbed(state: State, e: Any) -> list[Change]:
    return [change("absorbed", None, f"《{e.duplicate_name}》")]


FOLDS: dict[str, Callable[[State, Any], list[Change]]] = {
    "Registered": _registered,
    "Signed": _move(Stage.SIGNED.value),
    "Landed": _move(Stage.LANDED.value),
    "ProductionStarted": _move(Stage.PRODUCING.value),
    "Withdrawn": _withdrawn,
    "Reinstated": _reinstated,
    "StageCorrected": _corrected,
    "StageDateCorrected": _redated,
    "DetailsRevised": _revised,
    "OfficerReassigned": _reassigned,
    "PlannedDatesRevised": _replanned,
    "ProgressReported": _progress,
    "StallFlagged": _stall_flagged,
    "StallCleared": _stall_cleared,
    "StallAnswered": _stall_answered,
    "StallEscalated": _stall_escalated,
    "MilestoneUpdated": _milestone,
    "InvestmentReported": _investment,
    "PromisesRecorded": _promises,
    "ResultsReported": _results,
    "StallExempted": _stall_exempted,
    "MergedInto": _merged,
    "DuplicateAbsorbed": _absorbed,
    "DesignationAwarded": _award,
    "DesignationReviewed": _reviewed,
    "DesignationRevoked": _status("revoked"),
    "DesignationExpired": _status("expired"),
}


def changes_of(state: State, event: Any) -> list[Change]:
    """The changes `event` makes to `state` (which it updates); [] when unknown."""
    fold = FOLDS.get(type(event).__name__)
    if fold is None:
        return []
    try:
        return fold(state, event)
    except (AttributeError, KeyError, TypeError, ValueError):
        # An event shape this module does not know yet: show it without changes
        # rather than hide it from the auditor.
        return []
