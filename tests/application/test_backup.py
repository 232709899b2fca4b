"""Backup and restore: export → import → verify → the same log and the same pool."""

from __future__ import annotations

import base64
import io
import json
from datetime import date
from pathlib import Path

import pytest

from gxtrack.app.history import history
from gxtrack.audit.backup import BackupFileError, export_events
from gxtrack.audit.restore import import_events
from gxtrack.audit.verify import notifications, verify
from gxtrack.bootstrap import Runtime
from gxtrack.errors import ConflictError
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects, summary
from gxtrack.settings import Settings
from tests.conftest import _conninfo, pg_settings


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def kind(request):
    return request.param


@pytest.fixture
def open_store(kind, tmp_path: Path, request):
    """Opens fresh stores of one kind: a source and a restore target."""
    opened: list[Runtime] = []

    def open_one(name: str) -> Runtime:
        if kind == "sqlite":
            settings = Settings(data_dir=tmp_path / name)
        else:
            schema = (
                request.getfixturevalue("pg_schema")
                if name == "source"
                else _schema(name)
            )
            settings = pg_settings(schema, tmp_path / name)
        runtime = Runtime.open(settings)
        opened.append(runtime)
        return runtime

    yield open_one
    for runtime in opened:
        runtime.close()
    if kind == "postgres":
        import psycopg

        with psycopg.connect(_conninfo(), autocommit=True) as conn:
            for runtime in opened[1:]:
                schema = runtime.app.recorder.datastore.schema
                conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def _schema(name: str) -> str:
    import uuid

    import psycopg

    schema = f"t_{name}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_conninfo(), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return schema


def _fill(runtime, leader):
    app = runtime.app
    ids = []
    for n in range(3):
        pid = app.register_project(
            leader,
            name=f"【示例】备份项目{n}",
            investor="某投资方",
            industry="biomed",
            zone="luzhi",
            planned_investment=f"{n + 1}00.5",
            stage_date=date(2025, 1, 1),
        )["id"]
        ids.append(pid)
    app.move_project(leader, ids[0], "signed", date(2025, 2, 1))
    app.move_project(leader, ids[1], "withdrawn", date(2025, 2, 2), "退出")
    app.revise_project(leader, ids[2], {"name": "【示例】改名项目"}, "更名")
    runtime.wait_for_read_models()
    return ids


def _export(runtime, path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        export_events(runtime.app, out)
    return path


def _stored(runtime):
    return [
        (n.id, str(n.originator_id), n.originator_version, n.topic, bytes(n.state))
        for n in notifications(runtime.app)
    ]


def test_round_trip_reproduces_log_read_models_and_chain(open_store, leader, tmp_path):
    source = open_store("source")
    ids = _fill(source, leader)
    backup = _export(source, tmp_path / "events.jsonl")
    lines = backup.read_text(encoding="utf-8").splitlines()
    header, trailer = json.loads(lines[0]), json.loads(lines[-1])
    assert header["format"] == "gxtrack-events" and header["format_version"] == 1
    assert trailer["count"] == len(lines) - 2 == len(_stored(source))

    target = open_store("target")
    checked = import_events(target, backup)
    assert checked.count == trailer["count"]
    assert _stored(target) == _stored(source)
    result = verify(target.app, target.db)
    assert result.ok and result.head_digest == trailer["head"]["digest"]
    everything = PoolFilter()
    assert list_projects(target.db, everything, page_size=200) == list_projects(
        source.db, everything, page_size=200
    )
    assert summary(target.db, PoolFilter(as_of=date(2025, 2, 1))) == summary(
        source.db, PoolFilter(as_of=date(2025, 2, 1))
    )
    assert history(target.app, ids[1]) == history(source.app, ids[1])
    # Importing again is refused: the store is no longer empty.
    with pytest.raises(ConflictError, match="非空"):
        import_events(target, backup)


def _refused(target, path: Path, match: str) -> None:
    with pytest.raises(BackupFileError, match=match):
        import_events(target, path)
    assert not target.app.recorder.max_notification_id()
    assert target.db.scalar("SELECT COUNT(*) FROM rm_projects") == 0
    assert target.db.scalar("SELECT COUNT(*) FROM audit_chain") == 0


def _rechain(lines: list[str]) -> None:
    """Recompute every digest and the trailer, as a careful forger would."""
    from types import SimpleNamespace

    from gxtrack.audit.chain import GENESIS, link_digest

    digest = GENESIS
    for i, text in enumerate(lines[1:-1], 1):
        item = json.loads(text)
        n = SimpleNamespace(**{**item, "state": base64.b64decode(item["state"])})
        digest = link_digest(digest, n)
        item["digest"] = digest
        lines[i] = json.dumps(item) + "\n"
    trailer = json.loads(lines[-1])
    trailer["head"]["digest"] = digest
    lines[-1] = json.dumps(trailer) + "\n"


def test_bad_files_are_refused_and_nothing_is_written(open_store, leader, tmp_path):
    source = open_store("source")
    _fill(source, leader)
    good = _export(source, tmp_path / "good.jsonl").read_text(encoding="utf-8")
    lines = good.splitlines(keepends=True)
    target = open_store("target")

    truncated = tmp_path / "truncated.jsonl"
    truncated.write_text("".join(lines[:-3]) + lines[-3][:40], encoding="utf-8")
    _refused(target, truncated, "截断|truncated")

    no_trailer = tmp_path / "no_trailer.jsonl"
    no_trailer.write_text("".join(lines[:-1]), encoding="utf-8")
    _refused(target, no_trailer, "截断")

    altered = tmp_path / "altered.jsonl"
    item = json.loads(lines[3])
    state = base64.b64decode(item["state"])
    assert b"2025-01-01" in state
    item["state"] = base64.b64encode(
        state.replace(b"2025-01-01", b"2024-01-01")
    ).decode()
    altered.write_text(
        "".join([*lines[:3], json.dumps(item) + "\n", *lines[4:]]), encoding="utf-8"
    )
    _refused(target, altered, "被修改")

    newer = tmp_path / "newer.jsonl"
    header = json.loads(lines[0])
    header["format_version"] = 2
    newer.write_text(json.dumps(header) + "\n" + "".join(lines[1:]), encoding="utf-8")
    _refused(target, newer, "请升级")

    unknown = tmp_path / "unknown_topic.jsonl"
    item = json.loads(lines[2])
    item["topic"] = "domain.project:InvestmentProject.Teleported"
    unknown.write_text(
        "".join([*lines[:2], json.dumps(item) + "\n", *lines[3:]]), encoding="utf-8"
    )
    _refused(target, unknown, "更新版本")

    undecodable = tmp_path / "undecodable.jsonl"
    item = json.loads(lines[2])
    state = base64.b64decode(item["state"]).replace(
        b'"_type_":"date_iso"', b'"_type_":"date_v2"', 1
    )
    assert b"date_v2" in state
    item["state"] = base64.b64encode(state).decode()
    lines_u = [*lines[:2], json.dumps(item) + "\n", *lines[3:]]
    _rechain(lines_u)
    undecodable.write_text("".join(lines_u), encoding="utf-8")
    _refused(target, undecodable, "更新版本")

    # After all that, the good file still restores.
    (tmp_path / "again.jsonl").write_text(good, encoding="utf-8")
    assert import_events(target, tmp_path / "again.jsonl").count == len(lines) - 2


def test_export_streams_in_pages(open_store, leader, monkeypatch):
    import gxtrack.audit.verify as walk

    source = open_store("source")
    _fill(source, leader)
    monkeypatch.setattr(walk, "PAGE", 2)
    out = io.StringIO()
    trailer = export_events(source.app, out)
    assert trailer["count"] == len(_stored(source))
    assert len(out.getvalue().splitlines()) == trailer["count"] + 2


# A well-formed id: readers of the log (the kept values' look at what changed)
# decode every row's originator id while the placeholder is there.
PLACEHOLDER = "00000000-0000-4000-8000-00000000beef"


def _make_gap(runtime) -> None:
    """Skip a position, as a rolled-back write does on PostgreSQL."""
    recorder = runtime.app.recorder
    if runtime.settings.is_postgres:
        table = f"{recorder.datastore.schema}.{recorder.events_table_name}"
        with recorder.datastore.transaction(commit=True) as curs:
            curs.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'notification_id'))",
                (table,),
            )
    else:
        with recorder.datastore.transaction(commit=True) as c:
            c.execute(
                f"INSERT INTO {recorder.events_table_name} VALUES (?, ?, ?, ?)",
                (PLACEHOLDER, 1, "x:y", b"{}"),
            )


def _close_gap(runtime) -> None:
    recorder = runtime.app.recorder
    if not runtime.settings.is_postgres:
        with recorder.datastore.transaction(commit=True) as c:
            c.execute(
                f"DELETE FROM {recorder.events_table_name} WHERE originator_id = ?",
                (PLACEHOLDER,),
            )


def test_positions_with_gaps_survive_the_round_trip(open_store, leader, tmp_path):
    source = open_store("source")
    _fill(source, leader)
    _make_gap(source)
    source.app.register_project(
        leader,
        name="【示例】缺口之后",
        investor="某投资方",
        industry="biomed",
        zone="luzhi",
        planned_investment="1",
    )
    _close_gap(source)
    source.wait_for_read_models()
    positions = [n.id for n in notifications(source.app)]
    assert positions[-1] == positions[-2] + 2
    assert verify(source.app, source.db).ok
    target = open_store("target")
    import_events(target, _export(source, tmp_path / "gap.jsonl"))
    assert _stored(target) == _stored(source)
    assert verify(target.app, target.db).ok
