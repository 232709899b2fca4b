"""Which actions an actor may take on a project now: pages offer these, use cases
refuse the rest.

An action is allowed when the actor's role allows it on this project (who) and
the project's state allows it (when): a withdrawn project is frozen except for
progress notes and, for leaders, reinstatement and merging; a project merged
into another (a duplicate) allows nothing; a stall alert is answered, and
escalated once per flag.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any

from domain.errors import PermissionDeniedError, RuleViolationError
from domain.messages import PROJECT_MERGED
from domain.permissions import Actor, can_change_project
from domain.stages import Stage


class Action(StrEnum):
    """A command on one project; the value names it in page forms and URLs."""

    MOVE = "move"
    CORRECT = "correct"
    WITHDRAW = "withdraw"
    PROGRESS = "progress"
    REINSTATE = "reinstate"
    REASSIGN = "reassign"
    PLAN = "plan"
    REDATE = "redate"
    EDIT = "edit"
    ANSWER = "answer"
    ESCALATE = "escalate"
    MILESTONE = "milestone"
    INVESTMENT = "investment"
    EXEMPT = "exempt"
    MERGE = "merge"


# Who: what an officer may do on a project they may change; leaders may do more.
CHANGER_ACTIONS = frozenset(
    {
        Action.MOVE,
        Action.WITHDRAW,
        Action.PROGRESS,
        Action.PLAN,
        Action.EDIT,
        Action.ANSWER,
        Action.MILESTONE,
        Action.INVESTMENT,
    }
)
LEADER_ACTIONS = CHANGER_ACTIONS | {
    Action.CORRECT,
    Action.REINSTATE,
    Action.REASSIGN,
    Action.REDATE,
    Action.ESCALATE,
    Action.EXEMPT,
    Action.MERGE,
}
# When: a withdrawn project is frozen until a leader reinstates it.
WITHDRAWN_ACTIONS = frozenset({Action.PROGRESS, Action.REINSTATE, Action.MERGE})
OPEN_ACTIONS = frozenset(
    {
        Action.PROGRESS,
        Action.PLAN,
        Action.WITHDRAW,
        Action.EDIT,
        Action.REASSIGN,
        Action.REDATE,
        Action.MILESTONE,
        Action.INVESTMENT,
        Action.MERGE,
    }
)


@dataclass(frozen=True)
class ProjectFacts:
    """What the rules need to know about a project: owner, zone, stage, alert."""

    officer: str
    zone: str
    stage: Stage
    stalled: bool = False
    escalated: bool = False
    merged: bool = False

    @classmethod
    def of(cls, project: Any) -> ProjectFacts:
        """The facts of a project aggregate or of its plain-data view."""
        get = project.get if isinstance(project, Mapping) else partial(getattr, project)
        # A view's `stall` is the day's judgement; its `alert` (when given) is
        # the recorded alert that answers and escalations act on.
        if isinstance(project, Mapping) and "alert" in project:
            stall = project["alert"]
        else:
            stall = get("stall")
        if isinstance(stall, Mapping):
            escalation = stall.get("escalation")
        else:
            escalation = getattr(stall, "escalation", None)
        return cls(
            officer=get("officer"),
            zone=get("zone"),
            stage=Stage(get("stage")),
            stalled=stall is not None,
            escalated=escalation is not None,
            merged=get("merged_into") is not None,
        )


def role_actions(actor: Actor, facts: ProjectFacts) -> frozenset[Action]:
    """What the actor's role allows on this project, in any state."""
    if not can_change_project(actor, facts.officer, facts.zone):
        return frozenset()
    return LEADER_ACTIONS if actor.is_leader else CHANGER_ACTIONS


def state_actions(facts: ProjectFacts) -> frozenset[Action]:
    """What the project's state allows, whoever asks."""
    if facts.merged:  # a pointer to the project it duplicated
        return frozenset()
    if facts.stage is Stage.WITHDRAWN:
        actions = set(WITHDRAWN_ACTIONS)
    else:
        actions = set(OPEN_ACTIONS)
        if facts.stage.next() is not None:  # a stage that can stall
            actions |= {Action.MOVE, Action.EXEMPT}
        if facts.stage.rank > 0:
            actions.add(Action.CORRECT)
    if facts.stalled:
        actions.add(Action.ANSWER)
        if not facts.escalated:
            actions.add(Action.ESCALATE)
    return frozenset(actions)


def allowed_actions(actor: Actor, facts: ProjectFacts) -> frozenset[Action]:
    """The actions this actor may take on this project now."""
    return role_actions(actor, facts) & state_actions(facts)


def require_action(actor: Actor, facts: ProjectFacts, action: Action) -> None:
    """Refuse an action `allowed_actions` does not offer: who, then when."""
    if action not in role_actions(actor, facts):
        raise PermissionDeniedError("无权对此项目执行此操作")
    if facts.merged:
        raise PROJECT_MERGED.error()
    if action not in state_actions(facts):
        if facts.stage is Stage.WITHDRAWN:
            raise RuleViolationError("项目已终止，须先由领导恢复")
        raise RuleViolationError(f"项目处于{facts.stage.label}阶段，不能执行此操作")
