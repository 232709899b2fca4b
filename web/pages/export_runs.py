"""The pool's .xlsx and .csv exports with their progress shown on a page.

The pool page's buttons start the export in the background and show a page
that follows it (rows written of all, refreshed every second) until the file
is ready to download. The run is recorded in `job_runs` (its job names the
user, so only they see it) and notes its progress there as each piece of the
sheet is written; the file goes under the data directory. So any web worker
can answer the progress page and the download, not just the one writing.
The direct download (/projects/export.xlsx) stays, for scripts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for

from domain.errors import RuleViolationError
from gxtrack.errors import NotFoundError
from gxtrack.infra.job_runs import finish_job_run, note_job_progress, start_job_run
from web.pages.common import register_page_errors, runtime
from web.pages.export import stream_csv_columns
from web.pages.pool import (
    CSV,
    export_chunks,
    export_columns,
    export_kinds,
    pool_download,
)
from web.pages.xlsx_stream import stream_xlsx_columns
from web.security import current_actor

bp = Blueprint("page_export_runs", __name__)
register_page_errors(bp)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIMETYPES = {"xlsx": XLSX, "csv": CSV}  # the run's file is named <id>.<kind>
KEEP_SECONDS = 24 * 3600  # a finished file is kept a day, then swept


def _job(login: str) -> str:
    return f"pool_export:{login}"


def _folder() -> Path:
    folder = runtime().settings.data_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@bp.post("/projects/export-runs")
def start() -> Any:
    """Start the export of the pool as filtered (the form's fields); follow it.

    The form's `kind` is xlsx (the default) or csv.
    """
    actor = current_actor()
    kind = request.form.get("kind") or "xlsx"
    if kind not in MIMETYPES:
        raise RuleViolationError("导出格式只能是 xlsx 或 csv", "kind")
    columns = export_columns()
    total, chunks = export_chunks()  # queried here; labels resolved in the request
    kinds = export_kinds()
    db = runtime().db.primary
    run_id = start_job_run(db, _job(actor.name))
    folder = _folder()
    _sweep(folder)
    headers = [header for header, _ in columns]
    worker = threading.Thread(
        target=_write,
        args=(db, run_id, folder / f"{run_id}.{kind}", headers, kinds, chunks, total),
        name=f"pool-export-{run_id[:8]}",
        daemon=True,
    )
    worker.start()
    return redirect(url_for("page_export_runs.progress", run_id=run_id), code=303)


@bp.get("/projects/export-runs/<run_id>")
def progress(run_id: str) -> Any:
    """How far the export has come; the download link once it is ready."""
    run = _run(run_id)
    return render_template("export_run.html", run=run, kind=_kind(run["id"]))


@bp.get("/projects/export-runs/<run_id>.xlsx", defaults={"kind": "xlsx"})
@bp.get("/projects/export-runs/<run_id>.csv", defaults={"kind": "csv"})
def download(run_id: str, kind: str) -> Response:
    """The finished file."""
    run = _run(run_id)
    path = _folder() / f"{run['id']}.{kind}"
    if kind not in MIMETYPES or run["outcome"] != "ok" or not path.exists():
        raise NotFoundError("导出文件不存在或尚未完成")
    return pool_download(_chunks(path), kind, MIMETYPES[kind])


def _kind(run_id: str) -> str:
    """The run's file kind, from its file (being written or done)."""
    for kind in MIMETYPES:
        path = _folder() / f"{run_id}.{kind}"
        if path.exists() or path.with_name(path.name + ".part").exists():
            return kind
    return "xlsx"


def _run(run_id: str) -> dict[str, Any]:
    """The current user's export run (not found for anyone else's)."""
    row = runtime().db.primary.fetchone(
        "SELECT id, started_at, finished_at, outcome, detail FROM job_runs"
        " WHERE id = ? AND job = ?",
        (run_id, _job(current_actor().name)),
    )
    if row is None:
        raise NotFoundError(f"导出任务不存在: {run_id}")
    done, total = 0, 0
    if row["detail"] and "/" in row["detail"]:
        first, _, second = row["detail"].partition("/")
        done, total = int(first), int(second)
    return {**row, "done": done, "total": total}


def _write(
    db: Any,
    run_id: str,
    path: Path,
    headers: list[str],
    kinds: list[str],
    chunks: Iterable[Sequence[Sequence[Any]]],
    total: int,
) -> None:
    """Write the export to its file, noting the rows done after some pieces."""
    part = path.with_name(path.name + ".part")
    counted = [0]

    def counting() -> Iterator[Sequence[Sequence[Any]]]:
        for chunk in chunks:
            counted[0] += len(chunk[0])
            yield chunk

    outcome, detail = "failed", "导出中断"
    try:
        note_job_progress(db, run_id, f"0/{total}")
        with part.open("wb") as out:
            if path.suffix == ".csv":
                pieces = stream_csv_columns(headers, counting())
            else:
                pieces = stream_xlsx_columns("项目池", headers, counting(), kinds)
            for n, piece in enumerate(pieces):
                out.write(piece)
                if n % 5 == 4:  # a note every five pieces of EXPORT_CHUNK_ROWS rows
                    note_job_progress(db, run_id, f"{counted[0]}/{total}")
        part.rename(path)
        outcome, detail = "ok", f"{total}/{total}"
    finally:
        finish_job_run(db, run_id, outcome, detail)


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as source:
        while piece := source.read(1 << 16):
            yield piece


def _sweep(folder: Path) -> None:
    """Remove exports older than KEEP_SECONDS (and parts left by a dead worker)."""
    cutoff = time.time() - KEEP_SECONDS
    for path in folder.glob("*.*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            pass  # another worker swept it first
