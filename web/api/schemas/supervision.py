"""Schemas of the 督办 endpoints (requests check shape only)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from domain.supervision import TIMINGS, Status
from web.api.schemas.fields import Day, Text, choice, long_text, short_text

STATUSES = [s.value for s in Status]
MAX_PAGE_SIZE = 200


class SupervisionIssueSchema(Schema):
    """POST /projects/<id>/supervisions: the first unit leads (牵头), the rest assist."""

    requirement = long_text(required=True)
    due_on = Day(required=True)
    units = fields.List(short_text(), validate=validate.Length(max=10))


class SupervisionNoteSchema(Schema):
    """POST /supervisions/<id>/reply, /close and /send-back."""

    note = long_text(load_default="")


class SupervisionArgsSchema(Schema):
    """GET /supervisions query; status "pending" is every one not closed."""

    status = choice([*STATUSES, "pending"])
    project_id = Text(validate=validate.Length(max=64))
    timing = choice(TIMINGS)
    as_of = Day()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(
        load_default=50, validate=validate.Range(min=1, max=MAX_PAGE_SIZE)
    )


class SupervisionGetArgsSchema(Schema):
    """GET /supervisions/<id> query."""

    as_of = Day()


class SupervisionSchema(Schema):
    """One 督办单."""

    id = fields.String()
    number = fields.String()
    year = fields.Integer()
    seq = fields.Integer()
    project_id = fields.String()
    project_name = fields.String(allow_none=True)
    officer = fields.String(allow_none=True)
    zone = fields.String(allow_none=True)
    requirement = fields.String()
    due_on = fields.String()
    units = fields.List(fields.String())
    lead_unit = fields.String(allow_none=True)
    partner_units = fields.List(fields.String())
    status = fields.String()
    status_label = fields.String()
    timing = fields.String()
    timing_label = fields.String()
    days_left = fields.Integer()
    issued_by = fields.String()
    issued_on = fields.String()
    issued_at = fields.String()
    reply = fields.String(allow_none=True)
    replied_by = fields.String(allow_none=True)
    replied_at = fields.String(allow_none=True)
    replies = fields.Integer()
    returns = fields.Integer()
    returned_reason = fields.String(allow_none=True)
    closed_by = fields.String(allow_none=True)
    closed_on = fields.String(allow_none=True)
    closed_at = fields.String(allow_none=True)
    close_note = fields.String(allow_none=True)


class SupervisionListSchema(Schema):
    """GET /supervisions."""

    items = fields.List(fields.Nested(SupervisionSchema))
    total = fields.Integer()
