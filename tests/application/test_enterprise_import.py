"""Importing the published list of designated enterprises (.csv and .xlsx)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import Workbook

from domain.uscc import check_character
from gxtrack.app.designation_import import ImportRowsError
from gxtrack.app.designation_list import read_sheet
from gxtrack.errors import PermissionDeniedError, RuleViolationError
from gxtrack.readmodels.enterprises.queries import tier_counts

HEADER = "序号,企业名称,统一社会信用代码,认定类别,批次,认定日期,证书编号,所属板块\n"


def code(n: int) -> str:
    body = f"91320506MA1{n:06d}"
    return body + check_character(body)


def good_rows() -> str:
    return (
        f"1,【示例】甲科技,{code(1)},专精特新中小企业,2024年第一批,2024-03-01,"
        "苏工信-001,木渎镇\n"
        f"2,【示例】甲科技,{code(1)},innovative_sme,2023年第二批,2023/9/1,,mudu\n"
        f"3,【示例】乙制造,{code(2)},专精特新“小巨人”企业,第五批,2023年7月1日,"
        "工信部-77,甪直镇\n"
    )


def events(runtime) -> int:
    return runtime.app.position()


def test_import_then_reimport_changes_nothing(runtime, leader, tmp_path):
    path = tmp_path / "名单.csv"
    path.write_text(HEADER + good_rows(), encoding="utf-8")
    sheet = read_sheet(path)
    assert [r.row for r in sheet.rows] == [2, 3, 4]
    report = runtime.app.import_enterprises(leader, sheet)
    assert report["enterprises_created"] == 2
    assert report["designations_awarded"] == 3
    runtime.wait_for_read_models()
    assert tier_counts(runtime.db, date(2024, 3, 1))["by_tier"] == {
        "innovative_sme": 0,
        "srdi": 1,
        "little_giant": 1,
        "single_champion": 0,
    }
    row = runtime.db.fetchone(
        "SELECT d.batch, d.document_no, e.zone FROM rm_designations d"
        " JOIN rm_enterprises e ON e.id = d.enterprise_id WHERE d.designation = ?",
        ("little_giant",),
    )
    assert row == {"batch": "第五批", "document_no": "工信部-77", "zone": "luzhi"}
    before = events(runtime)
    again = runtime.app.import_enterprises(leader, read_sheet(path))
    assert (again["unchanged"], again["designations_awarded"]) == (3, 0)
    assert events(runtime) == before


def test_a_bad_row_writes_nothing(runtime, leader, officer, tmp_path):
    runtime.app.reference()  # created on first use; not part of the import
    start = events(runtime)
    bad = code(3)[:-1] + ("0" if code(3)[-1] != "0" else "1")
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + good_rows()
        + f"4,【示例】丙,{bad},专精特新中小企业,第一批,2024-01-01,,\n"
        + f"5,【示例】丁,{code(4)},金牌企业,第一批,2024-01-01,,\n"
        + f"6,【示例】戊,{code(5)},高新技术企业,第一批,2024-02-30,,\n",
        encoding="utf-8",
    )
    with pytest.raises(PermissionDeniedError):
        runtime.app.import_enterprises(officer, read_sheet(path))
    with pytest.raises(ImportRowsError) as caught:
        runtime.app.import_enterprises(leader, read_sheet(path))
    assert [(e["row"], e["column"]) for e in caught.value.errors] == [
        (5, "统一社会信用代码"),
        (6, "认定类别"),
        (7, "认定日期"),
    ]
    assert caught.value.message.startswith("第 5 行「统一社会信用代码」")
    assert "共 3 处错误" in caught.value.message
    assert events(runtime) == start
    runtime.wait_for_read_models()
    assert runtime.db.scalar("SELECT COUNT(*) AS n FROM rm_enterprises") == 0


def test_overlap_with_an_existing_award_is_a_row_error(runtime, leader, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(HEADER + good_rows(), encoding="utf-8")
    runtime.app.import_enterprises(leader, read_sheet(path))
    start = events(runtime)
    path.write_text(
        HEADER
        + f"1,【示例】新企业,{code(9)},高新技术企业,第一批,2024-01-01,,\n"
        + f"2,【示例】甲科技,{code(1)},专精特新中小企业,第二批,2024-06-01,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRowsError) as caught:
        runtime.app.import_enterprises(leader, read_sheet(path))
    assert caught.value.errors[0]["row"] == 3
    assert "有效期内" in caught.value.errors[0]["message"]
    assert events(runtime) == start


def test_dry_run_and_xlsx_with_title_row(runtime, leader, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["2024年度星级上云企业名单（示例）"])
    sheet.append(["企业名称", "统一社会信用代码", "称号", "批次", "认定日期", "星级"])
    sheet.append(
        ["【示例】云甲", code(11), "四星级上云企业", "2024", datetime(2024, 5, 6)]
    )
    sheet.append(["【示例】云乙", code(12), "cloud_star", "2024", "2024.05.06", "3"])
    sheet.append([None, None, None])
    sheet.append(["【示例】云丙", code(13), "星级上云企业", "2024", "20240506", "五星"])
    path = tmp_path / "cloud.xlsx"
    book.save(path)
    parsed = read_sheet(path)
    assert [r.row for r in parsed.rows] == [3, 4, 6]
    runtime.app.reference()  # created on first use; not part of the import
    start = events(runtime)
    report = runtime.app.import_enterprises(leader, parsed, dry_run=True)
    assert (report["designations_awarded"], report["dry_run"]) == (3, True)
    assert events(runtime) == start
    runtime.app.import_enterprises(leader, parsed)
    runtime.wait_for_read_models()
    stars = runtime.db.fetchall("SELECT stars FROM rm_designations ORDER BY stars")
    assert [r["stars"] for r in stars] == [3, 4, 5]


def test_unreadable_files(tmp_path):
    missing = tmp_path / "none.csv"
    with pytest.raises(RuleViolationError, match="文件不存在"):
        read_sheet(missing)
    odd = tmp_path / "x.txt"
    odd.write_text("a", encoding="utf-8")
    with pytest.raises(RuleViolationError, match="xlsx"):
        read_sheet(odd)
    noheader = tmp_path / "h.csv"
    noheader.write_text("企业名称,称号\n甲,srdi\n", encoding="utf-8")
    with pytest.raises(RuleViolationError, match="表头"):
        read_sheet(noheader)
    partial = tmp_path / "p.csv"
    partial.write_text("企业名称,统一社会信用代码\n", encoding="utf-8")
    with pytest.raises(RuleViolationError, match="缺少列: 称号、认定日期"):
        read_sheet(partial)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes((HEADER + good_rows()).encode("gb18030"))
    assert len(read_sheet(gbk).rows) == 3
