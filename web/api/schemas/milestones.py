"""Schemas of the milestone, investment and KPI endpoints (shape only)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from web.api.schemas.fields import Day, Money, Text, long_text, version_field


class MilestoneUpdateSchema(Schema):
    """POST /projects/<id>/milestones/<code>: only the fields given change."""

    planned_on = Day(allow_none=True)
    done_on = Day(allow_none=True)
    unit = Text(validate=validate.Length(max=100))
    note = long_text()
    reason = long_text()
    expected_version = version_field(required=True)


class InvestmentReportSchema(Schema):
    """POST /projects/<id>/investment."""

    month = Text(required=True, validate=validate.Length(max=7))
    amount = Money(required=True)
    note = long_text()
    expected_version = version_field(required=True)


class MilestoneNodeSchema(Schema):
    """A template node: code, Chinese name and stage."""

    code = Text(required=True, validate=validate.Length(max=40))
    name = Text(required=True, validate=validate.Length(max=60))
    stage = Text(required=True, validate=validate.Length(max=20))


class TemplateChangeSchema(Schema):
    """PUT /milestones/template: the whole node list, in order."""

    nodes = fields.List(fields.Nested(MilestoneNodeSchema), required=True)
    reason = long_text()
    expected_version = version_field()


class TemplateSchema(Schema):
    """The node template in force."""

    version = fields.Integer()
    nodes = fields.List(fields.Nested(MilestoneNodeSchema))
    modified_at = fields.String()


class KpiArgsSchema(Schema):
    """GET /pool/kpis query."""

    year = fields.Integer(validate=validate.Range(min=1990, max=2100))
    as_of = Day()


class CountSumSchema(Schema):
    """How many projects and their planned investment (万元)."""

    count = fields.Integer()
    investment = fields.String()


class NewProjectsSchema(Schema):
    """New 签约 / 落地 / 投产 in the period."""

    signed = fields.Nested(CountSumSchema)
    landed = fields.Nested(CountSumSchema)
    producing = fields.Nested(CountSumSchema)


class KpiPeriodSchema(Schema):
    """The same figures a year earlier."""

    as_of = fields.String()
    new = fields.Nested(NewProjectsSchema)
    completed_investment = fields.String()


class KpiSchema(Schema):
    """GET /pool/kpis."""

    year = fields.Integer()
    as_of = fields.String()
    new = fields.Nested(NewProjectsSchema)
    completed_investment = fields.String()
    same_day_last_year = fields.Nested(KpiPeriodSchema)
    target = fields.String(allow_none=True)


class InvestmentByArgsSchema(Schema):
    """GET /pool/investment query."""

    by = Text(required=True, validate=validate.OneOf(["zone", "industry"]))
    year = fields.Integer(validate=validate.Range(min=1990, max=2100))
    as_of = Day()


class InvestmentSumsSchema(Schema):
    """完成投资 (万元): this year to date, 同比, cumulative."""

    year_to_date = fields.String()
    same_day_last_year = fields.String()
    cumulative = fields.String()


class InvestmentGroupSchema(InvestmentSumsSchema):
    """One zone or industry."""

    key = fields.String()
    label = fields.String()


class InvestmentBySchema(Schema):
    """GET /pool/investment."""

    year = fields.Integer()
    as_of = fields.String()
    by = fields.String()
    items = fields.List(fields.Nested(InvestmentGroupSchema))
    total = fields.Nested(InvestmentSumsSchema)


class InvestmentTargetSchema(Schema):
    """PUT /targets/investment: the year's 工业投资 target (万元)."""

    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    amount = Money(required=True)
    reason = long_text()


class InvestmentTargetViewSchema(Schema):
    """A year's 工业投资 target."""

    year = fields.Integer()
    target = fields.String(allow_none=True)


class PromisesSchema(Schema):
    """POST /projects/<id>/promises: the agreement's promises (given fields change)."""

    intensity = Money(allow_none=True)
    tax_per_mu = Money(allow_none=True)
    annual_output = Money(allow_none=True)
    producing_by = Day(allow_none=True)
    reason = long_text()
    expected_version = version_field(required=True)


class ResultsSchema(Schema):
    """POST /projects/<id>/results: one year's actuals (万元)."""

    year = fields.Integer(required=True, validate=validate.Range(min=1990, max=2100))
    output = Money(allow_none=True)
    tax = Money(allow_none=True)
    investment = Money(allow_none=True)
    note = long_text()
    expected_version = version_field(required=True)


class ComplianceArgsSchema(Schema):
    """GET /compliance query."""

    status = Text(validate=validate.OneOf(["met", "unmet", "pending"]))
    list = Text(
        validate=validate.OneOf(
            ["supplied_not_built", "built_not_producing", "producing_not_met"]
        )
    )


class ComplianceItemSchema(Schema):
    """A project with its 履约 status and the list it is on."""

    id = fields.String()
    name = fields.String()
    stage = fields.String()
    zone = fields.String()
    officer = fields.String()
    status = fields.String(allow_none=True)
    list = fields.String(allow_none=True)


class ComplianceSchema(Schema):
    """GET /compliance."""

    items = fields.List(fields.Nested(ComplianceItemSchema))
    total = fields.Integer()
