"""Audit commands as a user runs them: verify, anchor, export/import, report, history."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.cli.test_cli import assert_one_line_error


@pytest.fixture
def gx_in(tmp_path: Path):
    def run(data: str, *args: str, ok: bool = True):
        env = {**os.environ, "GXTRACK_DATA_DIR": str(tmp_path / data)}
        env.pop("GXTRACK_DATABASE_URL", None)
        result = subprocess.run(
            [sys.executable, "-m", "gxtrack", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            cwd=tmp_path,
        )
        if ok:
            assert result.returncode == 0, result.stderr
        return result

    return run


def _project(gx_in) -> str:
    gx_in("a", "init")
    created = gx_in(
        "a",
        "project",
        "register",
        "--name",
        "【示例】审计命令项目",
        "--investor",
        "某投资方",
        "--industry",
        "ngit",
        "--zone",
        "mudu",
        "--investment",
        "300",
        "--stage-date",
        "2025-06-01",
    )
    pid = json.loads(created.stdout)["id"]
    gx_in("a", "project", "move", pid, "signed", "--date", "2025-06-20")
    return pid


def test_verify_anchor_and_tampering(gx_in, tmp_path):
    _project(gx_in)
    assert "校验通过" in gx_in("a", "audit", "verify").stdout
    anchor = json.loads(gx_in("a", "audit", "anchor", "--out", "anchors.jsonl").stdout)
    assert anchor["position"] == 3 and len(anchor["digest"]) == 64
    ok = gx_in("a", "audit", "verify", "--anchor", "anchors.jsonl")
    assert "锚点一致" in ok.stdout

    with sqlite3.connect(tmp_path / "a" / "events.db") as conn:
        conn.execute(
            "UPDATE stored_events SET state = replace(state, '2025-06-20', '2025-06-02')"
            " WHERE rowid = 3"
        )
    failed = gx_in("a", "audit", "verify", ok=False)
    assert_one_line_error(failed)
    assert "位置 3" in failed.stderr and "版本 2" in failed.stderr
    # A backup of a tampered log is still written, but the user is told.
    exported = gx_in("a", "export", "events", "evidence.jsonl", ok=False)
    assert exported.returncode == 1 and "哈希链不符" in exported.stderr
    assert (tmp_path / "evidence.jsonl").exists()


def test_export_import_round_trip_and_refusals(gx_in, tmp_path):
    _project(gx_in)
    exported = gx_in("a", "export", "events", "backup.jsonl")
    assert "已导出 3 个事件" in exported.stdout
    assert "导出事件" in exported.stderr  # progress goes to stderr

    # A truncated copy is refused and the fresh store stays empty.
    lines = (tmp_path / "backup.jsonl").read_text(encoding="utf-8").splitlines()
    (tmp_path / "cut.jsonl").write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    assert_one_line_error(gx_in("b", "import", "events", "cut.jsonl", ok=False))
    with sqlite3.connect(tmp_path / "b" / "events.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0] == 0

    imported = gx_in("b", "import", "events", "backup.jsonl")  # no init needed
    assert "已导入 3 个事件" in imported.stdout
    assert "校验通过" in gx_in("b", "audit", "verify").stdout
    listing = gx_in("b", "project", "list").stdout
    assert listing == gx_in("a", "project", "list").stdout and "signed" in listing
    again = gx_in("b", "import", "events", "backup.jsonl", ok=False)
    assert_one_line_error(again)
    assert "非空" in again.stderr


def test_monthly_report_xlsx_and_history(gx_in, tmp_path):
    pid = _project(gx_in)
    gx_in("a", "report", "monthly", "--month", "2025-06", "--out", "june.xlsx")
    book = load_workbook(tmp_path / "june.xlsx")
    assert book.sheetnames == [
        "月报",
        "更正差异",
        "停滞项目",
        "分板块完成投资",
        "分产业完成投资",
    ]
    rows = [[c.value for c in r] for r in book["月报"].iter_rows(min_row=3)]
    assert ["新签约", "合计", "合计", 1, 300, 1, 300, "否"] in rows
    text = gx_in("a", "report", "monthly", "--month", "2025-06").stdout
    assert "新签约" in text
    assert_one_line_error(gx_in("a", "report", "monthly", "--month", "June", ok=False))

    history = gx_in("a", "project", "history", pid).stdout
    assert "签约 (Signed)" in history and "阶段: negotiating → signed" in history
    gx_in("a", "project", "history", pid, "--out", "history.xlsx")
    sheet = load_workbook(tmp_path / "history.xlsx")["决策历史"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    # Chinese labels, not codes (gxtrack/app/reports/readable.py).
    signed = [r for r in rows if r[1] == "签约" and r[6] == "阶段"]
    assert signed and signed[0][7:] == ["在谈", "签约"]
    missing = gx_in(
        "a", "enterprise", "history", "0b2a3f1e-0000-4000-8000-000000000000", ok=False
    )
    assert_one_line_error(missing)


def test_verify_since_last_walks_only_the_new_events(gx_in, tmp_path):
    pid = _project(gx_in)
    # Nothing verified yet: the first walk is a full one.
    first = gx_in("a", "audit", "verify", "--since-last").stdout
    assert "校验通过 (ok): 3 个事件，" in first
    gx_in("a", "project", "move", pid, "landed", "--date", "2025-07-20")
    again = gx_in("a", "audit", "verify", "--since-last").stdout
    assert "1 个事件（自上次校验通过处起" in again and "链头位置 4" in again
    # A new event altered after it was chained is caught by the next check.
    gx_in("a", "project", "move", pid, "producing", "--date", "2025-08-20")
    with sqlite3.connect(tmp_path / "a" / "events.db") as conn:
        conn.execute(
            "UPDATE stored_events SET state = replace(state, '2025-08-20',"
            " '2025-08-02') WHERE rowid = 5"
        )
    failed = gx_in("a", "audit", "verify", "--since-last", ok=False)
    assert_one_line_error(failed)
    assert "位置 5" in failed.stderr
    both = gx_in("a", "audit", "verify", "--since-last", "--anchor", "x", ok=False)
    assert_one_line_error(both)
    assert "--since-last" in both.stderr
