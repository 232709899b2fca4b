"""Milestone nodes (节点) between the stages: the versioned template and the rules.

The template lists the nodes every project carries, in order, each belonging to
a stage; the admin edits it and every change is a version, like the stall
policy. Two nodes are stage gates: 开工 is the 落地 stage's and 投产 the 投产
stage's. A gate node has no dates of its own: its done date is the stage's date
in the project's timeline and its planned date the stage's planned date, so the
node and the stage are one fact and cannot disagree.

A node is overdue when its planned date is before the day asked and it is not
done; the weekly scan flags that as a stall rule of its own (`node_overdue`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import DomainError, RuleViolationError
from domain.rules import TEXT_MAX, optional_text, required_text
from domain.stages import FORWARD, RANKS, Stage
from domain.stall import LEVELS, RED_FACTOR, StallTerms, StallVerdict

TEMPLATE_ID = uuid5(NAMESPACE_URL, "gxtrack:milestone-template")
NODE_RULE = "node_overdue"
NODE_STAGES = tuple(stage.value for stage in FORWARD)
# The gate node of each stage that has one, and back.
GATES = {"groundbreaking": Stage.LANDED, "production": Stage.PRODUCING}
GATE_OF_STAGE = {stage.value: code for code, stage in GATES.items()}
# Each gate's stage and its rank (the plan's key, and what the stage is compared to).
_GATE_RANKS = tuple((stage.value, stage.rank) for stage in GATES.values())
NODE_FIELDS = ("planned_on", "done_on", "unit", "note")
UNIT_MAX = 100

# The provincial 项目全周期 systems' nodes, in order, with the stage each is done in.
DEFAULT_NODES = (
    ("filing", "立项备案", "signed"),
    ("land", "土地摘牌（或厂房租赁）", "signed"),
    ("energy_review", "能评", "signed"),
    ("env_review", "环评", "signed"),
    ("planning_permit", "规划许可", "signed"),
    ("construction_permit", "施工许可", "signed"),
    ("groundbreaking", "开工", "landed"),
    ("statistics", "入库纳统", "landed"),
    ("structure_done", "主体竣工", "landed"),
    ("equipment", "设备进场", "landed"),
    ("production", "投产", "producing"),
    ("full_capacity", "达产", "producing"),
    ("above_scale", "上规", "producing"),
)


class UnknownNodeError(DomainError):
    """No node with this code in the template (a missing resource: 404)."""

    status = 404

    def __init__(self, code: str) -> None:
        self.message = f"节点不存在: {code}"
        super().__init__(self.message)


@dataclass(frozen=True)
class Node:
    """One node of the template: its code, Chinese name and stage."""

    code: str
    name: str
    stage: str

    @property
    def gate(self) -> Stage | None:
        """The stage this node opens, if it is a gate."""
        return GATES.get(self.code)

    def as_dict(self) -> dict[str, Any]:
        """Plain data as the API lists it."""
        return {"code": self.code, "name": self.name, "stage": self.stage}


@dataclass(frozen=True)
class NodeRecord:
    """What a project recorded for one node: dates, responsible unit, note."""

    planned_on: date | None = None
    done_on: date | None = None
    unit: str = ""
    note: str = ""

    def changed(self, changes: Mapping[str, Any]) -> NodeRecord:
        """The record with `changes` (field → after) applied."""
        return replace(self, **{k: v for k, v in changes.items() if k in NODE_FIELDS})


def is_overdue(planned_on: date | None, done_on: date | None, today: date) -> bool:
    """Planned before `today` and not done by then.

    A past day is judged with the dates known now: a node done after that day
    was still open on it.
    """
    return (
        planned_on is not None
        and (done_on is None or done_on > today)
        and planned_on < today
    )


def node_dates(
    node: Node,
    record: NodeRecord,
    stage_dates: Mapping[str, date],
    planned_dates: Mapping[str, date],
) -> tuple[date | None, date | None]:
    """(planned_on, done_on) of a node; a gate's come from the stage."""
    gate = node.gate
    if gate is None:
        return record.planned_on, record.done_on
    return planned_dates.get(gate.value), stage_dates.get(gate.value)


def project_nodes(
    nodes: Sequence[Node],
    records: Mapping[str, NodeRecord],
    stage_dates: Mapping[str, date],
    planned_dates: Mapping[str, date],
    today: date,
) -> list[dict[str, Any]]:
    """Every template node of a project with its dates and whether it is overdue."""
    items = []
    for node in nodes:
        record = records.get(node.code, NodeRecord())
        planned, done = node_dates(node, record, stage_dates, planned_dates)
        items.append(
            {
                **node.as_dict(),
                "gate": node.gate is not None,
                "planned_on": planned,
                "done_on": done,
                "unit": record.unit,
                "note": record.note,
                "overdue": is_overdue(planned, done, today),
            }
        )
    return items


def gate_dates(
    stage: str, planned_dates: Mapping[str, date | None]
) -> list[tuple[date | None, date | None]]:
    """(planned_on, done_on) of the gate nodes from the stage and the plan alone.

    A gate is done once the project has reached its stage; the done date
    itself does not matter to the node rule, so the planned date stands in.
    """
    rank = RANKS[stage]
    return [
        (planned_dates.get(gate_stage), None)
        if rank < gate_rank
        else (None, planned_dates.get(gate_stage))
        for gate_stage, gate_rank in _GATE_RANKS
    ]


