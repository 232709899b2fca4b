"""/scorecard: the zones' 红黑榜 for a week, month or quarter."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields

from domain.scorecard import PERIODS
from web.api.base import ApiBlueprint, rt
from web.api.schemas.fields import Day, choice

blp = ApiBlueprint("scorecard", __name__, description="红黑榜 Zone scorecard")


class ScorecardArgsSchema(Schema):
    """GET /scorecard query: the period containing `day` (default today)."""

    period = choice(PERIODS, load_default="month")
    day = Day()


class ScorecardRowSchema(Schema):
    """One zone's figures, rank and board."""

    zone = fields.String()
    zone_name = fields.String()
    signed = fields.Integer()
    landed = fields.Integer()
    producing = fields.Integer()
    points = fields.Integer()
    live = fields.Integer()
    stalled = fields.Integer()
    stalled_share = fields.Float()
    median_answer_hours = fields.Float(allow_none=True)
    median_resolve_hours = fields.Float(allow_none=True)
    rank = fields.Integer()
    board = fields.String()


class ScorecardSchema(Schema):
    """The ranked zones of one period."""

    period = fields.Dict(keys=fields.String(), values=fields.String())
    rows = fields.List(fields.Nested(ScorecardRowSchema))


@blp.route("/scorecard")
class Scorecard(MethodView):
    """The 红黑榜."""

    @blp.arguments(ScorecardArgsSchema, location="query")
    @blp.response(200, ScorecardSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """红黑榜 Zones ranked for the week, month or quarter containing `day`."""
        return rt().app.zone_scorecard(args["period"], args.get("day"))
