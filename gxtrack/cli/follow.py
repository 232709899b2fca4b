"""`gxtrack projections run --follow`: the long-running projection process."""

from __future__ import annotations

import signal
import threading
from typing import Any

import click


def run_follower(runtime: Any, parent_fd: int | None = None) -> None:
    """Follow the event log until SIGTERM or Ctrl+C (or, with `parent_fd`,
    until the parent process ends); waits if another runs."""
    from gxtrack.readmodels.engine.follower import follow

    stopping = threading.Event()
    if parent_fd is not None:
        from gxtrack.cli.follower_process import until_parent_exits

        until_parent_exits(parent_fd, stopping)

    def stop(_signum: int, _frame: Any) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    follow(
        runtime.projections,
        stopping,
        notice=lambda text: click.echo(text, err=True),
    )
    click.echo("投影进程已停止 (stopped)", err=True)
