"""`gxtrack serve`'s projection process: the follower beside the web threads.

The read models used to be brought up to date inside the web process, by a
thread and by the requests waiting for their own events. Python runs one
thread at a time, so under load a batch waited its turn behind every web
thread, and every waiting command behind the batch (20 clients: a create
took twice the plain app's time). As a process of its own, the follower runs
on another core beside the web threads, as `gxtrack projections run --follow`
does in production, woken by the commands waiting for it
(gxtrack/infra/wake.py).

The child is in a session of its own, so Ctrl+C reaches the server alone,
which then stops it; it stops by itself when the server dies (end of file on
a pipe the server holds), and the server starts it again if it dies first.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time

from gxtrack.settings import Settings

log = logging.getLogger(__name__)
RESTART_SECONDS = 1.0  # before starting a follower again that died
STOP_SECONDS = 10.0  # for a batch in flight to end before the follower is killed


class FollowerProcess:
    """`gxtrack projections run --follow` as a child of this process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._stopping = threading.Event()
        self._process: subprocess.Popen | None = None
        self._held = -1  # this process's end of the child's pipe

    def start(self) -> None:
        """Start the child, and a thread starting it again should it die."""
        self._process = self._spawn()
        threading.Thread(
            target=self._watch, name="projections-process", daemon=True
        ).start()

    def stop(self) -> None:
        """Stop the child (its batch in flight ends first)."""
        self._stopping.set()
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _spawn(self) -> subprocess.Popen:
        # The child reads to the end of this pipe: it ends when this process
        # does, however it does (a kill included).
        alive, held = os.pipe()
        env = dict(os.environ, GXTRACK_DATA_DIR=str(self.settings.data_dir))
        if self.settings.database_url:
            env["GXTRACK_DATABASE_URL"] = self.settings.database_url
        try:
            process = subprocess.Popen(
                [
                    sys.executable, "-m", "gxtrack", "projections", "run",
                    "--follow", "--parent-fd", str(alive),
                ],
                env=env,
                pass_fds=(alive,),
                start_new_session=True,
            )  # fmt: skip
        except BaseException:
            os.close(held)
            raise
        finally:
            os.close(alive)
        self._held = held  # open while this child should live (never inherited)
        return process

    def _watch(self) -> None:
        while True:
            process = self._process
            assert process is not None
            code = process.wait()
            if self._stopping.is_set():
                return
            log.warning("投影进程意外退出（%s），%g 秒后重启", code, RESTART_SECONDS)
            os.close(self._held)
            time.sleep(RESTART_SECONDS)
            if self._stopping.is_set():
                return
            self._process = self._spawn()


def until_parent_exits(fd: int, stopping: threading.Event) -> None:
    """Set `stopping` when the pipe's other end closes (the parent is gone)."""

    def watch() -> None:
        try:
            while os.read(fd, 1):
                pass
        except OSError:
            pass
        stopping.set()

    threading.Thread(target=watch, name="parent-alive", daemon=True).start()
