"""PostgreSQL saves: a big one returns (psycopg's pipeline mode hung on it)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.conftest import pg_settings

pytestmark = pytest.mark.postgres

# Run in a process of its own: a hung save holds the events table's lock until
# its connection goes, and killing the process is what makes it go.
SAVE = textwrap.dedent(
    """
    import os, sys, uuid
    from pathlib import Path

    from eventsourcing.persistence import IntegrityError, StoredEvent

    from gxtrack.bootstrap import Runtime
    from gxtrack.infra.event_recorder import PostgresEventRecorder
    from gxtrack.settings import Settings

    def events(count, size):
        return [
            StoredEvent(uuid.uuid4(), 1, "gxtrack.tests:BigSave", os.urandom(size))
            for _ in range(count)
        ]

    url, data_dir = sys.argv[1], Path(sys.argv[2])
    runtime = Runtime.open(Settings(data_dir=data_dir, database_url=url))
    recorder = runtime.app.recorder
    assert isinstance(recorder, PostgresEventRecorder), type(recorder)
    before = recorder.max_notification_id() or 0
    big = events(3000, 4000)  # 12 MB in one statement
    ids = recorder.insert_events(big)
    assert ids == list(range(before + 1, before + 3001)), ids[:3]
    # All or nothing still: one event already recorded fails the whole save.
    try:
        recorder.insert_events([*events(10, 100), big[1500]])
    except IntegrityError:
        pass
    else:
        raise AssertionError("a recorded event was recorded again")
    assert recorder.max_notification_id() == before + 3000
    runtime.close()
    print("saved")
    """
)


def test_a_save_of_many_megabytes_returns_whole(pg_schema, tmp_path):
    settings = pg_settings(pg_schema, tmp_path)
    try:
        done = subprocess.run(
            [sys.executable, "-c", SAVE, settings.database_url, str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=90,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the save had not returned after 90 s")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "saved"
