"""Schemas of the audit endpoints: histories, monthly report, verify, as-known pool."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from web.api.schemas.fields import Day


class MonthlyArgsSchema(Schema):
    """GET /reports/monthly query."""

    month = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^\d{4}-(0[1-9]|1[0-2])$", error="月份格式应为 YYYY-MM"
        ),
    )
    as_known_on = Day()


class MonthlyRowSchema(Schema):
    """One figure of the report, as known then and as corrected now."""

    section = fields.String()
    section_label = fields.String()
    dimension = fields.String()
    key = fields.String()
    label = fields.String()
    known_count = fields.Integer()
    known_investment = fields.String()
    now_count = fields.Integer()
    now_investment = fields.String()
    changed = fields.Boolean()


class MonthlySchema(Schema):
    """The monthly report."""

    month = fields.String()
    business_date = fields.String()
    known_at = fields.String()
    now = fields.String()
    rows = fields.List(fields.Nested(MonthlyRowSchema))
    corrections = fields.List(fields.Dict())
    stalled = fields.List(
        fields.Dict(),
        metadata={"description": "the 200 longest stalled at the month's end"},
    )
    stalled_total = fields.Integer(
        metadata={"description": "how many are stalled then (GET /stalled lists all)"}
    )
    stalled_as_of = fields.String(metadata={"description": "the day they are judged"})
    investment = fields.List(fields.Dict())
    investment_by = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Dict()),
        metadata={"description": "zone / industry → 完成投资 rows, known and now"},
    )


class VerifySchema(Schema):
    """The result of `audit verify` and the current anchor."""

    ok = fields.Boolean()
    walk = fields.String(
        metadata={
            "description": "full: the whole log; incremental: since the last;"
            " partial: stopped at the view's bound; kept: the recorded failure"
        }
    )
    last_full = fields.Dict(
        allow_none=True,
        metadata={"description": "the last full walk: verified_at, ok, checked…"},
    )
    checked = fields.Integer()
    unchained = fields.Integer()
    head_position = fields.Integer()
    head_digest = fields.String()
    pending = fields.Integer(
        metadata={"description": "events after head_position still to walk"}
    )
    problem = fields.Dict(allow_none=True)
    anchor = fields.Dict()


class AsKnownArgsSchema(Schema):
    """GET /pool/as-known query."""

    date = Day(required=True)
    known_on = Day()


class AsKnownItemSchema(Schema):
    """A project's stage at the business date, as known then."""

    id = fields.String()
    name = fields.String()
    industry = fields.String()
    zone = fields.String()
    investment = fields.String()
    stage = fields.String()
    entered_on = fields.String()


class AsKnownSchema(Schema):
    """The pool at a business date as known on a recorded date."""

    date = fields.String()
    known_on = fields.String(allow_none=True)
    items = fields.List(fields.Nested(AsKnownItemSchema))
    total = fields.Integer()
