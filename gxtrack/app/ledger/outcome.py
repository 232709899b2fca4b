"""What planning a ledger row produces: its plan, its problems, its identity."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.project import InvestmentProject
from gxtrack.app.ledger.values import normalize


@dataclass
class Problem:
    """Something wrong at a row (spreadsheet number) and column of the ledger."""

    row: int
    column: str
    message: str

    def text(self) -> str:
        """The problem as one Chinese line."""
        where = f"第 {self.row} 行"
        column = f"「{self.column}」" if self.column else "（表头）"
        return f"{where}{column}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class RowPlan:
    """What importing one row does: create, update, nothing, or cannot."""

    row: int
    name: str
    investor: str
    action: str = "create"  # create | update | unchanged | invalid | skipped
    project_id: str | None = None
    steps: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    project: InvestmentProject | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (no aggregate)."""
        return {
            "row": self.row,
            "name": self.name,
            "investor": self.investor,
            "action": self.action,
            "project_id": self.project_id,
            "steps": list(self.steps),
            "differences": list(self.differences),
            "problems": [p.to_dict() for p in self.problems],
        }


def project_key(name: str, investor: str) -> tuple[str, str]:
    """How a project is recognised across imports: its name and its investor."""
    return normalize(name), normalize(investor)


class RowError(Exception):
    """Stops planning one row; carries the row's problems."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].text())
        self.problems = problems
