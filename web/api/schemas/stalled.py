"""Schemas of the stalled-project endpoints (requests check shape only)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from domain.stall import LEVELS
from gxtrack.readmodels.pool.queries import MAX_PAGE_SIZE
from web.api.schemas.fields import (
    Day,
    Text,
    choice,
    code_text,
    long_text,
    version_field,
)

DAYS = validate.Range(min=0, max=100_000)


class ScanRequestSchema(Schema):
    """POST /stalled/scans."""

    as_of = Day()


class ScanFlagSchema(Schema):
    """One project the scan flagged."""

    project_id = fields.String()
    level = fields.String()
    days_in_stage = fields.Integer()
    rule = fields.String()


class ScanSchema(Schema):
    """A week's scan: what it flagged and cleared."""

    week = fields.String()
    as_of = fields.String()
    policy_version = fields.Integer()
    judged = fields.Integer()
    flagged = fields.List(fields.Nested(ScanFlagSchema))
    cleared = fields.List(fields.String())
    recorded_at = fields.String()


class ScanRowSchema(Schema):
    """One recorded scan, as listed."""

    week = fields.String()
    as_of = fields.String()
    actor = fields.String()
    policy_version = fields.Integer()
    judged = fields.Integer()
    flagged = fields.Integer()
    cleared = fields.Integer()
    recorded_at = fields.String()


class ScanListSchema(Schema):
    """GET /stalled/scans."""

    items = fields.List(fields.Nested(ScanRowSchema))


class StalledArgsSchema(Schema):
    """GET /stalled query."""

    as_of = Day()
    officer = Text(validate=validate.Length(max=80))
    level = choice(LEVELS)
    zone = code_text()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(
        load_default=50, validate=validate.Range(min=1, max=MAX_PAGE_SIZE)
    )


class OpenAlertSchema(Schema):
    """The open alert of a stalled project: answered? escalated?"""

    flagged_at = fields.String(allow_none=True)
    answered_at = fields.String(allow_none=True)
    cause = fields.String(allow_none=True)
    plan = fields.String(allow_none=True)
    checkpoint = fields.String(allow_none=True)
    escalated_at = fields.String(allow_none=True)
    escalation_reason = fields.String(allow_none=True)


class StalledItemSchema(Schema):
    """A project stalled on the as-of date."""

    project_id = fields.String()
    name = fields.String()
    investor = fields.String()
    zone = fields.String()
    stage = fields.String()
    stage_label = fields.String()
    stage_date = fields.String()
    level = fields.String()
    level_label = fields.String()
    days_in_stage = fields.Integer()
    threshold = fields.Integer()
    rule = fields.String()
    rule_label = fields.String()
    officer = fields.String()
    flagged_level = fields.String(allow_none=True)
    since = fields.String(allow_none=True)
    version = fields.Integer()
    alert = fields.Nested(OpenAlertSchema, allow_none=True)


class StalledListSchema(Schema):
    """GET /stalled."""

    as_of = fields.String()
    policy_version = fields.Integer()
    items = fields.List(fields.Nested(StalledItemSchema))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()


class AlertArgsSchema(Schema):
    """GET /stalled/alerts query."""

    open = fields.Boolean(load_default=False)
    officer = Text(validate=validate.Length(max=80))
    project_id = Text(validate=validate.Length(max=64))
    since = Day()
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=200))


class AlertSchema(Schema):
    """One flag with its answer, escalation and clearing."""

    id = fields.String()
    project_id = fields.String()
    name = fields.String(allow_none=True)
    officer = fields.String(allow_none=True)
    stage = fields.String(allow_none=True)
    zone = fields.String(allow_none=True)
    level = fields.String()
    level_label = fields.String()
    rule = fields.String()
    rule_label = fields.String()
    days_in_stage = fields.Integer()
    threshold = fields.Integer()
    policy_version = fields.Integer()
    week = fields.String()
    as_of = fields.String()
    flagged_at = fields.String()
    is_open = fields.Boolean()
    superseded_at = fields.String(allow_none=True)
    answered_at = fields.String(allow_none=True)
    last_answered_at = fields.String(allow_none=True)
    answered_by = fields.String(allow_none=True)
    cause = fields.String(allow_none=True)
    plan = fields.String(allow_none=True)
    checkpoint = fields.String(allow_none=True)
    answers = fields.Integer()
    escalated_at = fields.String(allow_none=True)
    escalated_by = fields.String(allow_none=True)
    escalation_reason = fields.String(allow_none=True)
    cleared_at = fields.String(allow_none=True)
    cleared_on = fields.String(allow_none=True)
    clear_reason = fields.String(allow_none=True)
    response_hours = fields.Float(allow_none=True)
    resolution_hours = fields.Float(allow_none=True)


class AlertMetricsSchema(Schema):
    """How fast alerts are answered and resolved (hours)."""

    alerts = fields.Integer()
    open = fields.Integer()
    red = fields.Integer()
    answered = fields.Integer()
    escalated = fields.Integer()
    cleared = fields.Integer()
    median_response_hours = fields.Float(allow_none=True)
    median_resolution_hours = fields.Float(allow_none=True)


class AlertListSchema(Schema):
    """GET /stalled/alerts."""

    items = fields.List(fields.Nested(AlertSchema))
    metrics = fields.Nested(AlertMetricsSchema)


class AnswerSchema(Schema):
    """POST /projects/<id>/stall/answer."""

    cause = long_text(required=True)
    plan = long_text(required=True)
    checkpoint = Day(required=True)
    expected_version = version_field(required=True)


class EscalateSchema(Schema):
    """POST /projects/<id>/stall/escalate."""

    reason = long_text(required=True)
    expected_version = version_field(required=True)


class ExemptSchema(Schema):
    """POST /projects/<id>/stall/exempt: no alert until `until` (暂缓)."""

    reason = long_text(required=True)
    until = Day(required=True)
    expected_version = version_field(required=True)


class ExemptionSchema(Schema):
    """A project's latest exemption, in force or lapsed."""

    project_id = fields.String(attribute="id")
    name = fields.String()
    zone = fields.String()
    officer = fields.String()
    stage = fields.String()
    until = fields.String(attribute="exempt_until")
    reason = fields.String(attribute="exempt_reason")
    actor = fields.String(attribute="exempt_by")
    granted_on = fields.String(attribute="exempt_on")
    active = fields.Boolean()


class ExemptionListSchema(Schema):
    """GET /stalled/exemptions."""

    items = fields.List(fields.Nested(ExemptionSchema))
    total = fields.Integer()


class ThresholdsSchema(Schema):
    """Days in stage before a yellow alert, per stage."""

    negotiating = fields.Integer(strict=True, validate=DAYS)
    signed = fields.Integer(strict=True, validate=DAYS)
    landed = fields.Integer(strict=True, validate=DAYS)


class PolicySchema(Schema):
    """The stall policy in force."""

    version = fields.Integer()
    thresholds = fields.Nested(ThresholdsSchema)
    overdue_days = fields.Integer()
    quiet_days = fields.Integer()
    red_factor = fields.Integer()
    modified_at = fields.String()


class PolicyChangeSchema(Schema):
    """PUT /stalled/policy (admin)."""

    thresholds = fields.Nested(
        ThresholdsSchema, metadata={"form_prefix": "thresholds."}
    )
    overdue_days = fields.Integer(strict=True, validate=DAYS)
    quiet_days = fields.Integer(strict=True, validate=DAYS)
    reason = long_text()
    expected_version = version_field(required=True)
