"""督办单 as rows: one per 督办, updated by each step (reply, send back, 办结).

The steps are events of the project (InvestmentProject.Supervision…); a row
keeps the latest reply and the counts of replies and send-backs, so lists can
filter by status and due date without replaying projects.
"""

from __future__ import annotations

import json
from typing import Any

from domain.project import InvestmentProject
from gxtrack.infra.db import Cursor
from gxtrack.infra.ids import id_text
from gxtrack.readmodels.engine.projection import Projection, handles


class SupervisionProjection(Projection):
    """rm_supervisions."""

    name = "supervisions"
    tables = ("rm_supervisions",)
    ddl = (
        "CREATE TABLE IF NOT EXISTS rm_supervisions ("
        " id TEXT PRIMARY KEY, number TEXT NOT NULL, year INTEGER NOT NULL,"
        " seq INTEGER NOT NULL, project_id TEXT NOT NULL,"
        " requirement TEXT NOT NULL, due_on TEXT NOT NULL, units TEXT NOT NULL,"
        " status TEXT NOT NULL, issued_by TEXT NOT NULL, issued_on TEXT NOT NULL,"
        " issued_at TEXT NOT NULL, reply TEXT, replied_by TEXT, replied_at TEXT,"
        " replies INTEGER NOT NULL DEFAULT 0, returns INTEGER NOT NULL DEFAULT 0,"
        " returned_reason TEXT, closed_by TEXT, closed_on TEXT, closed_at TEXT,"
        " close_note TEXT, updated_at TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS rm_supervisions_project"
        " ON rm_supervisions (project_id)",
        "CREATE INDEX IF NOT EXISTS rm_supervisions_due"
        " ON rm_supervisions (status, due_on)",
    )

    @handles(InvestmentProject.SupervisionIssued)
    def on_InvestmentProject_SupervisionIssued(self, cur: Cursor, e: Any) -> None:
        year, seq = _year_seq(e.number)
        at = e.timestamp.isoformat()
        cur.execute(
            "INSERT INTO rm_supervisions (id, number, year, seq, project_id,"
            " requirement, due_on, units, status, issued_by, issued_on, issued_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)",
            (
                e.supervision_id,
                e.number,
                year,
                seq,
                id_text(e.originator_id),
                e.requirement,
                e.due_on.isoformat(),
                json.dumps(list(e.units), ensure_ascii=False),
                e.actor,
                e.issued_on.isoformat(),
                at,
                at,
            ),
        )

    @staticmethod
    def _set(cur: Cursor, e: Any, **columns: Any) -> None:
        columns["updated_at"] = e.timestamp.isoformat()
        sets = ", ".join(f"{c} = ?" for c in columns)
        cur.execute(
            f"UPDATE rm_supervisions SET {sets} WHERE id = ?",
            (*columns.values(), e.supervision_id),
        )

    @handles(InvestmentProject.SupervisionReplied)
    def on_InvestmentProject_SupervisionReplied(self, cur: Cursor, e: Any) -> None:
        cur.execute(
            "UPDATE rm_supervisions SET replies = replies + 1 WHERE id = ?",
            (e.supervision_id,),
        )
        self._set(
            cur,
            e,
            status="replied",
            reply=e.note,
            replied_by=e.actor,
            replied_at=e.timestamp.isoformat(),
        )

    @handles(InvestmentProject.SupervisionSentBack)
    def on_InvestmentProject_SupervisionSentBack(self, cur: Cursor, e: Any) -> None:
        cur.execute(
            "UPDATE rm_supervisions SET returns = returns + 1 WHERE id = ?",
            (e.supervision_id,),
        )
        self._set(cur, e, status="returned", returned_reason=e.reason)

    @handles(InvestmentProject.SupervisionClosed)
    def on_InvestmentProject_SupervisionClosed(self, cur: Cursor, e: Any) -> None:
        self._set(
            cur,
            e,
            status="closed",
            closed_by=e.actor,
            closed_on=e.closed_on.isoformat(),
            closed_at=e.timestamp.isoformat(),
            close_note=e.note,
        )


def _year_seq(number: str) -> tuple[int, int]:
    """(2026, 3) from 督办〔2026〕3号."""
    year, _, rest = number.partition("〕")
    return int(year.rsplit("〔", 1)[-1]), int(rest.rstrip("号"))
