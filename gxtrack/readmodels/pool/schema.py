"""The pool's tables and indexes: rm_projects, its stage history and policy.

The DDL is hashed (engine): a change to POOL_DDL rebuilds the pool from the
log. ENTRY_INDEXES, like the as-of and text-search indexes, change no row and
are made in place on a pool that lacks them, outside that hash.
"""

from __future__ import annotations

from gxtrack.readmodels.pool import stage_months
from gxtrack.readmodels.pool.judgement import POLICY_DDL

POOL_DDL = (
    "CREATE TABLE IF NOT EXISTS rm_projects ("
    " id TEXT PRIMARY KEY, name TEXT NOT NULL, investor TEXT NOT NULL,"
    " search TEXT NOT NULL, industry TEXT NOT NULL, zone TEXT NOT NULL,"
    " investment BIGINT NOT NULL, priority TEXT NOT NULL, officer TEXT NOT NULL,"
    " enterprise_id TEXT, land_area TEXT,"
    " stage TEXT NOT NULL, stage_date TEXT NOT NULL, withdrawn_from TEXT,"
    " negotiating_on TEXT, signed_on TEXT, landed_on TEXT, producing_on TEXT,"
    " withdrawn_on TEXT,"
    " planned_signed TEXT, planned_landed TEXT, planned_producing TEXT,"
    " progress_on TEXT, progress_note TEXT,"
    " stall_level TEXT, stall_rule TEXT, stall_days INTEGER, stall_since TEXT,"
    " exempt_until TEXT, exempt_reason TEXT, exempt_by TEXT, exempt_on TEXT,"
    " version INTEGER NOT NULL, created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL)",
    # The list filters by stage, industry and zone and shows the latest
    # updated first: this index yields a page without sorting.
    "CREATE INDEX IF NOT EXISTS rm_projects_list"
    " ON rm_projects (stage, industry, zone, updated_at, id)",
    # Summaries are one grouped pass over this covering index.
    "CREATE INDEX IF NOT EXISTS rm_projects_summary"
    " ON rm_projects (stage, industry, zone, investment)",
    # Filtered by stage alone (the commonest filter, and the exports of a
    # stage), the latest updated first: a page or an export's rows in
    # order, without sorting every project in the stage.
    "CREATE INDEX IF NOT EXISTS rm_projects_stage_updated"
    " ON rm_projects (stage, updated_at, id)",
    "CREATE INDEX IF NOT EXISTS rm_projects_officer ON rm_projects (officer)",
    "CREATE INDEX IF NOT EXISTS rm_projects_zone ON rm_projects (zone)",
    "CREATE INDEX IF NOT EXISTS rm_projects_updated ON rm_projects (updated_at)",
    "CREATE INDEX IF NOT EXISTS rm_projects_stall ON rm_projects (stall_level)",
    # Duplicates are found by name or investor (registration's warning,
    # the project page's merge form): without these, a pass over the pool.
    "CREATE INDEX IF NOT EXISTS rm_projects_name ON rm_projects ((TRIM(name)))",
    "CREATE INDEX IF NOT EXISTS rm_projects_investor ON rm_projects ((TRIM(investor)))",
    "CREATE TABLE IF NOT EXISTS rm_stage_history ("
    " project_id TEXT NOT NULL, seq INTEGER NOT NULL, stage TEXT NOT NULL,"
    " entered_on TEXT NOT NULL, left_on TEXT, recorded_at TEXT NOT NULL,"
    " industry TEXT, zone TEXT, investment BIGINT,"
    " PRIMARY KEY (project_id, seq))",
    # As-of lists and summaries read only this index: the interval's
    # dates and stage plus the project's (current) industry, zone and
    # investment, copied here so that no row of rm_projects is visited.
    "CREATE INDEX IF NOT EXISTS rm_stage_history_span ON rm_stage_history"
    " (entered_on, left_on, stage, industry, zone, investment)",
    *stage_months.DDL,
    POLICY_DDL,
)

# The year's new 签约/落地/投产 (the dashboard's KPIs) are a range of one of
# these dates, counted and summed from the index alone rather than a pass over
# every pool row. Indexes change no row: they are made in place on a pool that
# lacks them, outside the DDL whose change would rebuild the read model.
ENTRY_INDEXES = tuple(
    f"CREATE INDEX IF NOT EXISTS rm_projects_{stage}_on"
    f" ON rm_projects ({stage}_on, investment)"
    for stage in ("signed", "landed", "producing")
)
