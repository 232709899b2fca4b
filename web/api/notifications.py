"""/notifications: the caller's in-app notifications and their read marks."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from web.api.base import ApiBlueprint, actor, rt

blp = ApiBlueprint("notifications", __name__, description="站内通知 Notifications")


class NotificationArgsSchema(Schema):
    """GET /notifications query."""

    unread = fields.Boolean(load_default=False)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class NotificationSchema(Schema):
    """One notification."""

    id = fields.String()
    created_at = fields.String()
    kind = fields.String()
    project_id = fields.String()
    project_name = fields.String()
    title = fields.String()
    detail = fields.String()
    link = fields.String()
    read = fields.Boolean()


class NotificationListSchema(Schema):
    """GET /notifications."""

    items = fields.List(fields.Nested(NotificationSchema))
    unread = fields.Integer()


class MarkReadSchema(Schema):
    """POST /notifications/read: `ids`, or every one when absent."""

    ids = fields.List(
        fields.String(validate=validate.Length(max=100)),
        validate=validate.Length(max=200),
    )


class MarkedSchema(Schema):
    """How many were marked, and how many are still unread."""

    marked = fields.Integer()
    unread = fields.Integer()


@blp.route("/notifications")
class Notifications(MethodView):
    """The caller's notifications."""

    @blp.arguments(NotificationArgsSchema, location="query")
    @blp.response(200, NotificationListSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """站内通知 The caller's newest notifications and the unread count."""
        return rt().app.notifications(actor(), args["unread"], args["limit"])


@blp.route("/notifications/read")
class MarkRead(MethodView):
    """Read marks."""

    @blp.arguments(MarkReadSchema)
    @blp.response(200, MarkedSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """标为已读 Mark the given notifications (or all) read."""
        app = rt().app
        marked = app.mark_notifications_read(actor(), body.get("ids"))
        return {"marked": marked, "unread": app.unread_notifications(actor())}
