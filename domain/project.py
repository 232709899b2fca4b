"""The investment project aggregate (招商项目) and its stage rules.

Stages move forward one step at a time (在谈 → 签约 → 落地 → 投产), each on a
business date that is not in the future and not before the previous stage's date.
A backward move is a correction and needs a reason; so does withdrawal (终止). A
withdrawn project is frozen until a leader reinstates it. Who may correct or
reinstate is the service's concern; what a correction may do is decided here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, replace
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate, event

from domain.agreement import (
    Promises,
    YearResult,
    parse_promises,
    parse_results,
    result_year,
)
from domain.clock import today as bureau_today
from domain.duplicates import check_merge
from domain.errors import RuleViolationError
from domain.investment import parse_amount, parse_month
from domain.messages import NOTHING_CHANGED, PROJECT_MERGED
from domain.milestones import (
    GATES,
    Node,
    NodeRecord,
    check_done_on,
    node_changes,
)
from domain.project_fields import (
    clean_revision,
    opening_stage,
    parse_land_area,
    parse_planned_dates,
    parse_priority,
    parse_stage,
)
from domain.reference import ReferenceData
from domain.rules import (
    TEXT_MAX,
    business_date,
    check_all,
    money,
    optional_text,
    required_text,
)
from domain.stages import FORWARD, Stage
from domain.stall import (
    STALLABLE_STAGES,
    StallAlert,
    StallAnswer,
    StallEscalation,
    StallTerms,
    StallVerdict,
    iso_week,
    stall_change,
)
from domain.stall_judgement import StallExemption, exemption_until, judge_on
from domain.supervision import Supervision, issue_fields, reply_note
from domain.timeline import StageTimeline

# Only stages that can stall can be exempted from stalling.
EXEMPTABLE_STAGES = frozenset(s.value for s in STALLABLE_STAGES)


class InvestmentProject(Aggregate):
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

    # -- queries -----------------------------------------------------------

    @property
    def stage(self) -> Stage:
        """The current stage."""
        return self.timeline.current

    @property
    def stage_dates(self) -> Mapping[str, date]:
        """Each stage reached, by code, on its date (read-only)."""
        return self.timeline.stage_dates

    @property
    def stage_date(self) -> date:
        """The effective date of the current stage."""
        return self.stage_dates[self.stage.value]

    @property
    def withdrawn_from(self) -> Stage | None:
        """The stage a withdrawn project left (and returns to if reinstated)."""
        return self.timeline.withdrawn_from

    @property
    def is_withdrawn(self) -> bool:
        """Whether the project has exited (终止)."""
        return self.stage is Stage.WITHDRAWN

    def is_backward(self, to: str | Stage) -> bool:
        """Whether moving to `to` would be a correction (a backward move)."""
        target = parse_stage(to)
        return (
            not self.is_withdrawn
            and target in FORWARD
            and target.rank < self.stage.rank
        )

    @property
    def is_merged(self) -> bool:
        """Whether the project was merged into another (a duplicate registration)."""
        return self.merged_into is not None

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        """Record an event; a merged project records nothing more.

        The one place every command passes: a duplicate merged away is a
        pointer to its survivor, whatever interface the command came from.
        """
        if self.merged_into is not None:
            raise PROJECT_MERGED.error()
        super().trigger_event(event_class, **kwargs)

    # -- stage moves ---------------------------------------------------------

    def move(
        self,
        to: str | Stage,
        on: date,
        actor: str,
        reason: str = "",
        today: date | None = None,
        source: dict[str, Any] | None = None,
    ) -> None:
        """Move to stage `to` on business date `on`: forward, withdraw or correct."""
        target = parse_stage(to)
        self._check_not_withdrawn()
        if target is Stage.WITHDRAWN:
            self.withdraw(on, reason, actor, today, source)
        elif self.is_backward(target):
            self.correct(target, on, reason, actor, today)
        elif target is self.stage:
            raise RuleViolationError(f"项目已处于{target.label}阶段", "to")
        elif target is not self.stage.next():
            expected = self.stage.next()
            hint = f"，下一阶段应为{expected.label}" if expected else ""
            raise RuleViolationError(f"不能跳过阶段{hint}", "to")
        else:
            self._advance(target, on, actor, reason, today, source)

    def _advance(
        self,
        target: Stage,
        on: date,
        actor: str,
        reason: str,
        today: date | None,
        source: dict[str, Any] | None,
    ) -> None:
        day = business_date(on, today or bureau_today(), "date", self.stage_date)
        note = optional_text(reason, "reason", TEXT_MAX)
        step = {
            Stage.SIGNED: self._sign,
            Stage.LANDED: self._land,
            Stage.PRODUCING: self._start_production,
        }[target]
        step(effective_date=day, actor=actor, reason=note, source=source)
        self._clear_stall_on_move(day, actor)

    @event("Signed")
    def _sign(
        self, effective_date: date, actor: str, reason: str, source: dict | None
    ) -> None:
        self.timeline = self.timeline.enter(Stage.SIGNED, effective_date)

    @event("Landed")
    def _land(
        self, effective_date: date, actor: str, reason: str, source: dict | None
    ) -> None:
        self.timeline = self.timeline.enter(Stage.LANDED, effective_date)

    @event("ProductionStarted")
    def _start_production(
        self, effective_date: date, actor: str, reason: str, source: dict | None
    ) -> None:
        self.timeline = self.timeline.enter(Stage.PRODUCING, effective_date)

    def withdraw(
        self,
        on: date,
        reason: str,
        actor: str,
        today: date | None = None,
        source: dict[str, Any] | None = None,
    ) -> None:
        """Exit the project (终止); a reason is required."""
        self._check_not_withdrawn()
        day = business_date(on, today or bureau_today(), "date", self.stage_date)
        self._withdraw(
            effective_date=day,
            reason=required_text(reason, "reason", TEXT_MAX),
            actor=actor,
            from_stage=self.stage.value,
            source=source,
        )
        self._clear_stall_on_move(day, actor)

    @event("Withdrawn")
    def _withdraw(
        self,
        effective_date: date,
        reason: str,
        actor: str,
        from_stage: str,
        source: dict | None,
    ) -> None:
        # from_stage is the timeline's last stage: withdrawn_from reads it there.
        self.timeline = self.timeline.withdraw(effective_date)

    def reinstate(
        self, reason: str, actor: str, on: date | None = None, today: date | None = None
    ) -> None:
        """Bring a withdrawn project back to the stage it left (leaders only)."""
        left = self.withdrawn_from  # None unless withdrawn
        if left is None:
            raise RuleViolationError("只有已终止的项目可以恢复", "to")
        today = today or bureau_today()
        self._reinstate(
            effective_date=business_date(on or today, today, "date", self.stage_date),
            reason=required_text(reason, "reason", TEXT_MAX),
            actor=actor,
            to_stage=left.value,
        )

    @event("Reinstated")
    def _reinstate(
        self, effective_date: date, reason: str, actor: str, to_stage: str
    ) -> None:
        self.timeline = self.timeline.reinstate(Stage(to_stage), effective_date)

    def correct(
        self,
        to: str | Stage,
        on: date,
        reason: str,
        actor: str,
        today: date | None = None,
    ) -> None:
        """Move back to an earlier stage (a correction); a reason is required."""
        target = parse_stage(to)
        self._check_not_withdrawn()
        if not self.is_backward(target):
            raise RuleViolationError("更正只能退回到更早的阶段", "to")
        if target.value not in self.stage_dates:
            raise RuleViolationError(f"项目从未处于{target.label}阶段", "to")
        removed = {
            stage.value: self.stage_dates[stage.value]
            for stage in FORWARD[target.rank + 1 :]
            if stage.value in self.stage_dates
        }
        day = business_date(on, today or bureau_today(), "date")
        self._correct(
            effective_date=day,
            from_stage=self.stage.value,
            to_stage=target.value,
            removed=removed,
            reason=required_text(reason, "reason", TEXT_MAX),
            actor=actor,
        )
        self._clear_stall_on_move(day, actor)

    @event("StageCorrected")
    def _correct(
        self,
        effective_date: date,
        from_stage: str,
        to_stage: str,
        removed: dict[str, date],
        reason: str,
        actor: str,
    ) -> None:
        # `removed` are the stage dates after to_stage: cutting the timeline
        # back to where to_stage was last entered forgets exactly those.
        self.timeline = self.timeline.back_to(Stage(to_stage))

    def redate(
        self,
        stage: str | Stage,
        on: date,
        reason: str,
        actor: str,
        today: date | None = None,
    ) -> None:
        """Correct the recorded date of a stage already reached (a back-dated fix)."""
        target = parse_stage(stage, "stage")
        if target.value not in self.stage_dates:
            raise RuleViolationError(f"项目尚未到达{target.label}阶段", "stage")
        # The stage's date is where its interval in the timeline begins: it
        # stays between the stage entered before and the one entered after
        # (a withdrawal later undone included).
        before, after = self.timeline.bounds(target)
        day = business_date(on, today or bureau_today(), "date", before)
        if after is not None and day > after:
            raise RuleViolationError(
                f"日期不能晚于下一阶段日期 {after.isoformat()}", "date"
            )
        self._redate(
            stage=target.value,
            before=self.stage_dates[target.value],
            effective_date=day,
            reason=required_text(reason, "reason", TEXT_MAX),
            actor=actor,
        )

    @event("StageDateCorrected")
    def _redate(
        self, stage: str, before: date, effective_date: date, reason: str, actor: str
    ) -> None:
        self.timeline = self.timeline.redate(Stage(stage), effective_date)

    def _check_not_withdrawn(self) -> None:
        if self.is_withdrawn:
            raise RuleViolationError("项目已终止，须先由领导恢复", "to")

    # -- duplicates (梳理整合, rules in domain/duplicates.py) -----------------

    def merge_into(
        self,
        survivor: InvestmentProject,
        reason: str,
        actor: str,
        today: date | None = None,
    ) -> None:
        """Merge this duplicate registration into `survivor`: records on both.

        Each keeps its own facts: this one's history stays under it, readable,
        and it leaves the pool; its open stall alert ends with it. Who may is
        the service's rule (leaders).
        """
        check_merge(self, survivor)
        note = required_text(reason, "reason", TEXT_MAX)
        if self.stall is not None:
            day = today or bureau_today()
            self._clear_stall(
                week=iso_week(day),
                as_of=day,
                reason=f"已合并至《{survivor.name}》",
                actor=actor,
            )
        self._merge_into(
            survivor_id=str(survivor.id),
            survivor_name=survivor.name,
            reason=note,
            actor=actor,
        )
        survivor._absorb_duplicate(
            duplicate_id=str(self.id),
            duplicate_name=self.name,
            reason=note,
            actor=actor,
        )

    @event("MergedInto")
    def _merge_into(
        self, survivor_id: str, survivor_name: str, reason: str, actor: str
    ) -> None:
        self.merged_into = survivor_id
        self.merged_into_name = survivor_name

    @event("DuplicateAbsorbed")
    def _absorb_duplicate(
        self, duplicate_id: str, duplicate_name: str, reason: str, actor: str
    ) -> None:
        self.absorbed = (*self.absorbed, duplicate_id)

    # -- details -----------------------------------------------------------

    def report_progress(
        self,
        on: date,
        note: str,
        actor: str,
        today: date | None = None,
        source: dict[str, Any] | None = None,
    ) -> None:
        """Record a progress note (推进情况) dated `on`."""
        self._report_progress(
            effective_date=business_date(on, today or bureau_today(), "date"),
            note=required_text(note, "note", TEXT_MAX),
            actor=actor,
            source=source,
        )

    @event("ProgressReported")
    def _report_progress(
        self,
        effective_date: date,
        note: str,
        actor: str,
        source: dict | None = None,  # default: events recorded before it existed
    ) -> None:
        self.last_progress = {"date": effective_date, "note": note}
        self.progress_count += 1

    def revise(
        self,
        changes: dict[str, Any],
        reason: str,
        actor: str,
        reference: ReferenceData,
    ) -> None:
        """Revise the project's details; the event keeps each field before → after."""
        clean = clean_revision(changes, reference)
        diff = {
            field: [getattr(self, field), value]
            for field, value in clean.items()
            if getattr(self, field) != value
        }
        if not diff:
            raise NOTHING_CHANGED.error()
        self._revise(
            changes=diff, reason=required_text(reason, "reason", TEXT_MAX), actor=actor
        )

    @event("DetailsRevised")
    def _revise(self, changes: dict[str, list[Any]], reason: str, actor: str) -> None:
        for field, (_before, after) in changes.items():
            setattr(self, field, after)

    def reassign(self, officer: str, reason: str, actor: str) -> None:
        """Hand the project to another responsible officer (责任人)."""
        officer = required_text(officer, "officer", 80)
        if officer == self.officer:
            raise RuleViolationError("责任人没有变化", "officer")
        self._reassign(
            before=self.officer,
            after=officer,
            reason=optional_text(reason, "reason"),
            actor=actor,
        )

    @event("OfficerReassigned")
    def _reassign(self, before: str, after: str, reason: str, actor: str) -> None:
        self.officer = after

    def revise_plan(
        self, planned_dates: dict[str, Any], reason: str, actor: str
    ) -> None:
        """Set new planned dates (计划签约/开工/投产) for the coming stages."""
        after = parse_planned_dates({**self.planned_dates, **planned_dates})
        if after == self.planned_dates:
            raise RuleViolationError("计划日期没有变化", "planned_dates")
        self._revise_plan(
            before=dict(self.planned_dates),
            after=after,
            reason=optional_text(reason, "reason"),
            actor=actor,
        )

    @event("PlannedDatesRevised")
    def _revise_plan(
        self,
        before: dict[str, date],
        after: dict[str, date],
        reason: str,
        actor: str,
    ) -> None:
        self.planned_dates = dict(after)

    # -- milestone nodes and completed investment (节点、完成投资) ---------------

    @property
    def earliest_date(self) -> date:
        """The earliest stage date: no node is done before it."""
        return min(self.stage_dates.values())

    def update_milestone(
        self,
        node: Node,
        given: Mapping[str, Any],
        reason: str,
        actor: str,
        today: date | None = None,
        source: dict[str, Any] | None = None,
    ) -> None:
        """Change a node's planned or done date, unit or note.

        A gate node's dates are its stage's: a done date moves the project into
        the stage (or re-dates it), a planned date revises the stage's plan.
        """
        today = today or bureau_today()
        rest = dict(given)
        moved = (
            self._update_gate(node, rest, reason, actor, today) if node.gate else False
        )
        changes = node_changes(
            self.milestones.get(node.code, NodeRecord()),
            rest,
            today,
            self.earliest_date,
        )
        if not changes:
            if moved:
                return
            raise RuleViolationError("节点信息没有变化")
        self._update_milestone(
            code=node.code,
            changes=changes,
            reason=optional_text(reason, "reason", TEXT_MAX),
            actor=actor,
            source=source,
        )

    def _update_gate(
        self, node: Node, given: dict[str, Any], reason: str, actor: str, today: date
    ) -> bool:
        # Pops the dates from `given`: they are the stage's, not the node's.
        stage = node.gate
        assert stage is not None
        changed = False
        if "planned_on" in given:
            planned = given.pop("planned_on")
            if self.planned_dates.get(stage.value) != planned:
                self.revise_plan({stage.value: planned}, reason, actor)
                changed = True
        if "done_on" not in given:
            return changed
        done = given.pop("done_on")
        current = self.stage_dates.get(stage.value)
        if done == current:
            return changed
        if done is None:
            raise RuleViolationError(
                f"{node.name}即{stage.label}阶段：撤销请更正阶段",
                "done_on",
            )
        check_done_on(done, today, self.earliest_date)
        try:
            if current is None:
                self.move(stage, done, actor, reason, today)
            else:
                self.redate(stage, done, reason, actor, today)
        except RuleViolationError as error:
            field = "done_on" if error.field in ("to", "date") else error.field
            raise RuleViolationError(error.message, field) from None
        return True

    def node_dates(self) -> list[tuple[date | None, date | None]]:
        """(planned_on, done_on) of every node recorded, the gates from the stages."""
        dates = [
            (r.planned_on, r.done_on)
            for code, r in self.milestones.items()
            if code not in GATES
        ]
        for gate in GATES.values():
            dates.append(
                (self.planned_dates.get(gate.value), self.stage_dates.get(gate.value))
            )
        return dates

    @event("MilestoneUpdated")
    def _update_milestone(
        self,
        code: str,
        changes: dict[str, list[Any]],
        reason: str,
        actor: str,
        source: dict | None = None,
    ) -> None:
        after = {field: value for field, (_before, value) in changes.items()}
        self.milestones[code] = self.milestones.get(code, NodeRecord()).changed(after)

    def report_investment(
        self,
        month: object,
        amount: object,
        actor: str,
        note: str = "",
        today: date | None = None,
        source: dict[str, Any] | None = None,
    ) -> None:
        """Report a month's completed investment; a month again is a correction."""
        month = parse_month(month, today or bureau_today())
        figure = parse_amount(amount)
        before = self.investment.get(month)
        if before == figure:
            raise RuleViolationError("该月完成投资没有变化", "amount")
        self._report_investment(
            month=month,
            amount=figure,
            before=before,
            note=optional_text(note, "note", TEXT_MAX),
            actor=actor,
            source=source,
        )

    @event("InvestmentReported")
    def _report_investment(
        self,
        month: str,
        amount: Decimal,
        before: Decimal | None,
        note: str,
        actor: str,
        source: dict | None,
    ) -> None:
        self.investment[month] = amount

    # -- 履约: the agreement's promises and the yearly actuals ---------------

    def record_promises(
        self, given: Mapping[str, Any], reason: str, actor: str
    ) -> None:
        """Record or change the agreement's promises (at or after signing)."""
        if self.stage in (Stage.NEGOTIATING, Stage.WITHDRAWN):
            raise RuleViolationError("签约后才能录入协议承诺", "_schema")
        current = self.promises or Promises()
        changes = {
            field: [getattr(current, field), value]
            for field, value in parse_promises(given).items()
            if getattr(current, field) != value
        }
        if not changes:
            raise RuleViolationError("协议承诺没有变化")
        self._record_promises(
            changes=changes, reason=optional_text(reason, "reason"), actor=actor
        )

    @event("PromisesRecorded")
    def _record_promises(
        self, changes: dict[str, list[Any]], reason: str, actor: str
    ) -> None:
        after = {field: value for field, (_before, value) in changes.items()}
        self.promises = replace(self.promises or Promises(), **after)

    def report_results(
        self,
        year: object,
        given: Mapping[str, Any],
        actor: str,
        note: str = "",
        today: date | None = None,
    ) -> None:
        """Report a year's actuals (产值, 税收, 实际投资); again corrects them."""
        day = result_year(year, today or bureau_today(), self.stage_dates.get("signed"))
        before = self.results.get(day)
        after = replace(before or YearResult(), **parse_results(given))
        if after == before:
            raise RuleViolationError("该年度实绩没有变化")
        self._report_results(
            year=day,
            before=asdict(before) if before else None,
            after=asdict(after),
            note=optional_text(note, "note"),
            actor=actor,
        )

    @event("ResultsReported")
    def _report_results(
        self,
        year: int,
        before: dict[str, Any] | None,
        after: dict[str, Any],
        note: str,
        actor: str,
    ) -> None:
        self.results[year] = YearResult(**after)

    # -- stall alerts (停滞预警) ---------------------------------------------

    def review_stall(
        self, terms: StallTerms, as_of: date, week: str, actor: str
    ) -> str | None:
        """Flag a new or escalated stall, or clear an ended one; returns which."""
        verdict = judge_on(
            self.stage.value,
            self.stage_date,
            self.planned_dates,
            as_of,
            terms,
            self.exemption.until if self.exemption else None,
            self.node_dates(),
        )
        change = stall_change(self.stall.level if self.stall else None, verdict)
        if change == "flag" and verdict is not None:
            self._flag_stall(
                **verdict.as_dict(),
                policy_version=terms.version,
                week=week,
                as_of=as_of,
                actor=actor,
            )
        elif change == "clear":
            self._clear_stall(
                week=week, as_of=as_of, reason="不再满足停滞条件", actor=actor
            )
        return change

    @classmethod
    def stall_event(
        cls,
        project_id: UUID | str,
        version: int,
        facts: dict[str, Any],
        terms: StallTerms,
        as_of: date,
        week: str,
        actor: str,
    ) -> Any:
        """The event `review_stall` would record, from the project's facts at
        `version` (stage, stage_date, planned_dates, stall_level and
        exempt_until, if any), or None.

        It lets a scan judge a read-model copy without loading the aggregate;
        saving it fails (IntegrityError) if the project has moved past `version`.
        """
        verdict = judge_on(
            facts["stage"],
            facts["stage_date"],
            facts["planned_dates"],
            as_of,
            terms,
            facts.get("exempt_until"),
            facts.get("node_dates", ()),
        )
        change = stall_change(facts["stall_level"], verdict)
        if change is None:
            return None
        common = {
            "originator_id": UUID(str(project_id)),
            "originator_version": version + 1,
            "timestamp": cls.StallFlagged.create_timestamp(),
            "week": week,
            "as_of": as_of,
            "actor": actor,
        }
        if change == "flag" and verdict is not None:
            return cls.StallFlagged(
                **common, **verdict.as_dict(), policy_version=terms.version
            )
        return cls.StallCleared(**common, reason="不再满足停滞条件")

    @event("StallFlagged")
    def _flag_stall(
        self,
        level: str,
        rule: str,
        days_in_stage: int,
        threshold: int,
        policy_version: int,
        week: str,
        as_of: date,
        actor: str,
    ) -> None:
        verdict = StallVerdict(level, rule, days_in_stage, threshold)
        self.stall = StallAlert.flagged(
            self.stall, verdict, policy_version, week, as_of
        )

    @event("StallCleared")
    def _clear_stall(self, week: str, as_of: date, reason: str, actor: str) -> None:
        self.stall = None

    def _clear_stall_on_move(self, day: date, actor: str) -> None:
        # A stage change ends the stall it was flagged for, in the same save;
        # the next scan judges the new stage afresh.
        if self.stall is not None:
            self._clear_stall(
                week=iso_week(day),
                as_of=day,
                reason=f"阶段已变更为{self.stage.label}",
                actor=actor,
            )

    def exempt_stall(
        self, reason: str, until: date, actor: str, today: date | None = None
    ) -> None:
        """Exempt the project from stall alerts (暂缓) until a date; clears its alert."""
        today = today or bureau_today()
        if self.stage.value not in EXEMPTABLE_STAGES:
            raise RuleViolationError(f"{self.stage.label}阶段的项目不会停滞，无需暂缓")
        self._exempt_stall(
            reason=required_text(reason, "reason", TEXT_MAX),
            until=exemption_until(until, today),
            granted_on=today,
            actor=actor,
        )
        if self.stall is not None:
            self._clear_stall(
                week=iso_week(today),
                as_of=today,
                reason=f"暂缓至 {until.isoformat()}",
                actor=actor,
            )

    @event("StallExempted")
    def _exempt_stall(
        self, reason: str, until: date, granted_on: date, actor: str
    ) -> None:
        self.exemption = StallExemption(reason, until, actor, granted_on)

    def _check_stalled(self) -> StallAlert:
        if self.stall is None:
            raise RuleViolationError("项目当前没有停滞预警")
        return self.stall

    def answer_stall(
        self,
        cause: str,
        plan: str,
        checkpoint: date,
        actor: str,
        today: date | None = None,
    ) -> None:
        """Answer the alert: cause, action plan and the next checkpoint date."""
        self._check_stalled()
        today = today or bureau_today()
        if not isinstance(checkpoint, date):
            raise RuleViolationError("日期格式应为 YYYY-MM-DD", "checkpoint")
        if checkpoint < today:
            raise RuleViolationError(
                f"下一检查节点不能早于今天 {today.isoformat()}", "checkpoint"
            )
        self._answer_stall(
            cause=required_text(cause, "cause", TEXT_MAX),
            plan=required_text(plan, "plan", TEXT_MAX),
            checkpoint=checkpoint,
            actor=actor,
        )

    @event("StallAnswered")
    def _answer_stall(
        self, cause: str, plan: str, checkpoint: date, actor: str
    ) -> None:
        assert self.stall is not None  # answer_stall checked it
        self.stall = self.stall.answered(StallAnswer(cause, plan, checkpoint, actor))

    def escalate_stall(self, reason: str, actor: str) -> None:
        """Escalate the alert (督办); once per flag."""
        if self._check_stalled().is_escalated:
            raise RuleViolationError("该预警已督办")
        self._escalate_stall(
            reason=required_text(reason, "reason", TEXT_MAX), actor=actor
        )

    @event("StallEscalated")
    def _escalate_stall(self, reason: str, actor: str) -> None:
        assert self.stall is not None  # escalate_stall checked it
        self.stall = self.stall.escalated(StallEscalation(reason, actor))

    # -- supervision (督办, rules in domain/supervision.py) ------------------

    def supervision(self, supervision_id: str) -> Supervision:
        """One of the project's 督办单, or a RuleViolationError."""
        found = self.supervisions.get(str(supervision_id))
        if found is None:
            raise RuleViolationError("督办不存在", "id")
        return found

    def issue_supervision(
        self,
        supervision_id: UUID,
        number: str,
        requirement: str,
        due_on: date,
        units: Iterable[str] | None,
        actor: str,
        today: date | None = None,
    ) -> None:
        """Issue a numbered 督办单 on this project (who may is the service's rule)."""
        self._check_not_withdrawn()
        today = today or bureau_today()
        self._issue_supervision(
            supervision_id=str(supervision_id),
            number=number,
            **issue_fields(requirement, due_on, units, today),
            issued_on=today,
            actor=actor,
        )

    @event("SupervisionIssued")
    def _issue_supervision(
        self,
        supervision_id: str,
        number: str,
        requirement: str,
        due_on: date,
        units: list[str],
        issued_on: date,
        actor: str,
    ) -> None:
        issued = Supervision(
            supervision_id, number, requirement, due_on, tuple(units), actor, issued_on
        )
        self.supervisions = {**self.supervisions, supervision_id: issued}

    def reply_supervision(self, supervision_id: str, note: str, actor: str) -> None:
        """The officer's reply: what was done."""
        self.supervision(supervision_id).check_reply()
        self._reply_supervision(
            supervision_id=str(supervision_id), note=reply_note(note), actor=actor
        )

    @event("SupervisionReplied")
    def _reply_supervision(self, supervision_id: str, note: str, actor: str) -> None:
        replied = self.supervisions[supervision_id].replied(note, actor)
        self.supervisions = {**self.supervisions, supervision_id: replied}

    def send_back_supervision(
        self, supervision_id: str, reason: str, actor: str
    ) -> None:
        """A leader sends the reply back: the officer replies again."""
        self.supervision(supervision_id).check_send_back()
        self._send_back_supervision(
            supervision_id=str(supervision_id),
            reason=required_text(reason, "note", TEXT_MAX),
            actor=actor,
        )

    @event("SupervisionSentBack")
    def _send_back_supervision(
        self, supervision_id: str, reason: str, actor: str
    ) -> None:
        returned = self.supervisions[supervision_id].sent_back()
        self.supervisions = {**self.supervisions, supervision_id: returned}

    def close_supervision(
        self, supervision_id: str, note: str, actor: str, today: date | None = None
    ) -> None:
        """A leader signs the 督办 off (办结); once."""
        self.supervision(supervision_id).check_close()
        self._close_supervision(
            supervision_id=str(supervision_id),
            note=optional_text(note, "note", TEXT_MAX),
            closed_on=today or bureau_today(),
            actor=actor,
        )

    @event("SupervisionClosed")
    def _close_supervision(
        self, supervision_id: str, note: str, closed_on: date, actor: str
    ) -> None:
        closed = self.supervisions[supervision_id].closed(closed_on)
        self.supervisions = {**self.supervisions, supervision_id: closed}
