"""The embedded store's files keep their names: an upgrade must find its data."""

from __future__ import annotations

from gxtrack.bootstrap import Runtime
from gxtrack.settings import Settings


def test_sqlite_files_are_events_db_and_gxtrack_db(sqlite_settings: Settings) -> None:
    runtime = Runtime.open(sqlite_settings)
    runtime.close()
    names = {p.name for p in sqlite_settings.data_dir.iterdir()}
    assert {"events.db", "gxtrack.db"} <= names
