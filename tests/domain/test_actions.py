"""Which actions an actor may take on a project, per role and stage, and why not."""

from __future__ import annotations

from datetime import date

import pytest

from domain.actions import (
    Action,
    ProjectFacts,
    allowed_actions,
    require_action,
)
from domain.errors import PermissionDeniedError, RuleViolationError
from domain.permissions import Actor
from domain.project import InvestmentProject
from domain.reference import ReferenceData
from domain.stages import Stage
from domain.users import Role

A = Action
OWNER = Actor("owner", Role.OFFICER)
ZONE_OFFICER = Actor("zoned", Role.OFFICER, "wzedz")
OTHER_OFFICER = Actor("other", Role.OFFICER, "mudu")
LEADER = Actor("boss", Role.LEADER)
ADMIN = Actor("root", Role.ADMIN)
VIEWER = Actor("owner", Role.VIEWER)  # read-only even under the owner's name
AUDITOR = Actor("audit", Role.AUDITOR)

OFFICER_OPEN = {
    A.MOVE,
    A.PROGRESS,
    A.PLAN,
    A.WITHDRAW,
    A.EDIT,
    A.MILESTONE,
    A.INVESTMENT,
}
LEADER_OPEN = OFFICER_OPEN | {A.REASSIGN, A.REDATE, A.MERGE}
# What each kind of actor may do in each stage (no stall alert).
EXPECTED = {
    "officer": {
        Stage.NEGOTIATING: OFFICER_OPEN,
        Stage.SIGNED: OFFICER_OPEN,
        Stage.LANDED: OFFICER_OPEN,
        Stage.PRODUCING: OFFICER_OPEN - {A.MOVE},
        Stage.WITHDRAWN: {A.PROGRESS},
    },
    "leader": {
        # Only leaders exempt (暂缓), and only in a stage that can stall.
        Stage.NEGOTIATING: LEADER_OPEN | {A.EXEMPT},
        Stage.SIGNED: LEADER_OPEN | {A.CORRECT, A.EXEMPT},
        Stage.LANDED: LEADER_OPEN | {A.CORRECT, A.EXEMPT},
        Stage.PRODUCING: LEADER_OPEN - {A.MOVE} | {A.CORRECT},
        Stage.WITHDRAWN: {A.PROGRESS, A.REINSTATE, A.MERGE},
    },
}
KINDS = {
    OWNER: "officer",
    ZONE_OFFICER: "officer",
    LEADER: "leader",
    ADMIN: "leader",
    OTHER_OFFICER: None,
    VIEWER: None,
    AUDITOR: None,
}


def facts(stage: Stage, stalled: bool = False, escalated: bool = False):
    return ProjectFacts("owner", "wzedz", stage, stalled, escalated)


@pytest.mark.parametrize("stage", list(Stage))
@pytest.mark.parametrize("actor", list(KINDS), ids=lambda a: f"{a.name}-{a.role}")
def test_actions_per_role_and_stage(actor: Actor, stage: Stage) -> None:
    kind = KINDS[actor]
    expected = EXPECTED[kind][stage] if kind else set()
    assert allowed_actions(actor, facts(stage)) == expected
    for action in Action:
        if action in expected:
            require_action(actor, facts(stage), action)
        else:
            with pytest.raises((PermissionDeniedError, RuleViolationError)):
                require_action(actor, facts(stage), action)


@pytest.mark.parametrize("actor", [OWNER, ZONE_OFFICER, LEADER, ADMIN])
def test_a_stall_alert_is_answered_and_escalated_once_by_leaders(actor) -> None:
    leader = actor.is_leader
    stalled = allowed_actions(actor, facts(Stage.SIGNED, stalled=True))
    assert stalled - allowed_actions(actor, facts(Stage.SIGNED)) == (
        {A.ANSWER, A.ESCALATE} if leader else {A.ANSWER}
    )
    escalated = allowed_actions(actor, facts(Stage.SIGNED, True, escalated=True))
    assert A.ANSWER in escalated and A.ESCALATE not in escalated


