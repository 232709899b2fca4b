"""The project's event topics, pinned: the event store holds them.

A stored event is decoded by its topic, `module:Qualname` of its class. Moving
an event class (or the method that declares it) to another module or class
changes the topic of every event recorded afterwards, and an old store no
longer decodes. The list below was taken from the store's point of view before
the aggregate was split into one module per concern; it changes only with an
upcaster or a registered old topic.
"""

from __future__ import annotations

import inspect
from datetime import date, timedelta
from uuid import uuid4

from eventsourcing.domain import CanMutateAggregate
from eventsourcing.utils import get_topic, resolve_topic

from domain.milestones import MilestoneTemplate
from domain.project import InvestmentProject
from domain.reference import ReferenceData
from domain.stall import StallTerms
from tests.domain.test_project import TODAY, new_project

# Attributes every event has; the rest are the payload the store keeps.
STANDARD = {"self", "originator_id", "originator_version", "timestamp"}
STANDARD |= {"originator_topic"}

PINNED = {
    "domain.project:InvestmentProject.Created": (),
    "domain.project:InvestmentProject.DetailsRevised": ("changes", "reason", "actor"),
    "domain.project:InvestmentProject.DuplicateAbsorbed": (
        "duplicate_id",
        "duplicate_name",
        "reason",
        "actor",
    ),
    "domain.project:InvestmentProject.Event": (),
    "domain.project:InvestmentProject.InvestmentReported": (
        "month",
        "amount",
        "before",
        "note",
        "actor",
        "source",
    ),
    "domain.project:InvestmentProject.Landed": (
        "effective_date",
        "actor",
        "reason",
        "source",
    ),
    "domain.project:InvestmentProject.MergedInto": (
        "survivor_id",
        "survivor_name",
        "reason",
        "actor",
    ),
    "domain.project:InvestmentProject.MilestoneUpdated": (
        "code",
        "changes",
        "reason",
        "actor",
        "source",
    ),
    "domain.project:InvestmentProject.OfficerReassigned": (
        "before",
        "after",
        "reason",
        "actor",
    ),
    "domain.project:InvestmentProject.PlannedDatesRevised": (
        "before",
        "after",
        "reason",
        "actor",
    ),
    "domain.project:InvestmentProject.ProductionStarted": (
        "effective_date",
        "actor",
        "reason",
        "source",
    ),
    "domain.project:InvestmentProject.ProgressReported": (
        "effective_date",
        "note",
        "actor",
        "source",
    ),
    "domain.project:InvestmentProject.PromisesRecorded": ("changes", "reason", "actor"),
    "domain.project:InvestmentProject.Registered": (
        "name",
        "investor",
        "industry",
        "zone",
        "planned_investment",
        "priority",
        "officer",
        "planned_dates",
        "land_area",
        "enterprise_id",
        "stage",
        "stage_date",
        "actor",
        "source",
    ),
    "domain.project:InvestmentProject.Reinstated": (
        "effective_date",
        "reason",
        "actor",
        "to_stage",
    ),
    "domain.project:InvestmentProject.ResultsReported": (
        "year",
        "before",
        "after",
        "note",
        "actor",
    ),
    "domain.project:InvestmentProject.Signed": (
        "effective_date",
        "actor",
        "reason",
        "source",
    ),
    "domain.project:InvestmentProject.StageCorrected": (
        "effective_date",
        "from_stage",
        "to_stage",
        "removed",
        "reason",
        "actor",
    ),
    "domain.project:InvestmentProject.StageDateCorrected": (
        "stage",
        "before",
        "effective_date",
        "reason",
        "actor",
    ),
    "domain.project:InvestmentProject.StallAnswered": (
        "cause",
        "plan",
        "checkpoint",
        "actor",
    ),
    "domain.project:InvestmentProject.StallCleared": (
        "week",
        "as_of",
        "reason",
        "actor",
    ),
    "domain.project:InvestmentProject.StallEscalated": ("reason", "actor"),
    "domain.project:InvestmentProject.StallExempted": (
        "reason",
        "until",
        "granted_on",
        "actor",
    ),
    "domain.project:InvestmentProject.StallFlagged": (
        "level",
        "rule",
        "days_in_stage",
        "threshold",
        "policy_version",
        "week",
        "as_of",
        "actor",
    ),
    "domain.project:InvestmentProject.SupervisionClosed": (
        "supervision_id",
        "note",
        "closed_on",
        "actor",
    ),
    "domain.project:InvestmentProject.SupervisionIssued": (
        "supervision_id",
        "number",
        "requirement",
        "due_on",
        "units",
        "issued_on",
        "actor",
    ),
    "domain.project:InvestmentProject.SupervisionReplied": (
        "supervision_id",
        "note",
        "actor",
    ),
    "domain.project:InvestmentProject.SupervisionSentBack": (
        "supervision_id",
        "reason",
        "actor",
    ),
    "domain.project:InvestmentProject.Withdrawn": (
        "effective_date",
        "reason",
        "actor",
        "from_stage",
        "source",
    ),
}


