"""gunicorn as a real subprocess, serving gxtrack with deploy/gunicorn.conf.py."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tests.reliability.cluster import free_port

ROOT = Path(__file__).resolve().parents[2]
ACCESS_FORMAT = "ACCESS %(p)s %(s)s %(m)s %(U)s"


class Response:
    """Status, headers and the decoded body of one request."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class Gunicorn:
    """A gunicorn master with N workers on 127.0.0.1:<free port>."""

    def __init__(
        self, env: dict[str, str], log: Path, workers: int = 2, *extra: str
    ) -> None:
        self.port = free_port()
        self.log = log
        self._out = log.open("wb")
        command = [
            sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
            "--access-logformat", ACCESS_FORMAT, *extra, "web:create_app()",
        ]  # fmt: skip
        self.workers = workers
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self._out, stderr=subprocess.STDOUT
        )

    def wait_ready(self, timeout: float = 60) -> None:
        """Return once every worker has answered /healthz with 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log.read_text()[-3000:]}")
            # Concurrent probes, so a busy (or still booting) worker is not
            # skipped: the server is ready when each worker answered one.
            with ThreadPoolExecutor(2 * self.workers) as pool:
                list(pool.map(self._probe, range(2 * self.workers)))
            ready = {p for p, status, _, path in self.access() if status == 200}
            if len(ready) >= self.workers:
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn not ready:\n{self.log.read_text()[-3000:]}")

    def _probe(self, _: int) -> None:
        with contextlib.suppress(OSError):
            self.request("GET", "/healthz", timeout=5)

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = None,
        timeout: float = 60,
    ) -> Response:
        """One request on a new connection (so workers share the load)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Accept": "application/json"}
        data = None
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            conn.request(method, path, body=data, headers=headers)
            reply = conn.getresponse()
            return Response(reply.status, dict(reply.getheaders()), reply.read())
        finally:
            conn.close()

    def access(self, since: int = 0) -> list[tuple[int, int, str, str]]:
        """(worker pid, status, method, path) of each request logged after `since`."""
        self._out.flush()
        lines = self.log.read_bytes()[since:].decode(errors="replace").splitlines()
        found = []
        for line in lines:
            if "ACCESS " in line:
                pid, status, method, path = line.split("ACCESS ", 1)[1].split(" ")[:4]
                found.append((int(pid.strip("<>")), int(status), method, path))
        return found

    def log_size(self) -> int:
        """Bytes logged so far (a mark for `access(since=...)`)."""
        return self.log.stat().st_size

    def stop(self) -> None:
        """Graceful stop (SIGTERM), killed if it hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._out.close()


def server_env(database_url: str, data_dir: Path) -> dict[str, str]:
    """The environment of a gxtrack web process for the tests."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GXTRACK_")}
    env.update(
        GXTRACK_DATABASE_URL=database_url,
        GXTRACK_DATA_DIR=str(data_dir),
        GXTRACK_SECRET_KEY="reliability-test-key",
        # No projection process here: the web workers apply events themselves.
        GXTRACK_INLINE_PROJECTIONS="1",
        GXTRACK_WEB_THREADS="4",
        PYTHONPATH=str(ROOT),
    )
    return env
