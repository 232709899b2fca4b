"""`gxtrack serve`: the web app and the scheduler, the projections beside them (embedded mode)."""

from __future__ import annotations

import click

from gxtrack.cli.context import cli, pass_state

# Output a client has yet to read is kept in memory, up to 4 MB before the
# app waits for the client (waitress's defaults: 16 MB, and everything past
# 1 MB written to a temporary file and read back, a sixth of the time of a
# streamed 5 MB .csv export). A piece of up to 4 MB never reaches the disk.
OUTPUT_BUFFERING = {"outbuf_high_watermark": 4 << 20, "outbuf_overflow": 8 << 20}


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, type=int, show_default=True)
@click.option("--threads", default=8, type=int, show_default=True)
@pass_state
def serve(state, host: str, port: int, threads: int) -> None:
    """启动网页与后台任务 Serve the web app with projections (and the scheduler)."""
    from waitress import create_server

    from web import create_app

    runtime = state.runtime
    app = create_app(runtime)
    # Bind before starting anything, so a taken port is one line, not a trace.
    try:
        server = create_server(
            app, host=host, port=port, threads=threads, **OUTPUT_BUFFERING
        )
    except OSError as error:
        raise click.ClickException(
            f"无法监听 {host}:{port}（{error.strerror}）：端口可能已被占用，"
            f"请换一个端口，例如 gxtrack serve --port 8080 或 make run PORT=8080"
        ) from None
    follower = _start_follower(runtime)
    embedded = _start_scheduler(runtime.settings)
    click.echo(f"gxtrack 已启动: http://{host}:{port}/  (Ctrl+C 退出)", err=True)
    try:
        server.run()
    finally:
        server.close()
        follower.stop()
        if embedded is not None:
            embedded.stop()


def _start_follower(runtime):
    """The projections in a process of their own (gxtrack/cli/follower_process.py),
    which this one's commands wait for; in a thread for an in-memory store,
    which no other process can open."""
    from dataclasses import replace

    from gxtrack.cli.follower_process import FollowerProcess
    from gxtrack.readmodels.engine.follower import ProjectionFollower

    if runtime.settings.in_memory:
        follower = ProjectionFollower(runtime.projections)
    else:
        follower = FollowerProcess(runtime.settings)
        runtime.settings = replace(runtime.settings, inline_projections=False)
    follower.start()
    return follower


def _start_scheduler(settings):
    """The weekly jobs in-process, unless GXTRACK_EMBEDDED_SCHEDULER=0."""
    import os

    if os.environ.get("GXTRACK_EMBEDDED_SCHEDULER", "1") == "0":
        return None
    from jobs.scheduler import start_embedded

    return start_embedded(settings)
