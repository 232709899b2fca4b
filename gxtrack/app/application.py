"""The gxtrack Application: every use case, mixed in from its own module."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import JSONTranscoder

from gxtrack.app.activity import ActivityService
from gxtrack.app.audit import AuditService
from gxtrack.app.audit_runs import ChainVerifyRunService
from gxtrack.app.audit_status import ChainAuditService
from gxtrack.app.channels import ChannelService
from gxtrack.app.designation_import import EnterpriseImportService
from gxtrack.app.digest import DigestService
from gxtrack.app.enterprises import EnterpriseService
from gxtrack.app.expiry import ExpiryService
from gxtrack.app.foresight.forecasting import ForecastService
from gxtrack.app.foresight.slippage import SlippageService
from gxtrack.app.foresight.whatif import WhatIfService
from gxtrack.app.investment_views import InvestmentViewService
from gxtrack.app.ledger.service import LedgerService
from gxtrack.app.milestones import MilestoneService
from gxtrack.app.notifications import NotificationService
from gxtrack.app.projects import ProjectService
from gxtrack.app.scorecard import ScorecardService
from gxtrack.app.stalled import StalledService
from gxtrack.app.supervision import SupervisionService
from gxtrack.app.tiers import TierService
from gxtrack.app.users import UserService
from gxtrack.app.worklist import WorklistService
from gxtrack.infra.db import RECONNECT_SECONDS
from gxtrack.infra.transcodings import register_all


class GxTrack(
    ProjectService,
    MilestoneService,
    InvestmentViewService,
    EnterpriseService,
    TierService,
    EnterpriseImportService,
    UserService,
    WhatIfService,
    StalledService,
    ForecastService,
    SlippageService,
    AuditService,
    DigestService,
    ExpiryService,
    LedgerService,
    ChainAuditService,
    ChainVerifyRunService,
    ActivityService,
    ChannelService,
    SupervisionService,
    NotificationService,
    WorklistService,
    ScorecardService,
):
    """The bureau's application; its name prefixes the PostgreSQL tables."""

    name = "gxtrack"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # eventsourcing's PostgreSQL pool keeps psycopg_pool's 5-minute
        # reconnect backoff; shorten it like ours (gxtrack/infra/db.py) so the event
        # store heals within seconds after a server restart.
        datastore = getattr(self.recorder, "datastore", None)
        if hasattr(datastore, "pool"):
            datastore.pool.reconnect_timeout = RECONNECT_SECONDS

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        """The library's transcodings plus gxtrack's own."""
        super().register_transcodings(transcoder)
        register_all(transcoder)

    def position(self) -> int:
        """The id of the newest recorded event (0 for an empty store)."""
        return self.recorder.max_notification_id() or 0

    def __repr__(self) -> str:
        return f"GxTrack({self.env.get('PERSISTENCE_MODULE', 'popo')!r})"


def application_env(settings: Any, schema: str | None = None) -> dict[str, str]:
    """The eventsourcing environment for these settings."""
    if settings.in_memory:
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    common = {"AGGREGATE_CACHE_MAXSIZE": "2000"}
    # The one dialect choice outside gxtrack/infra: which eventsourcing
    # persistence module records the events, and its own settings.
    if settings.is_postgres:
        params = settings.postgres_params()
        env = {
            **common,
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": params["dbname"],
            "POSTGRES_HOST": params["host"],
            "POSTGRES_PORT": params["port"],
            "POSTGRES_USER": params["user"],
            "POSTGRES_PASSWORD": params["password"],
            "POSTGRES_POOL_SIZE": "5",
            # eventsourcing retries a failed statement 10 times (0.2 s apart),
            # each waiting up to this for a connection: keep outages short-lived
            # for callers. No pre-ping (a round trip per checkout): a connection
            # a server restart broke fails once, is discarded, and the retry
            # takes another.
            "POSTGRES_CONNECT_TIMEOUT": "2",
            "POSTGRES_LOCK_TIMEOUT": "5",
            # Saves grouped across threads, outside psycopg's pipeline mode:
            # a big one (a ledger import) hung in it
            # (gxtrack.infra.event_recorder).
            "APPLICATION_RECORDER_TOPIC": (
                "gxtrack.infra.event_recorder:PostgresEventRecorder"
            ),
        }
        schema = schema or params.get("schema")
        if schema:
            env["POSTGRES_SCHEMA"] = schema
        return env
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return {
        **common,
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(settings.data_dir / "events.db"),
        "SQLITE_LOCK_TIMEOUT": "10",
        # Saves grouped across threads (gxtrack.infra.event_recorder).
        "APPLICATION_RECORDER_TOPIC": "gxtrack.infra.event_recorder:SQLiteEventRecorder",
    }
