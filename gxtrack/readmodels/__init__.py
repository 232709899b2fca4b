"""Read models built from the event log: the pool, stage history, tiers, users."""

from __future__ import annotations

from gxtrack.audit.chain_follower import ChainProjection
from gxtrack.readmodels.activity.projector import ActivityProjection
from gxtrack.readmodels.alerts.projector import StallProjection
from gxtrack.readmodels.cultivation.projector import TiersProjection
from gxtrack.readmodels.engine.engine import ProjectionEngine
from gxtrack.readmodels.engine.projection import Projection
from gxtrack.readmodels.enterprises.projector import EnterpriseProjection
from gxtrack.readmodels.milestones.projector import MilestonesProjection
from gxtrack.readmodels.notifications.projector import NotificationProjection
from gxtrack.readmodels.plans.projector import PlanRevisionProjection
from gxtrack.readmodels.pool.projector import PoolProjection
from gxtrack.readmodels.stage_facts.projector import StageFactsProjection
from gxtrack.readmodels.supervision.projector import SupervisionProjection
from gxtrack.readmodels.users.projector import UserProjection


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
        ActivityProjection(),
        PlanRevisionProjection(),
        MilestonesProjection(),
        SupervisionProjection(),
        NotificationProjection(),
    ]


__all__ = ["Projection", "ProjectionEngine", "default_projections"]