def node_verdict(
    stage: str,
    dates: Iterable[tuple[date | None, date | None]],
    as_of: date,
    terms: StallTerms | None = None,
) -> StallVerdict | None:
    """The node rule: None, or a verdict naming the most overdue node's days late.

    Yellow from the first day a node is overdue; red once it is more than
    twice the policy's overdue grace late, as the plan rule. A withdrawn
    project has no overdue nodes.
    """
    if stage == Stage.WITHDRAWN.value:
        return None
    terms = terms or StallTerms()
    late = 0  # days: an overdue node is at least one day late
    for planned, done in dates:
        if is_overdue(planned, done, as_of):
            days = (as_of - planned).days  # type: ignore[operator]
            if days > late:
                late = days
    if late <= 0:
        return None
    level = "red" if late > RED_FACTOR * terms.overdue_days else "yellow"
    return StallVerdict(level, NODE_RULE, late, 0)


def strongest(*verdicts: StallVerdict | None) -> StallVerdict | None:
    """The most severe verdict; at equal level the first named."""
    found = [v for v in verdicts if v is not None]
    if len(found) < 2:
        return found[0] if found else None
    return max(found, key=lambda v: LEVELS.index(v.level))


# -- the template -------------------------------------------------------------


def parse_nodes(items: Iterable[Mapping[str, Any]]) -> tuple[Node, ...]:
    """A template's nodes, checked: unique codes, known stages, gates kept."""
    nodes: list[Node] = []
    for i, item in enumerate(items):
        code = required_text(item.get("code"), f"nodes.{i}.code", 40).lower()
        if not code.isascii() or not code.replace("_", "").isalnum():
            raise RuleViolationError(
                "代码只能包含字母、数字和下划线", f"nodes.{i}.code"
            )
        if any(n.code == code for n in nodes):
            raise RuleViolationError(f"节点代码重复: {code}", f"nodes.{i}.code")
        stage = str(item.get("stage") or "")
        if stage not in NODE_STAGES:
            raise RuleViolationError(f"未知阶段: {stage}", f"nodes.{i}.stage")
        gate = GATES.get(code)
        if gate is not None and stage != gate.value:
            raise RuleViolationError(
                f"{code} 是{gate.label}阶段的关口节点，所属阶段不能改",
                f"nodes.{i}.stage",
            )
        nodes.append(
            Node(code, required_text(item.get("name"), f"nodes.{i}.name", 60), stage)
        )
    missing = [code for code in GATES if all(n.code != code for n in nodes)]
    if missing:
        raise RuleViolationError(f"关口节点不能删除: {', '.join(missing)}", "nodes")
    return tuple(nodes)


class MilestoneTemplate(Aggregate):
    """The node template in force; its version is the template version."""

    @staticmethod
    def create_id() -> UUID:
        """One template per store."""
        return TEMPLATE_ID

    @event("Created")
    def __init__(self, nodes: list[dict[str, str]]) -> None:
        self.nodes = tuple(Node(**n) for n in nodes)

    @classmethod
    def with_defaults(cls) -> MilestoneTemplate:
        """The default nodes."""
        return cls(
            nodes=[{"code": c, "name": n, "stage": s} for c, n, s in DEFAULT_NODES]
        )

    def node(self, code: str) -> Node:
        """The node with this code, or UnknownNodeError."""
        for node in self.nodes:
            if node.code == code:
                return node
        raise UnknownNodeError(code)

    def change(
        self, nodes: Iterable[Mapping[str, Any]], actor: str, reason: str = ""
    ) -> None:
        """Replace the node list (order, names, stages; add or drop non-gate nodes)."""
        after = parse_nodes(nodes)
        if after == self.nodes:
            raise RuleViolationError("节点模板没有变化")
        self._change(
            before=[n.as_dict() for n in self.nodes],
            nodes=[n.as_dict() for n in after],
            reason=optional_text(reason, "reason", TEXT_MAX),
            actor=actor,
        )

    @event("TemplateChanged")
    def _change(
        self,
        before: list[dict[str, str]],
        nodes: list[dict[str, str]],
        reason: str,
        actor: str,
    ) -> None:
        self.nodes = tuple(Node(**n) for n in nodes)


def node_changes(
    record: NodeRecord, given: Mapping[str, Any], today: date, earliest: date
) -> dict[str, list[Any]]:
    """The fields `given` changes on a non-gate node, each [before, after], checked."""
    clean: dict[str, Any] = {}
    for field, value in given.items():
        if field in ("planned_on", "done_on"):
            if value is not None and not isinstance(value, date):
                raise RuleViolationError("日期格式错误（应为 YYYY-MM-DD）", field)
            clean[field] = value
        elif field == "unit":
            clean[field] = optional_text(value, "unit", UNIT_MAX)
        elif field == "note":
            clean[field] = optional_text(value, "note", TEXT_MAX)
    done = clean.get("done_on")
    if done is not None:
        check_done_on(done, today, earliest)
    return {
        field: [getattr(record, field), value]
        for field, value in clean.items()
        if getattr(record, field) != value
    }


def check_done_on(done: date, today: date, earliest: date) -> None:
    """A done date is not in the future and not before the project's first stage."""
    if done > today:
        raise RuleViolationError(
            f"完成日期不能晚于今天 {today.isoformat()}",
            "done_on",
        )
    if done < earliest:
        raise RuleViolationError(
            f"完成日期不能早于项目最早的阶段日期 {earliest.isoformat()}", "done_on"
        )
