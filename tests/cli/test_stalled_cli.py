"""`gxtrack stalled …` as a real subprocess on a SQLite data directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from domain.clock import today


def run(tmp_path: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "GXTRACK_DATA_DIR": str(tmp_path / "var")}
    env.pop("GXTRACK_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "gxtrack", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    if ok:
        assert result.returncode == 0, result.stderr
    return result


def test_scan_list_and_policy(tmp_path):
    day = (today() - timedelta(days=100)).isoformat()
    run(tmp_path, "init")
    project = json.loads(
        run(
            tmp_path,
            "project",
            "register",
            "--name=【示例】停滞项目",
            "--investor=某公司",
            "--industry=ngit",
            "--zone=mudu",
            "--investment=100",
            f"--stage-date={day}",
            "--officer=officer",
        ).stdout
    )
    scan = json.loads(run(tmp_path, "stalled", "scan").stdout)
    assert [f["project_id"] for f in scan["flagged"]] == [project["id"]]
    again = run(tmp_path, "stalled", "scan")
    assert json.loads(again.stdout)["flagged"] == scan["flagged"]
    assert "本周已扫描" in again.stderr
    listed = run(tmp_path, "stalled", "list").stdout
    assert project["id"] in listed and "黄色预警" in listed
    assert '"version": 1' in run(tmp_path, "stalled", "policy").stdout
    changed = run(tmp_path, "stalled", "policy", "set", "--negotiating", "120")
    assert json.loads(changed.stdout)["version"] == 2
    bad = run(tmp_path, "stalled", "policy", "set", "--signed", "0", ok=False)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    future = run(tmp_path, "stalled", "scan", "--as-of", "2999-01-01", ok=False)
    assert "as_of" in future.stderr and len(future.stderr.strip().splitlines()) == 1
