"""/pool: the pool's counts and investment by stage, industry and zone."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from gxtrack.readmodels.pool.queries import PoolFilter, summary
from web.api.base import ApiBlueprint, rt
from web.api.schemas.admin import SummaryArgsSchema, SummarySchema

blp = ApiBlueprint("pool", __name__, url_prefix="/pool", description="项目库汇总 Pool")


@blp.route("/summary")
class Summary(MethodView):
    """The pool summary."""

    @blp.arguments(SummaryArgsSchema, location="query")
    @blp.response(200, SummarySchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """项目库汇总 Counts and investment, now or as of a business date."""
        return summary(rt().db, PoolFilter(**args))
