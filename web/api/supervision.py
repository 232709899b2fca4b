"""/supervisions: 督办单 issued on projects, replied, sent back and closed (办结).

Every step is the same use case the pages call; each is an event of the
project, so it shows in the project's history.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from domain.clock import today
from gxtrack.readmodels.supervision.queries import list_supervisions
from web.api.base import ApiBlueprint, rt, run
from web.api.schemas.supervision import (
    SupervisionArgsSchema,
    SupervisionGetArgsSchema,
    SupervisionIssueSchema,
    SupervisionListSchema,
    SupervisionNoteSchema,
    SupervisionSchema,
)

blp = ApiBlueprint("supervisions", __name__, description="督办 Supervision")


@blp.route("/projects/<project_id>/supervisions")
class Issue(MethodView):
    """督办 on one project."""

    @blp.arguments(SupervisionIssueSchema)
    @blp.response(201, SupervisionSchema)
    def post(self, body: dict[str, Any], project_id: str) -> dict[str, Any]:
        """下达督办 Issue a numbered 督办 (leaders, admins)."""
        return run(
            rt().app.issue_supervision,
            project_id,
            body["requirement"],
            body["due_on"],
            body.get("units"),
        )


@blp.route("/supervisions")
class Supervisions(MethodView):
    """Every 督办, filtered and paged."""

    @blp.arguments(SupervisionArgsSchema, location="query")
    @blp.response(200, SupervisionListSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """督办清单 督办 by due date, timed as of `as_of` (default today)."""
        return list_supervisions(
            rt().db,
            args.get("as_of") or today(),
            status=args.get("status"),
            project_id=args.get("project_id"),
            timing_is=args.get("timing"),
            page=args["page"],
            page_size=args["page_size"],
        )


@blp.route("/supervisions/<supervision_id>")
class One(MethodView):
    """One 督办单."""

    @blp.arguments(SupervisionGetArgsSchema, location="query")
    @blp.response(200, SupervisionSchema)
    def get(self, args: dict[str, Any], supervision_id: str) -> dict[str, Any]:
        """督办单 One 督办, timed as of `as_of` (default today)."""
        return rt().app.supervision(supervision_id, args.get("as_of"))


@blp.route("/supervisions/<supervision_id>/reply")
class Reply(MethodView):
    """The officer's reply."""

    @blp.arguments(SupervisionNoteSchema)
    @blp.response(200, SupervisionSchema)
    def post(self, body: dict[str, Any], supervision_id: str) -> dict[str, Any]:
        """回复督办 Reply (the project's officer, leaders, admins)."""
        return run(rt().app.reply_supervision, supervision_id, body["note"])


@blp.route("/supervisions/<supervision_id>/send-back")
class SendBack(MethodView):
    """A leader sends the reply back."""

    @blp.arguments(SupervisionNoteSchema)
    @blp.response(200, SupervisionSchema)
    def post(self, body: dict[str, Any], supervision_id: str) -> dict[str, Any]:
        """退回督办 Send a replied 督办 back for another reply (leaders, admins)."""
        return run(rt().app.send_back_supervision, supervision_id, body["note"])


@blp.route("/supervisions/<supervision_id>/close")
class Close(MethodView):
    """办结."""

    @blp.arguments(SupervisionNoteSchema)
    @blp.response(200, SupervisionSchema)
    def post(self, body: dict[str, Any], supervision_id: str) -> dict[str, Any]:
        """办结督办 Sign the 督办 off (leaders, admins); a second close is a 422."""
        return run(rt().app.close_supervision, supervision_id, body["note"])