@pytest.mark.parametrize("actor", [OTHER_OFFICER, VIEWER, AUDITOR])
def test_no_alert_actions_for_those_who_may_not_change_the_project(actor) -> None:
    assert allowed_actions(actor, facts(Stage.SIGNED, True)) == frozenset()


def test_who_is_refused_before_when() -> None:
    # An officer asking to reinstate a withdrawn project: a role question (403).
    with pytest.raises(PermissionDeniedError):
        require_action(OWNER, facts(Stage.WITHDRAWN), A.REINSTATE)
    with pytest.raises(PermissionDeniedError):
        require_action(OTHER_OFFICER, facts(Stage.NEGOTIATING), A.PROGRESS)
    # A leader asking to edit a withdrawn project: a state question (422).
    with pytest.raises(RuleViolationError, match="已终止"):
        require_action(LEADER, facts(Stage.WITHDRAWN), A.EDIT)
    with pytest.raises(RuleViolationError, match="在谈"):
        require_action(LEADER, facts(Stage.NEGOTIATING), A.CORRECT)


def test_facts_of_a_view_and_of_an_aggregate_agree() -> None:
    project = InvestmentProject.register(
        name="项目",
        investor="投资方",
        industry="robotics",
        zone="wzedz",
        planned_investment="100",
        officer="owner",
        actor="owner",
        reference=ReferenceData.with_defaults(),
        stage="signed",
        stage_date=date(2024, 1, 1),
        today=date(2024, 6, 30),
    )
    expected = ProjectFacts("owner", "wzedz", Stage.SIGNED, False, False)
    assert ProjectFacts.of(project) == expected
    view = {"officer": "owner", "zone": "wzedz", "stage": "signed", "stall": None}
    assert ProjectFacts.of(view) == expected
    flagged = {**view, "stall": {"level": "red", "escalation": None}}
    assert ProjectFacts.of(flagged) == ProjectFacts(
        "owner", "wzedz", Stage.SIGNED, stalled=True, escalated=False
    )
    escalated = {**view, "stall": {"escalation": {"reason": "r", "actor": "boss"}}}
    assert ProjectFacts.of(escalated).escalated is True


def test_a_role_refusal_says_so() -> None:
    with pytest.raises(PermissionDeniedError, match="无权对此项目执行此操作"):
        require_action(VIEWER, facts(Stage.SIGNED), A.PROGRESS)


def test_facts_of_an_escalated_aggregate() -> None:
    from tests.domain.test_project_refusals import escalated, stalled

    assert ProjectFacts.of(stalled()).escalated is False
    facts_now = ProjectFacts.of(escalated())
    assert facts_now.stalled is True and facts_now.escalated is True


@pytest.mark.parametrize(
    ("actor", "stage", "action", "error", "message"),
    [
        (
            VIEWER,
            Stage.SIGNED,
            A.PROGRESS,
            PermissionDeniedError,
            "无权对此项目执行此操作",
        ),
        (
            LEADER,
            Stage.WITHDRAWN,
            A.EDIT,
            RuleViolationError,
            "项目已终止，须先由领导恢复",
        ),
        (
            LEADER,
            Stage.NEGOTIATING,
            A.CORRECT,
            RuleViolationError,
            "项目处于在谈阶段，不能执行此操作",
        ),
    ],
)
def test_refusal_messages(actor, stage, action, error, message) -> None:
    with pytest.raises(error) as caught:
        require_action(actor, facts(stage), action)
    assert caught.value.message == message


@pytest.mark.parametrize("stage", list(Stage))
def test_a_merged_project_allows_nothing_to_anyone(stage: Stage) -> None:
    merged = ProjectFacts("owner", "wzedz", stage, merged=True)
    for actor in (OWNER, LEADER, ADMIN):
        assert allowed_actions(actor, merged) == frozenset()
        with pytest.raises(RuleViolationError):
            require_action(actor, merged, Action.PROGRESS)
    with pytest.raises(PermissionDeniedError):
        require_action(VIEWER, merged, Action.PROGRESS)
