"""`gxtrack import ledger` as a real subprocess against a SQLite data dir."""

from __future__ import annotations

import json

import pytest

from tests.ledger.sheets import HEADERS, ROWS, csv_bytes, xlsx_bytes


def head(gx) -> int:
    """The newest event's position (the same for every projection once caught up)."""
    line = gx("projections", "status").stdout.splitlines()[0]
    return int(line.split("head=")[1].split()[0])


def test_dry_run_then_import_then_reimport(gx, tmp_path):
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(xlsx_bytes())
    gx("init")
    before = head(gx)
    dry = gx("import", "ledger", str(ledger), "--dry-run")
    assert (
        "第 4 行\t新建\t【示例】工业机器人整机项目\t登记（签约 2022-03-05）"
        in dry.stdout
    )
    assert "将写入 11 个事件" in dry.stdout
    assert head(gx) == before
    done = gx("import", "ledger", str(ledger), "--progress")
    assert "新建 4" in done.stdout and "已写入 11 个事件" in done.stdout
    assert "更新列表" in done.stderr  # progress on stderr
    # The pool is up to date when the command returns.
    listing = gx("project", "list").stdout.splitlines()
    assert len(listing) == 4
    again = gx("import", "ledger", str(ledger))
    assert "无变化 4" in again.stdout and "已写入 0 个事件" in again.stdout
    assert head(gx) == before + 11
    project_id = next(line for line in listing if "工业机器人" in line).split("\t")[0]
    items = json.loads(gx("project", "history", project_id, "--json").stdout)["items"]
    assert items[0]["data"]["source"]["row"] == 4
    assert items[0]["data"]["source"]["file"] == "台账.xlsx"


def test_bad_row_is_one_line_error_and_nothing_is_written(gx, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][HEADERS.index("开工日期")] = "2022年2月30日"
    ledger = tmp_path / "台账.csv"
    ledger.write_bytes(csv_bytes(rows, "gb18030"))
    gx("init")
    before = head(gx)
    result = gx("import", "ledger", str(ledger), ok=False)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith("gxtrack: error:")
    assert "第 3 行「开工日期」" in lines[0] and "日期不存在" in lines[0]
    assert "错误\t第 3 行「开工日期」" in result.stdout
    assert head(gx) == before
    assert gx("project", "list").stdout == ""


def test_mapping_file_is_used_and_saved(gx, tmp_path):
    headers = ["项目简称", "合作企业", "产业", "板块", "总投资"]
    rows = [["【示例】数据中心", "【示例】某数字科技公司", "ngit", "mudu", "2,000"]]
    ledger = tmp_path / "台账.csv"
    ledger.write_bytes(csv_bytes(rows, "utf-8-sig", headers))
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"项目简称": "项目名称", "合作企业": "投资方"}))
    gx("init")
    missing = gx("import", "ledger", str(ledger), ok=False)
    assert "表头" in missing.stderr and "缺少必需的列: 项目名称" in missing.stderr
    gx("import", "ledger", str(ledger), "--mapping", str(mapping))
    # Saved: the next run needs no --mapping and finds the project unchanged.
    assert "无变化 1" in gx("import", "ledger", str(ledger)).stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sheet", "2023年"], "工作表不存在"),
        (["--mapping", "bad.json"], "不是有效的 JSON"),
    ],
)
def test_bad_options_are_one_line_errors(gx, tmp_path, args, message):
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(xlsx_bytes())
    (tmp_path / "bad.json").write_text("{项目")
    args = [str(tmp_path / a) if a.endswith(".json") else a for a in args]
    gx("init")
    result = gx("import", "ledger", str(ledger), *args, ok=False)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr
