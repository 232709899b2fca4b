"""Importing a ledger through the service, on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from domain.clock import today as bureau_today
from gxtrack.app.base import parse_id
from gxtrack.app.history import history
from gxtrack.app.ledger.service import LedgerRejectedError
from gxtrack.errors import NotFoundError, PermissionDeniedError
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects
from tests.ledger.sheets import HEADERS, ROWS, csv_bytes, xlsx_bytes

COL = {header: i for i, header in enumerate(HEADERS)}


def pool(runtime, as_of=None):
    """Name → (stage, stage date) of the pool, now or as of a business date."""
    items = list_projects(runtime.db, PoolFilter(as_of=as_of), "name", 1, 200)["items"]
    return {p["name"][4:8]: (p["stage"], p["stage_date"]) for p in items}


def rows_with(changes: dict[tuple[int, str], object]) -> list[list[object]]:
    rows = [list(r) for r in ROWS]
    for (index, header), value in changes.items():
        rows[index][COL[header]] = value
    return rows


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


def test_bad_row_stops_everything_and_names_row_and_column(runtime, leader):
    runtime.app.reference()
    position = runtime.app.position()
    rows = rows_with({(2, "总投资（万元）"): "约三个亿"})
    with pytest.raises(LedgerRejectedError) as caught:
        runtime.app.import_ledger(xlsx_bytes(rows), "台账.xlsx", leader, confirm=True)
    # Row 7 as the spreadsheet numbers it (title, two header rows, a blank row).
    assert "第 7 行「总投资（万元）」" in caught.value.message
    assert "未写入" in caught.value.message
    assert runtime.app.position() == position
    runtime.wait_for_read_models()
    assert list_projects(runtime.db, PoolFilter())["total"] == 0


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        (
            {(0, "产业类别"): "机器人智能制造"},
            "产业类别",
            "最接近的是: 机器人与智能制造",
        ),
        ({(1, "所属板块"): "木渎"}, "所属板块", "木渎镇（mudu）"),
        ({(0, "开工日期"): "2022年3月1日"}, "开工日期", "不能早于"),
        ({(0, "投产日期"): "2099-01-01"}, "投产日期", "不能晚于今天"),
        ({(1, "签约日期"): None}, "签约日期", "缺少签约日期"),
        ({(2, "终止原因"): None}, "终止原因", "终止须填原因"),
        ({(3, "总投资（万元）"): "-5"}, "总投资（万元）", "必须大于 0"),
        ({(3, "投资方"): None}, "投资方", "不能为空"),
        ({(0, "签约日期"): "2022年13月1日"}, "签约日期", "日期不存在"),
        ({(3, "重点级别"): "国家级"}, "重点级别", "未知重点级别"),
        # The input rules that hold everywhere: no date before 1990, no
        # control or bidirectional characters in a name.
        ({(0, "签约日期"): "1900-01-01"}, "签约日期", "不能早于 1990-01-01"),
        ({(1, "项目名称"): "示例\u2066项目"}, "项目名称", "控制字符"),
        ({(1, "投资方"): "示例\u202e投资方"}, "投资方", "文字方向控制符"),
        (
            {(3, "项目名称"): ROWS[0][1], (3, "投资方"): ROWS[0][2]},
            "项目名称",
            "与第 4 行",
        ),
    ],
)
def test_each_problem_names_its_row_and_column(
    runtime, leader, changes, column, message
):
    preview = runtime.app.preview_ledger(
        xlsx_bytes(rows_with(changes)), "台账.xlsx", leader
    )
    assert not preview.ok
    [problem] = preview.problems
    assert problem.column == column
    assert message in problem.message
    row = next(iter(changes))[0]
    assert problem.row == [4, 5, 7, 8][row]


def test_a_terminal_escape_in_a_csv_ledger_is_a_row_error(runtime, leader):
    rows = rows_with({(2, "投资方"): "示例\x1b]0;x\x07投资方"})
    data = csv_bytes(rows, "utf-8-sig")
    preview = runtime.app.preview_ledger(data, "台账.csv", leader)
    [problem] = preview.problems
    assert (problem.row, problem.column) == (4, "投资方")  # header on row 1
    assert "控制字符" in problem.message


def test_all_problems_are_listed_in_the_preview(runtime, leader):
    rows = rows_with(
        {(0, "产业类别"): "芯片", (2, "签约日期"): "去年", (3, "所属板块"): "?"}
    )
    preview = runtime.app.preview_ledger(xlsx_bytes(rows), "台账.xlsx", leader)
    assert [(p.row, p.column) for p in preview.problems] == [
        (4, "产业类别"),
        (7, "签约日期"),
        (8, "所属板块"),
    ]
    assert [r.action for r in preview.rows] == [
        "invalid",
        "create",
        "invalid",
        "invalid",
    ]
    assert [r.steps for r in preview.rows if r.action == "invalid"] == [[], [], []]


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


def test_header_mapping_is_saved_and_reused(runtime, admin):
    headers = ["项目简称", "合作企业", "产业", "板块", "投资额（亿元）", "签约日期"]
    rows = [
        [
            "【示例】数据中心",
            "【示例】某数字科技公司",
            "ngit",
            "mudu",
            "1.5",
            "2023.2.1",
        ]
    ]
    data = csv_bytes(rows, "utf-8-sig", headers)
    preview = runtime.app.preview_ledger(data, "a.csv", admin)
    assert [p.message.split("（")[0] for p in preview.problems] == [
        "缺少必需的列: 项目名称",
        "缺少必需的列: 投资方",
    ]
    assert preview.problems[0].row == 1
    mapping = {"项目简称": "项目名称", "合作企业": "investor"}
    result = runtime.app.import_ledger(
        data, "a.csv", admin, confirm=True, mapping=mapping, save_mapping=True
    )
    assert result.preview.counts()["create"] == 1
    # The next ledger with the same headers needs no mapping.
    again = runtime.app.preview_ledger(data, "b.csv", admin)
    assert again.ok and again.counts()["unchanged"] == 1
    [project] = list_projects(runtime.db, PoolFilter())["items"]
    assert project["planned_investment"] == "15000"  # 亿元 in the header


def test_gb18030_csv_import(runtime, admin):
    today = bureau_today()
    rows = [list(r) for r in ROWS[:2]]
    rows[0][COL["签约日期"]] = (today - timedelta(days=400)).strftime("%Y年%-m月%-d日")
    rows[0][COL["开工日期"]] = None
    rows[0][COL["投产日期"]] = None
    data = csv_bytes(rows, "gb18030")
    result = runtime.app.import_ledger(data, "台账.csv", admin, confirm=True)
    assert result.preview.encoding == "gb18030"
    assert result.preview.counts()["create"] == 2
    assert pool(runtime)["工业机器"][0] == "signed"


def test_vertically_merged_zone_cells_fill_every_row(runtime, admin):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["项目名称", "投资方", "产业类别", "落户板块", "总投资（万元）"])
    ws.append(["【示例】甲项目", "【示例】甲公司", "ngit", "木渎镇", 100])
    ws.append(["【示例】乙项目", "【示例】乙公司", "icv", None, 200])
    ws.merge_cells("D2:D3")
    buffer = io.BytesIO()
    book.save(buffer)
    runtime.app.import_ledger(buffer.getvalue(), "x.xlsx", admin, confirm=True)
    items = list_projects(runtime.db, PoolFilter(zone="mudu"))["items"]
    assert sorted(p["name"] for p in items) == ["【示例】乙项目", "【示例】甲项目"]


def test_total_and_footer_rows_are_skipped_short_rows_are_fine(runtime, admin):
    headers = ["序号", "项目名称", "投资方", "产业类别", "落户板块", "总投资（万元）"]
    rows = [
        [1, "【示例】甲项目", "【示例】甲公司", "ngit", "mudu", "100"],
        ["合计", "合计", None, None, None, "100"],
        ["填表人：示例专员甲"],
    ]
    preview = runtime.app.preview_ledger(
        csv_bytes(rows, "utf-8", headers), "a.csv", admin
    )
    assert preview.ok
    assert [r.action for r in preview.rows] == ["create", "skipped", "skipped"]


def test_every_bad_cell_of_a_row_is_reported(runtime, leader):
    rows = rows_with({(0, "产业类别"): "机器人", (0, "总投资（万元）"): "很多"})
    preview = runtime.app.preview_ledger(xlsx_bytes(rows), "台账.xlsx", leader)
    assert [(p.row, p.column) for p in preview.problems] == [
        (4, "总投资（万元）"),
        (4, "产业类别"),
    ]
    suggestion = preview.problems[1].message
    assert suggestion.count("机器人与智能制造（robotics）") == 1


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
