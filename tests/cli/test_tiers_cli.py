"""Enterprise, pool, targets and import commands as a real subprocess."""

from __future__ import annotations

import json

from domain.uscc import check_character


def code(n: int) -> str:
    body = f"91320506MA1{n:06d}"
    return body + check_character(body)


def one_line_error(result) -> str:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gxtrack: error:"), result.stderr
    return lines[0]


def test_enterprise_lifecycle_and_targets(gx):
    gx("init")
    gx(
        "enterprise",
        "register",
        "--uscc",
        code(1),
        "--name",
        "【示例】甲",
        "--zone",
        "木渎镇",
    )
    out = gx(
        "enterprise",
        "award",
        code(1),
        "--designation",
        "srdi",
        "--certified-on",
        "2024-03-01",
        "--batch",
        "第一批",
    ).stdout
    assert "专精特新中小企业" in out and "称号记录 1" in out
    error = one_line_error(
        gx(
            "enterprise",
            "award",
            code(1),
            "--designation",
            "srdi",
            "--certified-on",
            "2024-06-01",
            ok=False,
        )
    )
    assert "designation" in error and "有效期内" in error
    listed = gx("enterprise", "list", "--tier", "srdi", "--as-of", "2024-03-01")
    assert listed.stdout.count("\n") == 1 and code(1) in listed.stdout
    assert (
        gx("enterprise", "list", "--tier", "srdi", "--as-of", "2024-02-29").stdout == ""
    )
    shown = json.loads(
        gx("enterprise", "show", code(1), "--as-of", "2024-03-01").stdout
    )
    assert shown["tier"] == "srdi"
    assert "认定称号" in gx("enterprise", "history", code(1)).stdout
    one_line_error(gx("enterprise", "show", code(2), ok=False))
    gx("enterprise", "revoke", code(1), "1", "--date", "2025-01-01", "--reason", "撤销")
    assert (
        gx("enterprise", "list", "--tier", "srdi", "--as-of", "2025-01-01").stdout == ""
    )
    # Targets: the admin sets, the report counts the 2024 award.
    gx("targets", "set", "--year", "2024", "--designation", "srdi", "--count", "8")
    shown = gx("targets", "show", "--year", "2024").stdout
    assert "目标 8" in shown and "完成 1" in shown and "【示例】甲" in shown
    report = json.loads(gx("targets", "show", "--year", "2024", "--json").stdout)
    assert report["items"][0]["achieved"] == 1
    error = one_line_error(
        gx(
            "targets",
            "set",
            "--year",
            "2024",
            "--designation",
            "srdi",
            "--count",
            "many",
            ok=False,
        )
    )
    assert "count" in error
    # The pool.
    gx(
        "enterprise",
        "candidate",
        code(1),
        "--designation",
        "little_giant",
        "--year",
        "2026",
    )
    assert "培育中" in gx("enterprise", "candidates", "--status", "open").stdout


def test_import_bad_row_writes_nothing_then_good_file(gx, tmp_path):
    gx("init")
    header = "企业名称,统一社会信用代码,称号,批次,认定日期,证书编号\n"
    good = (
        f"【示例】乙,{code(2)},专精特新中小企业,2023年第一批,2023-05-01,A-1\n"
        f"【示例】丙,{code(3)},创新型中小企业,2023年第一批,2023-05-01,A-2\n"
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(header + good + f"【示例】丁,{code(4)},srdi,第一批,明天,\n", "utf-8")
    error = one_line_error(gx("import", "enterprises", str(bad), ok=False))
    assert "第 4 行「认定日期」" in error
    assert gx("enterprise", "list").stdout == ""
    path = tmp_path / "good.csv"
    path.write_text(header + good, "utf-8")
    dry = gx("import", "enterprises", str(path), "--dry-run")
    assert "试运行" in dry.stdout and dry.stderr == ""
    # A long file shows progress on stderr.
    many = tmp_path / "many.csv"
    rows = "".join(
        f"【示例】企业{n},{code(100 + n)},高新技术企业,第一批,2023-05-01,\n"
        for n in range(250)
    )
    many.write_text(header + rows, "utf-8")
    long_run = gx("import", "enterprises", str(many), "--dry-run")
    assert "校验: 250/250" in long_run.stderr and "250 行" in long_run.stdout
    assert gx("enterprise", "list").stdout == ""
    first = gx("import", "enterprises", str(path)).stdout
    assert "新登记企业 2 家" in first and "新认定称号 2 项" in first
    again = gx("enterprise", "import", str(path)).stdout
    assert "新认定称号 0 项" in again and "未变化 2 行" in again
    assert len(gx("enterprise", "list").stdout.splitlines()) == 2
    one_line_error(
        gx("import", "enterprises", str(tmp_path / "missing.xlsx"), ok=False)
    )
