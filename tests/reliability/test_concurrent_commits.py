"""Two web workers committing to one project at once: one wins, the rest get 409.

gunicorn with 2 workers on PostgreSQL; each round several clients revise the
project's name with the same expected_version at the same instant (progress
notes never conflict, so a revision is the race). Exactly one
is accepted; the event log holds exactly the accepted notes, in order, and the
pool row shows the last one.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID

import pytest

from gxtrack.bootstrap import Runtime
from tests.conftest import _conninfo, pg_settings
from tests.reliability.conftest import seed_admin, start_gunicorn
from tests.web.api_fixtures import API, project_body

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ROUNDS = 12
CLIENTS = 4


def test_same_expected_version_one_wins(pg_schema, tmp_path):
    settings = pg_settings(pg_schema, tmp_path / "seed")
    token = seed_admin(settings)
    # Sync workers take one request each at a time, so every round's requests
    # really are served by both processes at once (a gthread worker alone
    # might accept them all and the race would stay inside one process).
    url = f"{_conninfo()}?schema={pg_schema}"
    server = start_gunicorn(url, tmp_path, 2, "--worker-class", "sync")
    accepted: list[str] = []
    try:
        created = server.request("POST", f"{API}/projects", project_body(), token)
        assert created.status == 201, created.body
        pid = created.json["id"]
        version = created.json["version"]
        with ThreadPoolExecutor(CLIENTS) as pool:
            for n in range(ROUNDS):
                start = threading.Barrier(CLIENTS)

                def post(client: int, n: int = n, version: int = version, start=start):
                    note = f"【示例】第{n}轮 客户端{client}"
                    body = {"changes": {"name": note}, "reason": "并发修改"}
                    body["expected_version"] = version
                    start.wait()
                    path = f"{API}/projects/{pid}/revise"
                    return note, server.request("POST", path, body, token)

                replies = list(pool.map(post, range(CLIENTS)))
                statuses = sorted(r.status for _, r in replies)
                assert statuses == [200] + [409] * (CLIENTS - 1), [
                    r.body for _, r in replies
                ]
                for note, reply in replies:
                    if reply.status == 409:
                        assert (
                            reply.json["code"] == 409
                            and "刷新" in reply.json["message"]
                        )
                    else:
                        accepted.append(note)
                        assert reply.json["version"] == version + 1
                version += 1
        answered_by = {
            pid_ for pid_, _, method, _ in server.access() if method == "POST"
        }
    finally:
        server.stop()
    assert len(answered_by) == 2, "both workers must have taken commits"

    runtime = Runtime.open(settings)
    try:
        events = list(runtime.app.events.get(UUID(pid)))
        notes = [
            e.changes["name"][1] for e in events if type(e).__name__ == "DetailsRevised"
        ]
        assert notes == accepted and len(notes) == ROUNDS
        assert [e.originator_version for e in events] == list(range(1, ROUNDS + 2))
        row = runtime.db.fetchone(
            "SELECT version FROM rm_projects WHERE id = ?", (pid,)
        )
        assert row == {"version": ROUNDS + 1}
    finally:
        runtime.close()
