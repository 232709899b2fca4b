"""`gxtrack forecast …` as a real subprocess on a SQLite data directory."""

from __future__ import annotations

import json

from tests.cli.test_stalled_cli import run


def test_forecast_show_and_backtest_on_an_empty_store(tmp_path):
    run(tmp_path, "init")
    shown = json.loads(run(tmp_path, "forecast", "show", "--quarters", "2").stdout)
    assert shown["insufficient_history"] is True
    assert shown["basis"]["stages"]["signed"]["measured"] == 0
    lines = run(tmp_path, "forecast", "backtest", "--origins", "2").stdout.splitlines()
    assert lines[-2:] == ["coverage_landed: — (0/0)", "coverage_producing: — (0/0)"]
    assert all("历史数据不足" in line for line in lines[:-2])


def test_forecast_refuses_more_than_eight_quarters(tmp_path):
    run(tmp_path, "init")
    result = run(tmp_path, "forecast", "show", "--quarters", "9", ok=False)
    assert result.returncode != 0
    assert "quarters" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
