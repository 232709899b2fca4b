"""Completed investment as it stands now and as it was known before a correction."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from domain.clock import today
from domain.permissions import Actor
from gxtrack.bootstrap import Runtime
from gxtrack.readmodels.milestones.queries import (
    completed_investment,
    investment_by_project,
)
from gxtrack.settings import Settings


def test_a_corrected_month_changes_the_year_and_the_as_known_keeps_both(tmp_path):
    runtime = Runtime.open(Settings(data_dir=tmp_path, database_url="memory://"))
    try:
        app = runtime.app
        system = Actor.system()
        app.add_user(system, "leader1", "leader")
        actor = app.actor_for("leader1")
        pid = app.register_project(
            actor,
            name="项目",
            investor="投资方",
            industry="ngit",
            zone="mudu",
            planned_investment="1000",
            stage="signed",
            stage_date=today() - timedelta(days=400),
        )["id"]
        year = today().year
        first, this = f"{year}-01", f"{today():%Y-%m}"
        app.report_investment(actor, pid, this, "120")
        runtime.wait_for_read_models()
        time.sleep(0.01)
        before_correction = datetime.now(UTC)
        time.sleep(0.01)
        app.report_investment(actor, pid, this, "100", note="统计局核定")
        runtime.wait_for_read_models()
        db = runtime.db
        assert completed_investment(db, first, this) == "100"
        assert completed_investment(db, first, this, before_correction) == "120"
        assert investment_by_project(db, first, this) == {pid: "100"}
    finally:
        runtime.close()
