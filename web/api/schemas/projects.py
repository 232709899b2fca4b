"""Schemas of the project endpoints (requests check shape only)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from domain.designations import LADDER
from domain.stages import Priority, Stage
from gxtrack.readmodels.pool.queries import MAX_PAGE_SIZE, SORTS
from web.api.schemas.fields import (
    Day,
    Instant,
    Money,
    Text,
    choice,
    code_text,
    long_text,
    short_text,
    version_field,
)

STAGES = [s.value for s in Stage]
PRIORITIES = [p.value for p in Priority]
SORT_KEYS = [*SORTS, *(f"-{k}" for k in SORTS)]


class PlannedDatesSchema(Schema):
    """Planned dates of the coming stages (计划签约/开工/投产)."""

    signed = Day(allow_none=True)
    landed = Day(allow_none=True)
    producing = Day(allow_none=True)


class ProjectCreateSchema(Schema):
    """POST /projects."""

    name = short_text(required=True)
    investor = short_text(required=True)
    industry = code_text(required=True)
    zone = code_text(required=True)
    planned_investment = Money(required=True)
    # Which stages a project may open in is the domain's rule, not the shape's.
    stage = choice(STAGES)
    stage_date = Day()
    officer = Text(validate=validate.Length(max=80))
    priority = choice(PRIORITIES)
    planned_dates = fields.Nested(
        PlannedDatesSchema, metadata={"form_prefix": "planned_"}
    )
    land_area = Money(allow_none=True)
    enterprise_id = Text(
        validate=validate.Length(max=64),
        allow_none=True,
        metadata={"description": "企业编号或统一社会信用代码"},
    )
    confirm_duplicate = fields.Boolean(
        load_default=False,
        metadata={
            "description": "已有同名同投资方项目时仍然登记（否则 409 duplicate_project）"
        },
    )


class ProjectQueryArgsSchema(Schema):
    """GET /projects query."""

    stage = choice(STAGES)
    industry = code_text()
    zone = code_text()
    officer = Text(validate=validate.Length(max=80))
    enterprise_id = Text(validate=validate.Length(max=64))
    tier = choice([*[d.value for d in LADDER], "none"])
    stalled = fields.Boolean()
    overdue_node = fields.Boolean()
    compliance = choice(["met", "unmet", "pending"])
    compliance_list = choice(
        ["supplied_not_built", "built_not_producing", "producing_not_met"]
    )
    q = short_text()
    as_of = Day()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(
        load_default=50, validate=validate.Range(min=1, max=MAX_PAGE_SIZE)
    )
    sort = choice(SORT_KEYS, load_default="-updated")


class ProjectGetArgsSchema(Schema):
    """GET /projects/<id> query: a past version or a past instant."""

    version = version_field(strict=False)
    as_of = Instant()


class StallAnswerSchema(Schema):
    """The officer's answer to the open alert."""

    cause = fields.String()
    plan = fields.String()
    checkpoint = fields.String()
    actor = fields.String()


class StallEscalationSchema(Schema):
    """The leader's escalation (督办) of the open alert."""

    reason = fields.String()
    actor = fields.String()


class StallSchema(Schema):
    """The project's current stall flag, its answer and escalation."""

    level = fields.String()
    days_in_stage = fields.Integer(allow_none=True)
    rule = fields.String(allow_none=True)
    threshold = fields.Integer(allow_none=True)
    policy_version = fields.Integer(allow_none=True)
    week = fields.String(allow_none=True)
    flagged_on = fields.String(allow_none=True)
    since = fields.String(allow_none=True)
    answer = fields.Nested(StallAnswerSchema, allow_none=True)
    escalation = fields.Nested(StallEscalationSchema, allow_none=True)
    as_of = fields.String(allow_none=True)


class ExemptionViewSchema(Schema):
    """The project's latest exemption (暂缓) from stall alerts."""

    reason = fields.String()
    until = fields.String()
    actor = fields.String(allow_none=True)
    granted_on = fields.String(allow_none=True)
    active = fields.Boolean(allow_none=True)


class ProgressSchema(Schema):
    """The latest progress note."""

    date = fields.String()
    note = fields.String()


class MilestoneSchema(Schema):
    """One node of a project: dates, responsible unit, whether overdue today."""

    code = fields.String()
    name = fields.String()
    stage = fields.String()
    gate = fields.Boolean()
    planned_on = fields.String(allow_none=True)
    done_on = fields.String(allow_none=True)
    unit = fields.String()
    note = fields.String()
    overdue = fields.Boolean()


class InvestmentSchema(Schema):
    """Completed investment (万元): cumulative, per year and per month."""

    completed_total = fields.String()
    by_year = fields.Dict(keys=fields.String(), values=fields.String())
    by_month = fields.Dict(keys=fields.String(), values=fields.String())


class AgreementSchema(Schema):
    """履约: the promises, yearly actuals and the status today."""

    promises = fields.Dict(allow_none=True)
    results = fields.Dict(keys=fields.String(), values=fields.Dict())
    status = fields.String(allow_none=True)
    status_label = fields.String(allow_none=True)


