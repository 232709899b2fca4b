"""Ledgers as bureaus keep them: header mappings, encodings, merged cells, footers."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import today as bureau_today
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects
from tests.ledger.sheets import (
    COL,
    ROWS,
    csv_bytes,
    pool,
)


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
