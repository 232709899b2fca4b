"""`import events`: restore a checked backup into an empty store, ids and all.

The stored events go back through the recorder's own insert (so their state bytes
are exactly those exported) inside one transaction; positions are kept, gaps
included, because the hash chain covers them. The read models and the chain are
then built by the projection engine, and the new chain head must equal the
file's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from gxtrack.audit.backup import BackupFileError, BackupReader, check_file
from gxtrack.audit.chain import chain_head
from gxtrack.errors import ConflictError

BATCH = 500
Progress = Callable[[int, int], None]


def _runs(events: Iterator[Any]) -> Iterator[list[Any]]:
    """Batches of events with consecutive positions (a gap starts a new batch)."""
    batch: list[Any] = []
    for n in events:
        if batch and (n.id != batch[-1].id + 1 or len(batch) >= BATCH):
            yield batch
            batch = []
        batch.append(n)
    if batch:
        yield batch


def _refuse_non_empty(runtime: Any) -> None:
    count = runtime.app.recorder.max_notification_id() or 0
    if count:
        raise ConflictError(f"目标库非空（已有 {count} 个事件），只能导入到空库")
    with runtime.db.transaction(write=False) as cur:
        if chain_head(cur) is not None:
            raise ConflictError("读模型库中已有哈希链，请使用全新的数据目录或数据库")


def import_events(
    runtime: Any, path: Path, progress: Progress | None = None
) -> BackupReader:
    """Check the file, then restore it; refuses (writing nothing) on any fault."""
    _refuse_non_empty(runtime)
    checked = check_file(path, decode=runtime.app.mapper.to_domain_event)
    recorder = runtime.app.recorder
    # Events go into eventsourcing's own table, keeping their positions: only
    # its recorder's driver can do that, so the recorder is asked, not infra.
    if hasattr(recorder, "channel_name"):
        _insert_postgres(recorder, BackupReader(path), checked.count, progress)
    elif hasattr(recorder, "datastore"):
        _insert_sqlite(recorder, BackupReader(path), checked.count, progress)
    else:
        _insert_memory(recorder, BackupReader(path))
    runtime.projections.rebuild(progress=progress)
    with runtime.db.transaction(write=False) as cur:
        head = chain_head(cur)
    if checked.count and (head is None or head["digest"] != checked.head_digest):
        raise BackupFileError("导入后哈希链与文件不符")
    return checked


def _insert_sqlite(
    recorder: Any, events: BackupReader, total: int, progress: Progress | None
) -> None:
    table = recorder.events_table_name
    with recorder.datastore.transaction(commit=True) as c:
        c.execute(f"SELECT MAX(rowid) FROM {table}")
        last = c.fetchone()[0] or 0
        for batch in _runs(iter(events)):
            end = batch[-1].id
            if batch[0].id != last + 1:
                # SQLite numbers a row max(rowid) + 1: give a gap's first row its own.
                first = batch.pop(0)
                c.execute(
                    f"INSERT INTO {table} (rowid, originator_id, originator_version,"
                    " topic, state) VALUES (?, ?, ?, ?, ?)",
                    (
                        first.id,
                        first.originator_id.hex,
                        first.originator_version,
                        first.topic,
                        first.state,
                    ),
                )
            ids = recorder._insert_events(c, batch) if batch else []
            _same_ids(batch, ids)
            last = end
            if progress:
                progress(last, total)


def _insert_postgres(
    recorder: Any, events: BackupReader, total: int, progress: Progress | None
) -> None:
    from psycopg.sql import SQL, Literal

    table = f"{recorder.datastore.schema}.{recorder.events_table_name}"
    with recorder.datastore.transaction(commit=True) as curs:
        for batch in _runs(iter(events)):
            curs.execute(
                SQL(
                    "SELECT setval(pg_get_serial_sequence({}, 'notification_id'), {},"
                    " false)"
                ).format(Literal(table), Literal(batch[0].id))
            )
            recorder._insert_stored_events(curs, batch)
            ids = recorder._fetch_ids_after_insert_events(curs, batch)
            _same_ids(batch, ids)
            if progress:
                progress(batch[-1].id, total)


def _insert_memory(recorder: Any, events: BackupReader) -> None:
    for batch in _runs(iter(events)):
        ids = recorder.insert_events(batch)
        _same_ids(batch, ids)


def _same_ids(batch: Sequence[Any], ids: Sequence[int] | None) -> None:
    if ids is not None and list(ids) != [n.id for n in batch]:
        raise BackupFileError("无法按原位置写入事件")