class NextNodeSchema(Schema):
    """The as-of pool's node to watch: the most overdue, else the next planned."""

    code = fields.String()
    name = fields.String()
    planned_on = fields.String()
    overdue = fields.Boolean()


class ProjectSchema(Schema):
    """A project as the API returns it."""

    id = fields.String()
    name = fields.String()
    investor = fields.String()
    industry = fields.String()
    industry_name = fields.String()
    zone = fields.String()
    zone_name = fields.String()
    planned_investment = Money()
    priority = fields.String()
    stage = fields.String()
    stage_label = fields.String()
    stage_date = fields.String(allow_none=True)
    stage_dates = fields.Dict(keys=fields.String(), values=fields.String())
    officer = fields.String()
    planned_dates = fields.Dict(keys=fields.String(), values=fields.String())
    land_area = Money(allow_none=True)
    enterprise_id = fields.String(allow_none=True)
    withdrawn_from = fields.String(allow_none=True)
    merged_into = fields.String(
        allow_none=True,
        metadata={"description": "合并后保留的项目 id（本项目为重复登记）"},
    )
    merged_into_name = fields.String(allow_none=True)
    absorbed = fields.List(
        fields.String(), metadata={"description": "并入本项目的重复项目 id"}
    )
    last_progress = fields.Nested(ProgressSchema, allow_none=True)
    stall = fields.Nested(StallSchema, allow_none=True)
    milestones = fields.List(fields.Nested(MilestoneSchema))
    investment = fields.Nested(InvestmentSchema)
    agreement = fields.Nested(AgreementSchema)
    alert = fields.Nested(StallSchema, allow_none=True)
    # The as-of pool only (GET /projects?as_of=): as known at that day's end.
    completed_investment = fields.String()
    overdue_nodes = fields.Integer()
    next_node = fields.Nested(NextNodeSchema, allow_none=True)
    exemption = fields.Nested(ExemptionViewSchema, allow_none=True)
    version = fields.Integer()
    created_at = fields.String()
    modified_at = fields.String()
    updated_at = fields.String()


class ProjectPageSchema(Schema):
    """One page of the pool."""

    items = fields.List(fields.Nested(ProjectSchema))
    total = fields.Integer()


class StageMoveSchema(Schema):
    """POST /projects/<id>/stage."""

    to = choice(STAGES, required=True)
    date = Day(required=True)
    reason = long_text()
    expected_version = version_field(required=True)


class ReinstateSchema(Schema):
    """POST /projects/<id>/reinstate."""

    reason = long_text(required=True)
    expected_version = version_field(required=True)
    date = Day()


class MergeSchema(Schema):
    """POST /projects/<id>/merge: this duplicate into the project `into`."""

    into = fields.UUID(
        required=True,
        error_messages={"invalid_uuid": "不是有效的项目编号"},
        metadata={"description": "保留的项目 id"},
    )
    reason = long_text(required=True)
    expected_version = version_field()


class ProgressReportSchema(Schema):
    """POST /projects/<id>/progress."""

    date = Day(required=True)
    note = long_text(required=True)
    expected_version = version_field()


class RevisionChangesSchema(Schema):
    """The details a revision may change."""

    name = short_text()
    investor = short_text()
    industry = code_text()
    zone = code_text()
    planned_investment = Money()
    priority = choice(PRIORITIES)
    land_area = Money(allow_none=True)
    enterprise_id = Text(validate=validate.Length(max=64), allow_none=True)


class ReviseSchema(Schema):
    """POST /projects/<id>/revise."""

    changes = fields.Nested(
        RevisionChangesSchema, required=True, metadata={"form_prefix": ""}
    )
    reason = long_text(required=True)
    expected_version = version_field(required=True)


class ReassignSchema(Schema):
    """POST /projects/<id>/reassign."""

    officer = Text(required=True, validate=validate.Length(max=80))
    reason = long_text()
    expected_version = version_field(required=True)


class PlanSchema(Schema):
    """POST /projects/<id>/plan."""

    planned_dates = fields.Nested(
        PlannedDatesSchema, required=True, metadata={"form_prefix": "planned_"}
    )
    reason = long_text()
    expected_version = version_field(required=True)


class RedateSchema(Schema):
    """POST /projects/<id>/redate."""

    stage = choice(STAGES, required=True)
    date = Day(required=True)
    reason = long_text(required=True)
    expected_version = version_field(required=True)


class ChangeSchema(Schema):
    """One field's value before → after an event."""

    field = fields.String()
    label = fields.String()
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)


class HistoryItemSchema(Schema):
    """One event of a project's or an enterprise's history."""

    version = fields.Integer()
    type = fields.String()
    label = fields.String()
    label_en = fields.String()
    recorded_at = fields.String()
    actor = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    effective_date = fields.String(allow_none=True)
    data = fields.Dict()
    changes = fields.List(fields.Nested(ChangeSchema))


class HistorySchema(Schema):
    """GET /projects/<id>/history and GET /enterprises/<id>/history."""

    items = fields.List(fields.Nested(HistoryItemSchema))
