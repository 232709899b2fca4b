"""Schemas of the enterprise endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from domain.designations import LADDER, Designation
from gxtrack.readmodels.enterprises.queries import NO_TIER
from gxtrack.readmodels.pool.queries import MAX_PAGE_SIZE
from web.api.schemas.fields import (
    UNKNOWN_DESIGNATION,
    Day,
    Text,
    choice,
    code_text,
    long_text,
    short_text,
    version_field,
)

DESIGNATIONS = [d.value for d in Designation]
TIERS = [d.value for d in LADDER]


class EnterpriseCreateSchema(Schema):
    """POST /enterprises."""

    uscc = Text(required=True, validate=validate.Length(max=40))
    name = short_text(required=True)
    industry = code_text(allow_none=True)
    zone = code_text(allow_none=True)


class EnterpriseGetArgsSchema(Schema):
    """GET /enterprises/<id> query."""

    as_of = Day()


class EnterpriseQueryArgsSchema(Schema):
    """GET /enterprises query."""

    tier = choice([*TIERS, NO_TIER])
    industry = code_text()
    zone = code_text()
    q = short_text()
    as_of = Day()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(
        load_default=50, validate=validate.Range(min=1, max=MAX_PAGE_SIZE)
    )


class AwardSchema(Schema):
    """POST /enterprises/<id>/designations."""

    designation = choice(DESIGNATIONS, UNKNOWN_DESIGNATION, required=True)
    certified_on = Day(required=True)
    expires_on = Day(allow_none=True)
    document_no = Text(validate=validate.Length(max=100))
    batch = Text(validate=validate.Length(max=100))
    stars = fields.Integer(strict=True, allow_none=True, validate=validate.Range(1, 5))
    expected_version = version_field()


class ReviewSchema(Schema):
    """POST /enterprises/<id>/designations/<award_id>/review."""

    reviewed_on = Day(required=True)
    passed = fields.Boolean(
        required=True, error_messages={"required": "请选择复核结论"}
    )
    expires_on = Day(allow_none=True)
    document_no = Text(validate=validate.Length(max=100))
    reason = long_text()
    expected_version = version_field()


class RevokeSchema(Schema):
    """POST /enterprises/<id>/designations/<award_id>/revoke."""

    on = Day(required=True, data_key="date")
    reason = long_text(required=True)
    expected_version = version_field()


class DesignationSchema(Schema):
    """One award held by an enterprise."""

    award_id = fields.String()
    designation = fields.String()
    label = fields.String()
    certified_on = fields.String()
    expires_on = fields.String(allow_none=True)
    revoked_on = fields.String(allow_none=True)
    revoke_reason = fields.String()
    document_no = fields.String()
    batch = fields.String()
    stars = fields.Integer(allow_none=True)
    valid = fields.Boolean()


class EnterpriseSchema(Schema):
    """An enterprise with its tier on `as_of`."""

    id = fields.String()
    uscc = fields.String()
    name = fields.String()
    industry = fields.String(allow_none=True)
    zone = fields.String(allow_none=True)
    tier = fields.String(allow_none=True)
    tier_label = fields.String(allow_none=True)
    as_of = fields.String()
    designations = fields.List(fields.Nested(DesignationSchema))
    version = fields.Integer()


class EnterpriseListItemSchema(Schema):
    """An enterprise in the list."""

    id = fields.String()
    uscc = fields.String()
    name = fields.String()
    industry = fields.String(allow_none=True)
    zone = fields.String(allow_none=True)
    tier = fields.String(allow_none=True)
    tier_label = fields.String(allow_none=True)
    as_of = fields.String()
    version = fields.Integer()


class EnterprisePageSchema(Schema):
    """One page of enterprises."""

    items = fields.List(fields.Nested(EnterpriseListItemSchema))
    total = fields.Integer()
    as_of = fields.String()


class EnterpriseProjectSchema(Schema):
    """A project naming the enterprise."""

    id = fields.String()
    name = fields.String()
    investor = fields.String()
    industry = fields.String(allow_none=True)
    zone = fields.String(allow_none=True)
    stage = fields.String()
    stage_date = fields.String(allow_none=True)
    planned_investment = fields.String(allow_none=True)
    officer = fields.String(allow_none=True)
    version = fields.Integer()


class EnterpriseProjectsSchema(Schema):
    """GET /enterprises/<id>/projects."""

    items = fields.List(fields.Nested(EnterpriseProjectSchema))
    total = fields.Integer()
    investment = fields.String()
