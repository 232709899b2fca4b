"""After an import the read models equal a rebuild, however the catch-up batched."""

from __future__ import annotations

import gc
import math

from domain.permissions import Actor
from gxtrack.bootstrap import BULK_PAGES, Runtime
from tests.ledger.sheets import xlsx_bytes
from tests.ledger.test_import_save import many_rows
from tests.reliability.workload import dump, read_model_tables


def test_read_models_after_an_import_equal_a_rebuild(runtime, leader):
    engine = runtime.projections
    engine.batch_size = 7  # many pages, so the catch-up spans several of them
    result = runtime.app.import_ledger(
        xlsx_bytes(many_rows(30)), "台账.xlsx", leader, confirm=True
    )
    assert result.events > 60
    tables = read_model_tables(runtime)
    imported = dump(runtime.db, tables)
    assert len(imported["rm_projects"]) == 30
    engine.rebuild()
    assert dump(runtime.db, tables) == imported
    engine.rebuild(batch_size=1)  # one event per page: nothing coalesced
    assert dump(runtime.db, tables) == imported


def test_the_catch_up_commits_many_pages_at_once(runtime, leader, monkeypatch):
    engine = runtime.projections
    engine.batch_size = 2
    runtime.app.reference()
    runtime.wait_for_read_models()
    batches = []
    run_batch = engine.run_batch

    def counted(*args, **kwargs):
        read = run_batch(*args, **kwargs)
        batches.append(read)
        return read

    monkeypatch.setattr(engine, "run_batch", counted)
    result = runtime.app.import_ledger(
        xlsx_bytes(many_rows(30)), "台账.xlsx", leader, confirm=True
    )
    # One transaction per BULK_PAGES pages (and the last, empty, look).
    assert len(batches) <= math.ceil(result.events / (2 * BULK_PAGES)) + 1
    assert sum(batches) == result.events
    assert set(engine.positions().values()) == {runtime.app.position()}


def test_the_cycle_collector_is_paused_during_an_import_only(runtime, leader):
    seen = []
    runtime.app.import_ledger(
        xlsx_bytes(many_rows(3)),
        "台账.xlsx",
        leader,
        confirm=True,
        progress=lambda *_: seen.append(gc.isenabled()),
    )
    assert seen
    assert not any(seen)
    assert gc.isenabled()


def test_the_pools_new_rows_go_in_a_few_statements_on_sqlite(sqlite_settings, leader):
    # Triggers keep the text index and the monthly sums, and SQLite's FTS5
    # flushes at each statement's end: a statement per row paid it per row.
    runtime = Runtime.open(sqlite_settings)
    try:
        runtime.app.reference()
        runtime.wait_for_read_models()
        statements: list[str] = []
        runtime.db.connection().set_trace_callback(statements.append)
        result = runtime.app.import_ledger(
            xlsx_bytes(many_rows(30)), "台账.xlsx", leader, confirm=True
        )
        runtime.db.connection().set_trace_callback(None)
        assert result.preview.counts()["create"] == 30
        for table in ("rm_projects", "rm_stage_history"):
            # Distinct: the trace repeats a statement each time it runs a trigger.
            inserts = {s for s in statements if s.startswith(f"INSERT INTO {table} (")}
            assert 0 < len(inserts) <= 6, table  # 30 rows: 16 + 8 + 4 + 2
        assert runtime.db.scalar("SELECT COUNT(*) FROM rm_projects_docs") == 30
    finally:
        runtime.close()


def test_the_projection_process_takes_a_backlog_many_pages_at_once(
    runtime, monkeypatch
):
    """A backlog (an import the follower applies, under `gxtrack serve` or in
    production): after a full batch it takes BULK_PAGES pages a transaction,
    then one again."""
    from gxtrack.readmodels.engine.follower import ProjectionFollower

    engine = runtime.projections
    engine.batch_size = 2
    runtime.app.reference()
    runtime.wait_for_read_models()
    for n in range(30):  # recorded, nobody applying them yet
        runtime.app.add_user(Actor.system(), f"backlog{n}", "officer")
    backlog = runtime.app.position() - engine.lowest()
    pages: list[int] = []
    run_batch = engine.run_batch

    def counted(*args, **kwargs):
        read = run_batch(*args, **kwargs)
        if read:
            pages.append(kwargs.get("pages", 1))
        return read

    monkeypatch.setattr(engine, "run_batch", counted)
    follower = ProjectionFollower(engine, poll_seconds=0.02)
    follower.start()
    try:
        engine.wait_for(runtime.app.position(), timeout=30, inline=False)
        runtime.app.add_user(Actor.system(), "after_the_backlog", "officer")
        engine.wait_for(runtime.app.position(), timeout=30, inline=False)
    finally:
        follower.stop()
    assert backlog >= 30
    assert pages[0] == 1 and pages[1] == BULK_PAGES
    assert len(pages) <= math.ceil(backlog / (2 * BULK_PAGES)) + 3
    assert pages[-1] == 1  # a lone command afterwards: one page again
