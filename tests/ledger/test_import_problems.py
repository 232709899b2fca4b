"""A ledger with problems: every one named by row and column, nothing written."""

from __future__ import annotations

import pytest

from gxtrack.app.ledger.service import LedgerRejectedError
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects
from tests.ledger.sheets import (
    ROWS,
    csv_bytes,
    rows_with,
    xlsx_bytes,
)


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


def test_every_bad_cell_of_a_row_is_reported(runtime, leader):
    rows = rows_with({(0, "产业类别"): "机器人", (0, "总投资（万元）"): "很多"})
    preview = runtime.app.preview_ledger(xlsx_bytes(rows), "台账.xlsx", leader)
    assert [(p.row, p.column) for p in preview.problems] == [
        (4, "总投资（万元）"),
        (4, "产业类别"),
    ]
    suggestion = preview.problems[1].message
    assert suggestion.count("机器人与智能制造（robotics）") == 1
