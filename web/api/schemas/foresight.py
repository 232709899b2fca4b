"""Schemas of the forecast, backtest and what-if endpoints (shape only)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from domain.forecast.quarters import MAX_QUARTERS
from gxtrack.app.foresight.forecasting import KNOWLEDGE
from web.api.schemas.fields import Day, choice

QUARTERS = validate.Range(min=1, max=MAX_QUARTERS, error=f"须在 1–{MAX_QUARTERS} 之间")


class ForecastArgsSchema(Schema):
    """GET /forecast."""

    as_of = Day()
    quarters = fields.Integer(load_default=4, validate=QUARTERS)
    known = choice(KNOWLEDGE, load_default="recorded")


class FigureSchema(Schema):
    """Expected count with its low–high interval, and expected investment (万元)."""

    expected = fields.Float()
    low = fields.Integer()
    high = fields.Integer()
    investment = fields.String()


class QuarterSchema(Schema):
    """One quarter of the forecast."""

    quarter = fields.String()
    landed = fields.Nested(FigureSchema)
    producing = fields.Nested(FigureSchema)


class ForecastSchema(Schema):
    """The forecast, or insufficient_history with its basis."""

    as_of = fields.String()
    known = fields.String()
    quarters = fields.List(fields.Nested(QuarterSchema))
    insufficient_history = fields.Boolean()
    basis = fields.Dict()


class BacktestArgsSchema(Schema):
    """GET /forecast/backtest."""

    origins = fields.Integer(load_default=8, validate=validate.Range(min=1, max=20))
    quarters = fields.Integer(load_default=4, validate=QUARTERS)
    known = choice(KNOWLEDGE, load_default="recorded")


class BacktestSchema(Schema):
    """Past forecasts beside what happened, and the intervals' coverage."""

    known = fields.String()
    quarters = fields.Integer()
    level = fields.Float()
    coverage = fields.Dict()
    rows = fields.List(fields.Dict())


class WhatIfSchema(Schema):
    """POST /stalled/policy/what-if."""

    thresholds = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True)
    red_factor = fields.Float(
        validate=validate.Range(min=1, max=10, error="须在 1–10 之间")
    )
    overdue_days = fields.Integer(validate=validate.Range(min=0, max=3650))
    first = Day(data_key="from", required=True)
    last = Day(data_key="to", required=True)


class WhatIfWeekSchema(Schema):
    """One week re-judged."""

    week = fields.String()
    as_of = fields.String()
    flagged = fields.Integer()
    flagged_now = fields.Integer()
    red = fields.Integer()
    red_now = fields.Integer()
    newly_flagged = fields.Integer()
    no_longer_flagged = fields.Integer()


class WhatIfResultSchema(Schema):
    """Weekly counts under the draft and the policy in force, and who changes."""

    draft = fields.Dict()
    in_force = fields.Dict()
    weeks = fields.List(fields.Nested(WhatIfWeekSchema))
    changed = fields.Dict()


class SlippageArgsSchema(Schema):
    """GET /plans/slippage."""

    by = choice(("officer", "zone", "industry"), load_default="officer")
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


class SlippageSchema(Schema):
    """Slippage per group, overall, and the projects that slipped most."""

    by = fields.String()
    total = fields.Dict()
    groups = fields.List(fields.Dict())
    projects = fields.List(fields.Dict())
