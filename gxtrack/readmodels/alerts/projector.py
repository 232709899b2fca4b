"""Stall alerts as rows: one per flag, with its answer, escalation and clearing.

rm_alerts lets the bureau measure how fast stalls are answered and resolved;
rm_stall_scans lists the weekly scans; rm_stall_policy mirrors the policy in
force so that read-side queries judge with the same thresholds as the scan.
"""

from __future__ import annotations

import json
from typing import Any

from domain.project import InvestmentProject
from domain.stall import StallPolicy
from domain.stall_scan import StallScan
from gxtrack.infra.db import Cursor
from gxtrack.infra.ids import id_text
from gxtrack.readmodels.engine.projection import Projection, handles


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


class StallProjection(Projection):
    """rm_alerts, rm_stall_scans and rm_stall_policy."""

    name = "stalled"
    tables = ("rm_alerts", "rm_stall_scans", "rm_stall_policy")
    ddl = (
        "CREATE TABLE IF NOT EXISTS rm_alerts ("
        " id TEXT PRIMARY KEY, project_id TEXT NOT NULL, level TEXT NOT NULL,"
        " rule TEXT NOT NULL, days_in_stage INTEGER NOT NULL,"
        " threshold INTEGER NOT NULL, policy_version INTEGER NOT NULL,"
        " week TEXT NOT NULL, as_of TEXT NOT NULL, flagged_at TEXT NOT NULL,"
        " is_open INTEGER NOT NULL, superseded_at TEXT,"
        " answered_at TEXT, last_answered_at TEXT, answered_by TEXT, cause TEXT,"
        " plan TEXT, checkpoint TEXT, answers INTEGER NOT NULL DEFAULT 0,"
        " escalated_at TEXT, escalated_by TEXT, escalation_reason TEXT,"
        " cleared_at TEXT, cleared_on TEXT, clear_reason TEXT)",
        # (project_id, is_open): each flag's handler finds the project's open
        # alert through it; an index on is_open alone made flagging quadratic.
        "CREATE INDEX IF NOT EXISTS rm_alerts_project"
        " ON rm_alerts (project_id, is_open)",
        "CREATE INDEX IF NOT EXISTS rm_alerts_flagged ON rm_alerts (flagged_at)",
        "CREATE TABLE IF NOT EXISTS rm_stall_scans ("
        " week TEXT PRIMARY KEY, as_of TEXT NOT NULL, actor TEXT NOT NULL,"
        " policy_version INTEGER NOT NULL, judged INTEGER NOT NULL,"
        " flagged INTEGER NOT NULL, cleared INTEGER NOT NULL,"
        " recorded_at TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS rm_stall_policy ("
        " id INTEGER PRIMARY KEY, version INTEGER NOT NULL,"
        " thresholds TEXT NOT NULL, overdue_days INTEGER NOT NULL,"
        " modified_at TEXT NOT NULL)",
    )

    # -- alerts ------------------------------------------------------------

    @handles(InvestmentProject.StallFlagged)
    def on_InvestmentProject_StallFlagged(self, cur: Cursor, e: Any) -> None:
        pid, at = id_text(e.originator_id), e.timestamp.isoformat()
        cur.execute(
            "UPDATE rm_alerts SET is_open = 0, superseded_at = ?"
            " WHERE project_id = ? AND is_open = 1",
            (at, pid),
        )
        cur.execute(
            "INSERT INTO rm_alerts (id, project_id, level, rule, days_in_stage,"
            " threshold, policy_version, week, as_of, flagged_at, is_open)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            (
                f"{pid}:{e.originator_version}",
                pid,
                e.level,
                e.rule,
                e.days_in_stage,
                e.threshold,
                e.policy_version,
                e.week,
                _iso(e.as_of),
                at,
            ),
        )

    @handles(InvestmentProject.StallAnswered)
    def on_InvestmentProject_StallAnswered(self, cur: Cursor, e: Any) -> None:
        at = e.timestamp.isoformat()
        cur.execute(
            "UPDATE rm_alerts SET answered_at = COALESCE(answered_at, ?),"
            " last_answered_at = ?, answered_by = ?, cause = ?, plan = ?,"
            " checkpoint = ?, answers = answers + 1"
            " WHERE project_id = ? AND is_open = 1",
            (
                at,
                at,
                e.actor,
                e.cause,
                e.plan,
                _iso(e.checkpoint),
                id_text(e.originator_id),
            ),
        )

    @handles(InvestmentProject.StallEscalated)
    def on_InvestmentProject_StallEscalated(self, cur: Cursor, e: Any) -> None:
        cur.execute(
            "UPDATE rm_alerts SET escalated_at = ?, escalated_by = ?,"
            " escalation_reason = ? WHERE project_id = ? AND is_open = 1",
            (e.timestamp.isoformat(), e.actor, e.reason, id_text(e.originator_id)),
        )

    @handles(InvestmentProject.StallCleared)
    def on_InvestmentProject_StallCleared(self, cur: Cursor, e: Any) -> None:
        # Clearing ends the episode: the open flag and any it superseded.
        cur.execute(
            "UPDATE rm_alerts SET is_open = 0, cleared_at = ?, cleared_on = ?,"
            " clear_reason = ? WHERE project_id = ? AND cleared_at IS NULL",
            (
                e.timestamp.isoformat(),
                _iso(e.as_of),
                e.reason,
                id_text(e.originator_id),
            ),
        )

    @handles(InvestmentProject.MergedInto)
    def on_InvestmentProject_MergedInto(self, cur: Cursor, e: Any) -> None:
        # A duplicate's alerts were the survivor's stall counted twice: they
        # leave the figures with it (its history keeps them).
        cur.execute(
            "DELETE FROM rm_alerts WHERE project_id = ?", (id_text(e.originator_id),)
        )

    # -- scans and policy --------------------------------------------------

    @handles(StallScan.Recorded)
    def on_StallScan_Recorded(self, cur: Cursor, e: Any) -> None:
        cur.execute(
            "INSERT INTO rm_stall_scans (week, as_of, actor, policy_version, judged,"
            " flagged, cleared, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                e.week,
                _iso(e.as_of),
                e.actor,
                e.policy_version,
                e.judged,
                len(e.flagged),
                len(e.cleared),
                e.timestamp.isoformat(),
            ),
        )

    def _policy(self, cur: Cursor, e: Any) -> None:
        cur.execute("DELETE FROM rm_stall_policy WHERE id = 1")
        cur.execute(
            "INSERT INTO rm_stall_policy (id, version, thresholds, overdue_days,"
            " modified_at) VALUES (1, ?, ?, ?, ?)",
            (
                e.originator_version,
                json.dumps(e.thresholds, sort_keys=True),
                e.overdue_days,
                e.timestamp.isoformat(),
            ),
        )

    @handles(StallPolicy.Created)
    def on_StallPolicy_Created(self, cur: Cursor, e: Any) -> None:
        self._policy(cur, e)

    @handles(StallPolicy.PolicyChanged)
    def on_StallPolicy_PolicyChanged(self, cur: Cursor, e: Any) -> None:
        self._policy(cur, e)
