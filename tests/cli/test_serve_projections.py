"""`gxtrack serve` applies events in a projection process of its own: a command
through the API is in the list it answers with; the process is started again
if it dies, and ends with the server, however the server ends."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from domain.permissions import Actor
from gxtrack.bootstrap import Runtime
from gxtrack.settings import Settings
from tests.reliability.cluster import free_port

pytestmark = pytest.mark.skipif(
    not Path("/proc").is_dir(), reason="finds the child process through /proc"
)


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux's /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # "pid (comm) state ppid ...": comm may hold spaces, so split after it.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _until(check, seconds: float = 20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds} s")


class Served:
    """`gxtrack serve` on a free port over a SQLite data directory."""

    def __init__(self, data_dir: Path) -> None:
        runtime = Runtime.open(Settings(data_dir=data_dir))
        try:
            runtime.app.add_user(Actor.system(), "api_officer", "officer")
            self.token = runtime.accounts.issue_token("api_officer")
        finally:
            runtime.close()
        self.port = free_port()
        env = {
            **os.environ,
            "GXTRACK_DATA_DIR": str(data_dir),
            "GXTRACK_SECRET_KEY": "test-only",
            "GXTRACK_EMBEDDED_SCHEDULER": "0",
        }
        env.pop("GXTRACK_DATABASE_URL", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gxtrack", "serve", "--port", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _until(lambda: self.call("GET", "/healthz")[0] == 200)
        self.follower = _until(lambda: _children(self.process.pid))[0]

    def call(self, method: str, path: str, body=None) -> tuple[int, dict]:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
            conn.request(
                method,
                path,
                None if body is None else json.dumps(body),
                {
                    "Authorization": f"Bearer {self.token}",
                    "Content-Type": "application/json",
                },
            )
            response = conn.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        except OSError:
            return 0, {}

    def register(self, name: str) -> str:
        status, made = self.call(
            "POST",
            "/api/v1/projects",
            {
                "name": name,
                "investor": "【示例】投资方",
                "industry": "green",
                "zone": "wzedz",
                "planned_investment": "100",
            },
        )
        assert status == 201, made
        return made["id"]

    def listed(self) -> set[str]:
        status, page = self.call("GET", "/api/v1/projects?page_size=200")
        assert status == 200, page
        return {item["id"] for item in page["items"]}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        _until(lambda: not _alive(self.follower), 15)


@pytest.fixture
def served(tmp_path):
    server = Served(tmp_path / "var")
    yield server
    server.stop()


def test_a_command_is_in_the_list_it_answers_with(served):
    for n in range(3):
        made = served.register(f"【示例】服务项目{n}")
        # Read-your-writes: applied by the projection process, not this one.
        assert made in served.listed()
    assert _alive(served.follower)


def test_the_projection_process_is_started_again_if_it_dies(served):
    first = served.follower
    os.kill(first, signal.SIGKILL)
    again = _until(lambda: [p for p in _children(served.process.pid) if p != first])
    served.follower = again[0]
    made = served.register("【示例】重启之后")
    assert made in served.listed()


@pytest.mark.parametrize("ending", [signal.SIGKILL, signal.SIGINT])
def test_the_projection_process_ends_with_the_server(served, ending):
    """Killed outright (no clean-up runs) or stopped with Ctrl+C."""
    os.kill(served.process.pid, ending)
    served.process.wait(15)
    _until(lambda: not _alive(served.follower), 15)
