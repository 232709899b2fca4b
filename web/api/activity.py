"""The activity log: every decision across the system (auditors, leaders, admins)."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.views import MethodView

from gxtrack.app.activity import activity_filter
from web.api.base import ApiBlueprint, actor, plain_dump, rt
from web.api.schemas.activity import ActivityArgsSchema, ActivitySchema

blp = ApiBlueprint("activity", __name__, description="操作记录 Activity log")


@blp.route("/activity")
class Activity(MethodView):
    """Who did what, when and why."""

    @blp.arguments(ActivityArgsSchema, location="query")
    @blp.response(200, ActivitySchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """操作记录 Decisions, newest first, filtered by person, action, kind, dates."""
        runtime = rt()
        runtime.wait_for_read_models()
        page, size = args.pop("page"), args.pop("page_size")
        found = runtime.app.activity(actor(), activity_filter(**args), page, size)
        return jsonify(plain_dump(ActivitySchema, found))
