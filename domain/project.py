"""The investment project aggregate (招商项目): one class, a module per concern.

InvestmentProject registers a project and combines the concerns' mixins:
stage moves (project_stages.py), details (project_details.py), milestone nodes
(project_milestones.py), completed investment (project_investment.py), 履约
(project_agreement.py), stall alerts (project_stall.py), 暂缓
(project_exemption.py), 督办 (project_supervision.py) and merging duplicates
(project_merge.py), on the shared stage queries of project_state.py.

Every event is declared here, on the aggregate: the event store holds each
event's topic, `domain.project:InvestmentProject.<Name>`, and decodes by it.
The concern's method that applies an event is declared with `event(...)` in the
table at the end of the class; tests/domain/test_project_topics.py pins the list.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate, event

from domain.agreement import Promises, YearResult
from domain.clock import today as bureau_today
from domain.messages import PROJECT_MERGED
from domain.milestones import NodeRecord
from domain.project_agreement import AgreementCompliance
from domain.project_details import ProjectDetails
from domain.project_exemption import StallExemptions
from domain.project_fields import (
    opening_stage,
    parse_land_area,
    parse_planned_dates,
    parse_priority,
)
from domain.project_investment import CompletedInvestment
from domain.project_merge import DuplicateMerging
from domain.project_milestones import MilestoneNodes
from domain.project_stages import StageMoves
from domain.project_stall import StallAlerts
from domain.project_supervision import ProjectSupervision
from domain.reference import ReferenceData
from domain.rules import business_date, check_all, money, required_text
from domain.stages import Stage
from domain.stall import StallAlert
from domain.stall_judgement import StallExemption
from domain.timeline import StageTimeline


class InvestmentProject(
    StageMoves,
    ProjectDetails,
    MilestoneNodes,
    CompletedInvestment,
    AgreementCompliance,
    StallAlerts,
    StallExemptions,
    ProjectSupervision,
    DuplicateMerging,
    Aggregate,
):
    """An investment project moving from negotiation to production."""

    LABEL = "项目"  # names it in messages such as "项目不存在"
    # 督办单 by id; a class-level empty default, replaced (never mutated) by the
    # supervision events, so projects registered before 督办 existed have none.
    supervisions = MappingProxyType({})  # type: Mapping[str, Supervision]
    # Set by MergedInto (a duplicate registration): the survivor's id and name.
    # Class-level defaults, so projects registered before merging existed have
    # none; `absorbed` is the survivor's side: the duplicates merged into it.
    merged_into: str | None = None
    merged_into_name: str | None = None
    absorbed: tuple[str, ...] = ()

    @staticmethod
    def create_id(source: dict[str, Any] | None = None, **_: Any) -> UUID:
        """A random id; a ledger row's project gets one derived from the file.

        Two imports of the same ledger at once then register the same ids and
        the second save fails as a whole, instead of both writing the projects.
        """
        if source and source.get("sha256") and source.get("row") is not None:
            key = f"{source['sha256']}:{source.get('sheet', '')}:{source['row']}"
            return uuid5(NAMESPACE_URL, f"gxtrack:project:ledger:{key}")
        return uuid4()

    @classmethod
    def register(
        cls,
        *,
        name: str,
        investor: str,
        industry: str,
        zone: str,
        planned_investment: object,
        officer: str,
        actor: str,
        reference: ReferenceData,
        stage: str = Stage.NEGOTIATING.value,
        stage_date: date | None = None,
        priority: str | None = None,
        planned_dates: dict[str, Any] | None = None,
        land_area: object = None,
        enterprise_id: UUID | None = None,
        source: dict[str, Any] | None = None,
        today: date | None = None,
    ) -> InvestmentProject:
        """Register a project in the reserve pool (在谈) or as already signed."""
        today = today or bureau_today()
        checked = check_all(  # every refused field at once, in the form's order
            name=lambda: required_text(name, "name"),
            investor=lambda: required_text(investor, "investor"),
            industry=lambda: reference.resolve("industry", industry),
            zone=lambda: reference.resolve("zone", zone),
            planned_investment=lambda: money(planned_investment),
            priority=lambda: parse_priority(priority),
            officer=lambda: required_text(officer, "officer", 80),
            planned_dates=lambda: parse_planned_dates(planned_dates),
            land_area=lambda: parse_land_area(land_area),
            stage=lambda: opening_stage(stage).value,
            stage_date=lambda: business_date(stage_date or today, today, "stage_date"),
        )
        return cls(**checked, enterprise_id=enterprise_id, actor=actor, source=source)

    @event("Registered")
    def __init__(
        self,
        name: str,
        investor: str,
        industry: str,
        zone: str,
        planned_investment: Decimal,
        priority: str,
        officer: str,
        planned_dates: dict[str, date],
        land_area: Decimal | None,
        enterprise_id: UUID | None,
        stage: str,
        stage_date: date,
        actor: str,
        source: dict[str, Any] | None,
    ) -> None:
        self.name = name
        self.investor = investor
        self.industry = industry
        self.zone = zone
        self.planned_investment = planned_investment
        self.priority = priority
        self.officer = officer
        self.planned_dates = dict(planned_dates)
        self.land_area = land_area
        self.enterprise_id = enterprise_id
        self.timeline = StageTimeline.starting(Stage(stage), stage_date)
        self.last_progress: dict[str, Any] | None = None
        self.progress_count = 0
        self.stall: StallAlert | None = None
        self.milestones: dict[str, NodeRecord] = {}
        self.investment: dict[str, Decimal] = {}
        self.promises: Promises | None = None
        self.results: dict[int, YearResult] = {}
        self.exemption: StallExemption | None = None

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        """Record an event; a merged project records nothing more.

        The one place every command passes: a duplicate merged away is a
        pointer to its survivor, whatever interface the command came from.
        """
        if self.merged_into is not None:
            raise PROJECT_MERGED.error()
        super().trigger_event(event_class, **kwargs)

    # -- the events ----------------------------------------------------------
    # Each applied by its concern's method, declared here so that its class is
    # InvestmentProject.<Name> in domain.project: the topic the store holds.

    _sign = event("Signed")(StageMoves._sign)
    _land = event("Landed")(StageMoves._land)
    _start_production = event("ProductionStarted")(StageMoves._start_production)
    _withdraw = event("Withdrawn")(StageMoves._withdraw)
    _reinstate = event("Reinstated")(StageMoves._reinstate)
    _correct = event("StageCorrected")(StageMoves._correct)
    _redate = event("StageDateCorrected")(StageMoves._redate)
    _merge_into = event("MergedInto")(DuplicateMerging._merge_into)
    _absorb_duplicate = event("DuplicateAbsorbed")(DuplicateMerging._absorb_duplicate)
    _report_progress = event("ProgressReported")(ProjectDetails._report_progress)
    _revise = event("DetailsRevised")(ProjectDetails._revise)
    _reassign = event("OfficerReassigned")(ProjectDetails._reassign)
    _revise_plan = event("PlannedDatesRevised")(ProjectDetails._revise_plan)
    _update_milestone = event("MilestoneUpdated")(MilestoneNodes._update_milestone)
    _report_investment = event("InvestmentReported")(
        CompletedInvestment._report_investment
    )
    _record_promises = event("PromisesRecorded")(AgreementCompliance._record_promises)
    _report_results = event("ResultsReported")(AgreementCompliance._report_results)
    _flag_stall = event("StallFlagged")(StallAlerts._flag_stall)
    _clear_stall = event("StallCleared")(StallAlerts._clear_stall)
    _answer_stall = event("StallAnswered")(StallAlerts._answer_stall)
    _escalate_stall = event("StallEscalated")(StallAlerts._escalate_stall)
    _exempt_stall = event("StallExempted")(StallExemptions._exempt_stall)
    _issue_supervision = event("SupervisionIssued")(
        ProjectSupervision._issue_supervision
    )
    _reply_supervision = event("SupervisionReplied")(
        ProjectSupervision._reply_supervision
    )
    _send_back_supervision = event("SupervisionSentBack")(
        ProjectSupervision._send_back_supervision
    )
    _close_supervision = event("SupervisionClosed")(
        ProjectSupervision._close_supervision
    )
