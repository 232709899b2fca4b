"""Decision history made readable: each event's who/when/why and before → after."""

from __future__ import annotations

from typing import Any

from domain.project_fields import PLANNED_KEYS
from domain.reference import ReferenceData
from gxtrack.app.reports.readable import Readable
from web.i18n import N_, priority_label, stage_label
from web.pages.common import person

FIELD_LABELS = {
    "name": N_("项目名称"),
    "investor": N_("投资方"),
    "industry": N_("产业类别"),
    "zone": N_("落户板块"),
    "planned_investment": N_("总投资（万元）"),
    "priority": N_("重点级别"),
    "land_area": N_("用地（亩）"),
    "enterprise_id": N_("关联企业"),
    "officer": N_("责任人"),
    "signed": N_("计划签约"),
    "landed": N_("计划开工"),
    "producing": N_("计划投产"),
    "stage": N_("阶段"),
    "merged_into": N_("已合并至"),
    "absorbed": N_("并入的重复项目"),
}


def _show(field: str, value: Any, ref: ReferenceData) -> str:
    if value in (None, ""):
        return "—"
    if field == "industry":
        return ref.industries.get(value, value)
    if field == "zone":
        return ref.zones.get(value, value)
    if field == "priority":
        return priority_label(value)
    if field == "stage":
        return stage_label(value)
    if field == "officer":
        return person(value)
    return str(value)


def _change(field: str, before: Any, after: Any, ref: ReferenceData) -> dict:
    return {
        "field": FIELD_LABELS.get(field, field),
        "before": _show(field, before, ref),
        "after": _show(field, after, ref),
    }


def changes_of(item: dict[str, Any], ref: ReferenceData) -> list[dict[str, str]]:
    """What one history item changed, as (field, before, after) rows."""
    data = item["data"]
    kind = item["type"]
    if kind == "DetailsRevised":
        return [
            _change(f, pair[0], pair[1], ref)
            for f, pair in (data.get("changes") or {}).items()
        ]
    if kind == "OfficerReassigned":
        return [_change("officer", data.get("before"), data.get("after"), ref)]
    if kind == "PlannedDatesRevised":
        before, after = data.get("before") or {}, data.get("after") or {}
        return [
            _change(k, before.get(k), after.get(k), ref)
            for k in PLANNED_KEYS
            if before.get(k) != after.get(k)
        ]
    if kind == "StageCorrected":
        return [_change("stage", data.get("from_stage"), data.get("to_stage"), ref)]
    if kind == "StageDateCorrected":
        label = f"{stage_label(data.get('stage'))}日期"
        return [
            {
                "field": label,
                "before": data.get("before") or "—",
                "after": item.get("effective_date") or "—",
            }
        ]
    if kind == "Withdrawn":
        return [_change("stage", data.get("from_stage"), "withdrawn", ref)]
    if kind == "Reinstated":
        return [_change("stage", "withdrawn", data.get("to_stage"), ref)]
    return []


def _full(change: dict[str, Any], ref: ReferenceData) -> dict[str, str]:
    """A change from gxtrack.app.history (field code, label, before, after) for display."""
    field = change["field"]
    base = field.split(".")[0]
    if base in ("industry", "zone", "priority", "stage"):
        show = lambda value: _show(base, value, ref)  # noqa: E731 - in the page's language
    else:
        show = lambda value: Readable(ref, person).value(field, value)  # noqa: E731
    return {
        "field": FIELD_LABELS.get(field) or change.get("label") or field,
        "before": show(change.get("before")),
        "after": show(change.get("after")),
    }


def readable(items: list[dict[str, Any]], ref: ReferenceData) -> list[dict]:
    """History items, newest first, each with its changes spelled out (before →
    after for every field the event touched, as gxtrack.app.history computes them)."""
    out = []
    for item in reversed(items):
        if "changes" in item:
            changes = [_full(c, ref) for c in item["changes"]]
        else:
            changes = changes_of(item, ref)
        out.append({**item, "changes": changes})
    return out
