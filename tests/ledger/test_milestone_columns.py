"""The ledger's node-date and completed-investment columns, with provenance."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from gxtrack.app.ledger.service import LedgerRejectedError
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects
from tests.ledger.sheets import csv_bytes

HEADERS = [
    "项目名称",
    "投资方",
    "产业类别",
    "落户板块",
    "总投资（万元）",
    "签约日期",
    "环评计划日期",
    "环评日期",
    "入库纳统日期",
    "完成投资月份",
    "月度完成投资（亿元）",
]
ROW = [
    "【示例】节点台账项目",
    "【示例】某公司",
    "ngit",
    "mudu",
    "5000",
    "2025-01-10",
    "2025-03-01",
    "2025.3.20",
    None,
    "2025年6月",
    "0.15",
]


def sheet(*rows):
    return csv_bytes([list(r) for r in rows], "utf-8", HEADERS)


def test_node_dates_and_investment_are_imported_once(runtime, leader):
    app = runtime.app
    result = app.import_ledger(sheet(ROW), "台账.csv", leader, confirm=True)
    assert result.written
    items = list_projects(runtime.db, PoolFilter(), "name", 1, 10)["items"]
    project = app.get_project(items[0]["id"])
    env = next(n for n in project["milestones"] if n["code"] == "env_review")
    assert (env["planned_on"], env["done_on"]) == ("2025-03-01", "2025-03-20")
    assert project["investment"]["by_month"] == {"2025-06": "1500"}  # 0.15 亿元
    # Each event keeps where it came from: the file and its row.
    events = [
        e
        for e in app.events.get(UUID(project["id"]))
        if type(e).__name__ in ("MilestoneUpdated", "InvestmentReported")
    ]
    assert len(events) == 2 and all(e.source["row"] == 2 for e in events)
    # The same rows again change nothing.
    again = app.import_ledger(sheet(ROW), "台账.csv", leader, confirm=True)
    assert again.events == 0
    # A later ledger with a corrected month and the 入库纳统 date updates both.
    later = list(ROW)
    later[8], later[10] = date(2025, 7, 1), "0.2"
    app.import_ledger(sheet(later), "台账2.csv", leader, confirm=True)
    project = app.get_project(project["id"])
    assert project["investment"]["by_month"] == {"2025-06": "2000"}
    stats = next(n for n in project["milestones"] if n["code"] == "statistics")
    assert stats["done_on"] == "2025-07-01"


@pytest.mark.parametrize(
    ("index", "value", "column"),
    [
        (7, "2024-12-31", "环评日期"),  # done before the signing date
        (9, "2025-13", "完成投资月份"),
        (9, None, "完成投资月份"),  # an amount without its month
    ],
)
def test_bad_node_or_investment_cells_name_their_column(
    runtime, leader, index, value, column
):
    row = list(ROW)
    row[index] = value
    with pytest.raises(LedgerRejectedError) as error:
        runtime.app.import_ledger(sheet(row), "台账.csv", leader, confirm=True)
    problems = error.value.preview.problems
    assert [(p.row, p.column) for p in problems] == [(2, column)]
