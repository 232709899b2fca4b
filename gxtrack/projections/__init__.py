"""Read models built from the event log: the pool, stage history, tiers, users."""

from __future__ import annotations

from gxtrack.projections.base import Projection
from gxtrack.projections.chain import ChainProjection
from gxtrack.projections.engine import ProjectionEngine
from gxtrack.projections.enterprises import EnterpriseProjection
from gxtrack.projections.pool import PoolProjection
from gxtrack.projections.stage_facts import StageFactsProjection
from gxtrack.projections.stalled import StallProjection
from gxtrack.projections.tiers import TiersProjection
from gxtrack.projections.users import UserProjection


def default_projections() -> list[Projection]:
    """Every read model gxtrack maintains, in the order they are applied."""
    return [
        PoolProjection(),
        EnterpriseProjection(),
        UserProjection(),
        StallProjection(),
        ChainProjection(),
        StageFactsProjection(),
        TiersProjection(),
    ]


__all__ = ["Projection", "ProjectionEngine", "default_projections"]
