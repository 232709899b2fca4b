"""Wiring: one object holding the application, the read-model database,
the credentials and the projection engine, built from Settings.

Every entry point (CLI, web app, scheduler, tests) builds a Runtime; nothing is
created at import time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gxtrack.app import GxTrack
from gxtrack.app.application import application_env
from gxtrack.app.kept import recorded_in_scope
from gxtrack.app.read_side import CatchUpProgress, ReadSide
from gxtrack.errors import ProjectionTimeoutError
from gxtrack.infra.accounts import Accounts
from gxtrack.infra.db import Database, open_database
from gxtrack.infra.mailer import Outbox
from gxtrack.infra.migrations import migrate, schema_lock
from gxtrack.readmodels import ProjectionEngine, default_projections
from gxtrack.readmodels.engine.engine import BULK_PAGES
from gxtrack.readmodels.pool.queries import scan_candidates
from gxtrack.settings import Settings


@dataclass
class Runtime:
    """The live parts of one gxtrack process."""

    settings: Settings
    app: GxTrack
    db: Database
    accounts: Accounts
    projections: ProjectionEngine

    @classmethod
    def open(cls, settings: Settings | None = None, **env: Any) -> Runtime:
        """Connect to the stores named by `settings` and make sure tables exist."""
        settings = settings or Settings.from_env()
        db = open_database(settings)

        def pool_rows(stages: Sequence[str]) -> list[dict[str, Any]]:
            runtime.wait_for_read_models()  # the scan judges the pool with every event in it
            return scan_candidates(db, stages)

        # What the use cases need of the read side and the outside, given once;
        # the Runtime is made after the app, so the lambdas look it up when called.
        read_side = ReadSide(
            db=db,
            wait_for_read_models=lambda: runtime.wait_for_read_models(),
            catch_up_with_progress=lambda show: runtime.catch_up_with_progress(show),
            stale_figures_seconds=settings.stale_figures_seconds,
        )
        # With a read replica, `db` reads from it; what writes, and what must
        # be read fresh (positions, credentials, the outbox), uses the primary.
        primary = db.primary
        outbox = Outbox(primary, dict(settings.smtp), settings.data_dir / "outbox")
        with schema_lock(primary):  # workers starting at once create tables once
            app = GxTrack(
                env=application_env(settings),
                pool_rows=pool_rows,
                read_side=read_side,
                outbox=outbox,
            )
        runtime = cls(
            settings=settings,
            app=app,
            db=db,
            accounts=Accounts(primary),
            projections=ProjectionEngine(app, primary, default_projections()),
        )
        runtime.setup()
        return runtime

    def setup(self) -> None:
        """Migrate the credential schema, create read-model tables (idempotent)."""
        with schema_lock(self.db.primary):
            migrate(self.db.primary)
            self.projections.setup()

    def wait_for_read_models(self) -> None:
        """Read-your-writes: wait until the read models include every event."""
        timeout = self.settings.projection_wait_seconds
        self.projections.sync(timeout=timeout, inline=self.settings.inline_projections)
        self.wait_for_replica()

    def wait_for_own_writes(self) -> None:
        """After a command: wait until the read models include what this request
        saved (gxtrack.app.kept.scope), or every event when that is not known.

        The command's own position spares asking the log for its head.
        """
        position = recorded_in_scope()
        if position is None:
            self.wait_for_read_models()
            return
        timeout = self.settings.projection_wait_seconds
        self.projections.wait_for(
            position, timeout=timeout, inline=self.settings.inline_projections
        )
        self.wait_for_replica()

    def wait_for_replica(self) -> None:
        """Read-your-writes through a read replica: wait until it has replayed
        every commit so far (the primary's WAL position), or 503."""
        timeout = self.settings.projection_wait_seconds
        if not self.db.wait_for_replica(timeout):
            raise ProjectionTimeoutError(
                "数据已保存，但只读副本尚未同步（未在 "
                f"{timeout:g} 秒内追上），请稍后刷新"
            )

    def catch_up_with_progress(self, show: CatchUpProgress) -> None:
        """Like wait_for_read_models(), showing progress.

        For a bulk write (a ledger import): the catch-up commits every
        BULK_PAGES pages of events, not every page. Each commit writes every
        page of every table and index the batch dirtied; twenty commits for
        a 10k-event import rewrote the same pages twenty times (a fifth to
        two fifths of the catch-up's CPU, the more the busier the machine). A
        transaction still holds a bounded number of events.
        """
        if not self.settings.inline_projections:
            # The projection process applies them: its progress is shown,
            # and only a process that stops moving times out.
            self.projections.watch(show, self.settings.projection_wait_seconds)
        else:
            self.projections.run(show, pages=BULK_PAGES)
        self.wait_for_replica()

    def close(self) -> None:
        """Release connections."""
        self.db.close()
        self.app.close()
