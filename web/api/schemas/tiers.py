"""Schemas of the cultivation endpoints: targets, tier counts, the pool, import."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from domain.cultivation import STATUS_LABELS
from domain.designations import Designation
from web.api.schemas.fields import (
    UNKNOWN_DESIGNATION,
    Day,
    Text,
    choice,
    code_text,
    long_text,
    version_field,
)

DESIGNATIONS = [d.value for d in Designation]
YEAR = validate.Range(min=2000, max=2100, error="年度须在 {min}–{max} 之间")


class TargetsArgsSchema(Schema):
    """GET /targets query."""

    year = fields.Integer(required=True, validate=YEAR)
    as_of = Day()


class TargetSetSchema(Schema):
    """PUT/POST /targets: one target of a year (0 removes it)."""

    year = fields.Integer(strict=True, required=True, validate=YEAR)
    designation = choice(DESIGNATIONS, UNKNOWN_DESIGNATION, required=True)
    count = fields.Integer(
        strict=True,
        required=True,
        validate=validate.Range(min=0, max=100_000),
        error_messages={"required": "请填写目标数量"},
    )
    zone = code_text(allow_none=True)
    reason = long_text()


class TargetEnterpriseSchema(Schema):
    """One enterprise behind an achieved number."""

    enterprise_id = fields.String()
    name = fields.String()
    uscc = fields.String()
    zone = fields.String(allow_none=True)
    award_id = fields.String()
    certified_on = fields.String()
    document_no = fields.String(allow_none=True)
    batch = fields.String(allow_none=True)
    revoked_on = fields.String(allow_none=True)


class TargetItemSchema(Schema):
    """A target with what was achieved to date."""

    designation = fields.String()
    designation_label = fields.String()
    zone = fields.String(allow_none=True)
    zone_name = fields.String(allow_none=True)
    target = fields.Integer()
    achieved = fields.Integer()
    percent = fields.Float(allow_none=True)
    enterprises = fields.List(fields.Nested(TargetEnterpriseSchema))


class TargetsReportSchema(Schema):
    """GET /targets: every target of the year against achieved."""

    year = fields.Integer()
    as_of = fields.String(allow_none=True)
    items = fields.List(fields.Nested(TargetItemSchema))
    achieved_by_designation = fields.Dict(keys=fields.String(), values=fields.Integer())


class TierCountsArgsSchema(Schema):
    """GET /tiers/counts query."""

    as_of = Day()


class TierCountsSchema(Schema):
    """How many enterprises on each ladder level."""

    as_of = fields.String()
    by_tier = fields.Dict(keys=fields.String(), values=fields.Integer())
    labels = fields.Dict(keys=fields.String(), values=fields.String())
    with_tier = fields.Integer()
    enterprises = fields.Integer()


class CandidateArgsSchema(Schema):
    """GET /candidates query."""

    year = fields.Integer(validate=YEAR)
    designation = choice(DESIGNATIONS, UNKNOWN_DESIGNATION)
    zone = code_text()
    officer = Text(validate=validate.Length(max=80))
    status = choice(list(STATUS_LABELS))
    enterprise_id = Text(validate=validate.Length(max=64))


class CandidateCreateSchema(Schema):
    """POST /candidates: list an enterprise (id or credit code) in the pool."""

    enterprise = Text(required=True, validate=validate.Length(min=1, max=64))
    designation = choice(DESIGNATIONS, UNKNOWN_DESIGNATION, required=True)
    year = fields.Integer(
        strict=True,
        required=True,
        validate=YEAR,
        error_messages={"required": "请填写目标年度"},
    )
    officer = Text(validate=validate.Length(max=50), allow_none=True)
    note = long_text()
    expected_version = version_field()


class CandidateWithdrawSchema(Schema):
    """POST /candidates/<enterprise_id>/<candidacy_id>/withdraw."""

    reason = long_text(required=True)
    expected_version = version_field()


class CandidateSchema(Schema):
    """One candidacy in the cultivation pool."""

    enterprise_id = fields.String()
    candidacy_id = fields.String()
    name = fields.String()
    uscc = fields.String()
    zone = fields.String(allow_none=True)
    industry = fields.String(allow_none=True)
    designation = fields.String()
    designation_label = fields.String()
    year = fields.Integer()
    officer = fields.String()
    status = fields.String()
    status_label = fields.String()
    listed_on = fields.String(allow_none=True)
    closed_on = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


class CandidatePageSchema(Schema):
    """The cultivation pool."""

    items = fields.List(fields.Nested(CandidateSchema))
    total = fields.Integer()


class EnterpriseImportArgsSchema(Schema):
    """POST /imports/enterprises query."""

    dry_run = fields.Boolean(load_default=False)


class EnterpriseImportFileSchema(Schema):
    """POST /imports/enterprises multipart body."""

    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class EnterpriseImportResultSchema(Schema):
    """What an enterprise import did (or would do, on a dry run)."""

    rows = fields.Integer()
    enterprises_created = fields.Integer()
    designations_awarded = fields.Integer()
    unchanged = fields.Integer()
    dry_run = fields.Boolean()
    warnings = fields.List(fields.String())
