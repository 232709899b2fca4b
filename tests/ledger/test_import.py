"""Importing a ledger through the service, on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from domain.clock import today as bureau_today
from gxtrack.app.base import parse_id
from gxtrack.app.history import history
from gxtrack.errors import NotFoundError, PermissionDeniedError
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects
from tests.ledger.sheets import (
    ROWS,
    csv_bytes,
    pool,
    rows_with,
    xlsx_bytes,
)


def test_import_builds_history_with_the_ledgers_dates(runtime, leader):
    started = datetime.now().astimezone()
    result = runtime.app.import_ledger(xlsx_bytes(), "台账.xlsx", leader, confirm=True)
    assert result.written and result.preview.counts()["create"] == 4
    assert result.events == 11
    projects = {
        p["name"]: p
        for p in list_projects(runtime.db, PoolFilter(), "name", 1, 50)["items"]
    }
    robot = projects["【示例】工业机器人整机项目"]
    assert robot["stage"] == "producing"
    assert robot["stage_dates"] == {
        "signed": "2022-03-05",
        "landed": "2022-06-18",
        "producing": "2023-05-01",
    }
    assert robot["planned_investment"] == "12000"
    assert robot["officer"] == "示例专员甲"
    assert robot["priority"] == "city"
    assert robot["last_progress"]["note"] == "已竣工投产，正在扩产"
    drug = projects["【示例】创新药研发生产基地"]
    assert drug["planned_investment"] == "12000"  # 1.2亿
    assert drug["stage_dates"]["landed"] == "2022-09-01"  # Excel serial 44805
    assert drug["planned_dates"] == {"producing": "2025-06-30"}
    battery = projects["【示例】储能电池项目"]
    assert (battery["stage"], battery["stage_date"]) == ("withdrawn", "2022-12-01")
    assert battery["planned_investment"] == "35000"
    satellite = projects["【示例】卫星导航终端项目"]
    assert satellite["stage"] == "negotiating"
    assert satellite["officer"] == "leader"  # blank 责任人: the importer

    # Each event carries the ledger's business date and the import's provenance.
    items = history(runtime.app, parse_id(robot["id"]))
    assert [i["type"] for i in items] == [
        "Registered",
        "Landed",
        "ProductionStarted",
        "ProgressReported",
    ]
    assert [i["effective_date"] for i in items[:3]] == [
        "2022-03-05",
        "2022-06-18",
        "2023-05-01",
    ]
    for item in items:
        assert item["actor"] == "leader"
        assert item["data"]["source"] == {
            "file": "台账.xlsx",
            "sha256": result.preview.sha256,
            "sheet": "项目台账",
            "row": 4,
            "imported_by": "leader",
        }
        # Recorded time is the import; business dates are the ledger's.
        assert datetime.fromisoformat(item["recorded_at"]) >= started
    # As recorded before the import, the project did not exist in gxtrack.
    with pytest.raises(NotFoundError):
        runtime.app.get_project(robot["id"], recorded_at=started)


def test_as_of_pool_follows_the_ledgers_dates(runtime, leader):
    runtime.app.import_ledger(xlsx_bytes(), "台账.xlsx", leader, confirm=True)
    assert pool(runtime, date(2021, 11, 19)) == {}
    assert pool(runtime, date(2022, 3, 4)) == {"储能电池": ("signed", "2021-11-20")}
    on_signing = pool(runtime, date(2022, 3, 5))
    assert on_signing == {
        "储能电池": ("signed", "2021-11-20"),
        "工业机器": ("signed", "2022-03-05"),
    }
    assert pool(runtime, date(2022, 12, 1)) == {
        "储能电池": ("withdrawn", "2022-12-01"),
        "工业机器": ("landed", "2022-06-18"),
        "创新药研": ("landed", "2022-09-01"),
    }
    later = pool(runtime, date(2023, 5, 1))
    assert later["工业机器"] == ("producing", "2023-05-01")
    # The negotiating project had no date in the ledger: it exists from today.
    assert "卫星导航" not in later
    assert pool(runtime)["卫星导航"][0] == "negotiating"


def test_reimporting_the_same_file_changes_nothing(runtime, leader):
    data = xlsx_bytes()
    runtime.app.import_ledger(data, "台账.xlsx", leader, confirm=True)
    position = runtime.app.position()
    again = runtime.app.import_ledger(data, "台账.xlsx", leader, confirm=True)
    assert again.preview.counts()["unchanged"] == 4
    assert again.events == 0
    assert not any(row.differences for row in again.preview.rows)
    assert runtime.app.position() == position
    # The same rows as a CSV (another file, another digest) match too.
    again = runtime.app.import_ledger(
        csv_bytes(ROWS, "gb18030"), "台账.csv", leader, True
    )
    assert again.preview.counts()["unchanged"] == 4
    assert runtime.app.position() == position


def test_updated_ledger_moves_matched_projects_and_reports_differences(runtime, leader):
    runtime.app.import_ledger(xlsx_bytes(), "台账.xlsx", leader, confirm=True)
    later = rows_with(
        {
            (1, "投产日期"): "2024年3月1日",
            (1, "推进情况"): "已投产",
            (0, "签约日期"): "2022年3月6日",
            (0, "总投资（万元）"): "15,000",
        }
    )
    result = runtime.app.import_ledger(xlsx_bytes(later), "台账2.xlsx", leader, True)
    plans = {r.row: r for r in result.preview.rows}
    assert plans[5].action == "update"
    assert plans[5].steps == [
        "投产 2024-03-01",
        f"推进情况 {bureau_today().isoformat()}",
    ]
    # Differences in dates or amounts are shown, never written: that is a
    # leader's correction, with a reason, through the project page.
    assert plans[4].action == "unchanged"
    assert any(
        "签约日期: 系统 2022-03-05，台账 2022-03-06" in d for d in plans[4].differences
    )
    assert any(
        "总投资（万元）: 系统 12000，台账 15000" in d for d in plans[4].differences
    )
    assert result.events == 2
    now = pool(runtime)
    assert now["创新药研"] == ("producing", "2024-03-01")
    assert now["工业机器"] == ("producing", "2023-05-01")
    drug = next(r for r in result.preview.rows if r.row == 5)
    items = history(runtime.app, parse_id(drug.project_id))
    assert items[-2]["type"] == "ProductionStarted"
    assert items[-2]["data"]["source"]["file"] == "台账2.xlsx"


def test_dry_run_plans_but_writes_nothing(runtime, leader):
    runtime.app.reference()
    position = runtime.app.position()
    result = runtime.app.import_ledger(xlsx_bytes(), "台账.xlsx", leader, confirm=False)
    assert not result.written and result.events == 11
    assert [r.action for r in result.preview.rows] == ["create"] * 4
    assert runtime.app.position() == position


def test_only_leaders_and_admins_import(runtime, officer):
    with pytest.raises(PermissionDeniedError):
        runtime.app.preview_ledger(xlsx_bytes(), "台账.xlsx", officer)


def test_reserve_project_withdrawn_before_signing(runtime, admin):
    headers = [
        "项目名称",
        "投资方",
        "产业类别",
        "落户板块",
        "总投资",
        "终止日期",
        "终止原因",
    ]
    rows = [
        [
            "【示例】甲项目",
            "【示例】甲公司",
            "ngit",
            "mudu",
            100,
            "2022.5.1",
            "未落实用地",
        ]
    ]
    result = runtime.app.import_ledger(
        csv_bytes(rows, "utf-8", headers), "a.csv", admin, confirm=True
    )
    assert result.preview.rows[0].steps == [
        "登记（在谈 2022-05-01）",
        "终止 2022-05-01",
    ]
    assert pool(runtime, date(2022, 5, 1)) == {"甲项目": ("withdrawn", "2022-05-01")}


def test_officer_named_as_people_write_it_becomes_the_user(runtime, admin):
    runtime.app.add_user(admin, "officer_a", "officer", display_name="示例专员甲")
    runtime.wait_for_read_models()
    runtime.app.import_ledger(xlsx_bytes(), "台账.xlsx", admin, confirm=True)
    officers = {
        p["name"][4:8]: p["officer"]
        for p in list_projects(runtime.db, PoolFilter())["items"]
    }
    assert officers["工业机器"] == "officer_a"
    assert officers["创新药研"] == "示例专员乙"  # no such user: kept as written


def test_the_same_file_imported_twice_at_once_writes_its_projects_once(
    runtime, leader, monkeypatch
):
    """Two imports planned before either is saved (two uploads of one ledger
    racing): the second collides on the projects' ids and writes nothing."""
    from gxtrack.errors import ConflictError

    data = xlsx_bytes()
    runtime.app.reference()
    # Both imports see the pool as it was before either: nothing to match.
    monkeypatch.setattr(runtime.app, "_existing_projects", lambda: {})
    first = runtime.app.import_ledger(data, "台账.xlsx", leader, confirm=True)
    assert first.preview.counts()["create"] == 4
    position = runtime.app.position()
    with pytest.raises(ConflictError, match="另一次导入"):
        runtime.app.import_ledger(data, "台账.xlsx", leader, confirm=True)
    assert runtime.app.position() == position
    runtime.wait_for_read_models()
    count = runtime.db.fetchone("SELECT COUNT(*) AS n FROM rm_projects")
    assert count == {"n": 4}
