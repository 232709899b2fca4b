"""Schemas of the activity log: its query and its page of decisions."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from gxtrack.readmodels.pool.queries import MAX_PAGE_SIZE
from web.api.schemas.fields import Day, Text


class ActivityArgsSchema(Schema):
    """GET /activity query."""

    actor = Text(validate=validate.Length(max=32))
    type = Text(validate=validate.Length(max=64))
    kind = Text(validate=validate.Length(max=32))
    since = Day(data_key="from")
    until = Day(data_key="to")
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(
        load_default=50, validate=validate.Range(min=1, max=MAX_PAGE_SIZE)
    )


class ActivityItemSchema(Schema):
    """One decision: who, when, what, on which thing, and why."""

    recorded_at = fields.String(metadata={"description": "UTC, ISO-8601"})
    actor = fields.String(metadata={"description": "the user name"})
    actor_name = fields.String(metadata={"description": "the display name"})
    type = fields.String(metadata={"description": "the event's name"})
    label = fields.String(metadata={"description": "its Chinese name"})
    kind = fields.String(
        metadata={"description": "project, enterprise, user, policy, …"}
    )
    id = fields.String()
    name = fields.String()
    reason = fields.String(allow_none=True)


class ActivitySchema(Schema):
    """A page of decisions, newest first, and how many match."""

    items = fields.List(fields.Nested(ActivityItemSchema))
    total = fields.Integer()