def event_classes() -> dict[str, type]:
    """Every event class the aggregate defines, by name."""
    return {
        name: value
        for name, value in vars(InvestmentProject).items()
        if isinstance(value, type) and issubclass(value, CanMutateAggregate)
    } | {"Event": InvestmentProject.Event, "Created": InvestmentProject.Created}


def payload_fields(event_class: type) -> tuple[str, ...]:
    parameters = inspect.signature(event_class).parameters
    return tuple(name for name in parameters if name not in STANDARD)


def test_each_event_class_keeps_its_topic_and_payload():
    found = {get_topic(c): payload_fields(c) for c in event_classes().values()}
    assert found == PINNED


def test_each_pinned_topic_decodes_to_the_aggregate_s_event_class():
    for topic in PINNED:
        name = topic.rsplit(".", 1)[1]
        assert resolve_topic(topic) is getattr(InvestmentProject, name)


def every_command() -> list[InvestmentProject]:
    """Projects that between them have recorded every kind of event."""
    template = MilestoneTemplate.with_defaults()
    p = new_project()
    p.move("signed", date(2024, 2, 1), "o", today=TODAY)
    p.report_progress(TODAY, "进展", "o", today=TODAY)
    p.revise({"land_area": "3"}, "调整", "l", ReferenceData.with_defaults())
    p.reassign("o2", "调岗", "l")
    p.revise_plan({"landed": TODAY + timedelta(days=30)}, "计划", "o")
    p.update_milestone(template.node("filing"), {"note": "备案"}, "", "o", TODAY)
    p.report_investment("2024-06", "12.5", "o", today=TODAY)
    p.record_promises({"annual_output": "500"}, "", "o")
    p.report_results(2024, {"output": "20"}, "o", today=TODAY)
    p.review_stall(StallTerms(), date(2025, 6, 30), "2025-W27", "scan")
    p.answer_stall("原因", "计划", TODAY, "o", today=TODAY)
    p.escalate_stall("督办", "l")
    p.exempt_stall("暂缓", TODAY + timedelta(days=60), "l", today=TODAY)
    number = str(uuid4())
    p.issue_supervision(number, "督办〔2024〕1号", "尽快", TODAY, ["发改"], "l", TODAY)
    p.reply_supervision(number, "已办", "o")
    p.send_back_supervision(number, "不够", "l")
    p.close_supervision(number, "办结", "l", today=TODAY)
    p.move("landed", date(2024, 3, 1), "o", today=TODAY)
    p.redate("landed", date(2024, 3, 2), "录错", "l", today=TODAY)
    p.correct("signed", TODAY, "更正", "l", today=TODAY)
    p.move("landed", TODAY, "o", today=TODAY)
    p.move("producing", TODAY, "o", today=TODAY)
    withdrawn = new_project()
    withdrawn.withdraw(TODAY, "撤资", "o", today=TODAY)
    withdrawn.reinstate("恢复", "l", today=TODAY)
    duplicate = new_project()
    duplicate.merge_into(p, "重复登记", "l", today=TODAY)
    return [p, withdrawn, duplicate]


def test_every_recorded_event_carries_a_pinned_topic():
    recorded = {get_topic(type(e)) for p in every_command() for e in p.collect_events()}
    # Every kind of event is recorded by the commands above, each under its pin.
    abstract = {
        get_topic(InvestmentProject.Event),
        get_topic(InvestmentProject.Created),
    }
    assert recorded == set(PINNED) - abstract


def test_the_events_alone_rebuild_each_project_as_its_commands_left_it():
    # A concern's method changing state without being declared an event would
    # be lost here: the store keeps only the events.
    for project in every_command():
        replayed = None
        for e in project.collect_events():
            replayed = e.mutate(replayed)
        assert type(replayed) is InvestmentProject
        assert state(replayed) == state(project)


def state(project: InvestmentProject) -> dict[str, object]:
    return {k: v for k, v in vars(project).items() if k != "_pending_events"}
