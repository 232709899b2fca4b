"""`gxtrack projections run --follow`: keeps up, and a second instance waits."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

import pytest

from gxtrack.bootstrap import Runtime
from tests.reliability.workload import LEADER

pytestmark = pytest.mark.slow


def _follower(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gxtrack", "projections", "run", "--follow"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _register(runtime: Runtime, name: str) -> None:
    runtime.app.register_project(
        LEADER,
        name=name,
        investor="示例投资方",
        industry="green",
        zone="wzedz",
        planned_investment="10",
    )


def _wait_for_pool(runtime: Runtime, count: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while runtime.db.scalar("SELECT COUNT(*) FROM rm_projects") != count:
        assert time.monotonic() < deadline, f"pool never reached {count} rows"
        time.sleep(0.05)


def test_follower_applies_new_events_and_second_instance_waits(store):
    settings, env = store
    runtime = Runtime.open(settings)
    first = second = None
    try:
        first = _follower(env)
        _register(runtime, "【示例】跟随一")
        _wait_for_pool(runtime, 1)
        second = _follower(env)
        # Its first words say it waits for the lock (read with a deadline).
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(second.stderr.readline()))
        reader.start()
        reader.join(timeout=60)
        assert line and "已有投影进程在运行" in line[0]
        assert second.poll() is None
        _register(runtime, "【示例】跟随二")
        _wait_for_pool(runtime, 2)
        # The first dies hard; the second takes over and keeps the pool current.
        first.send_signal(signal.SIGKILL)
        first.communicate()
        _register(runtime, "【示例】跟随三")
        _wait_for_pool(runtime, 3)
        second.send_signal(signal.SIGTERM)
        _out, err = second.communicate(timeout=20)
        assert second.returncode == 0, err
        assert "投影进程已启动" in err
        assert "投影进程已停止" in err
        assert set(runtime.projections.positions().values()) == {runtime.app.position()}
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.communicate()
        runtime.close()
