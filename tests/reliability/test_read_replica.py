"""GXTRACK_READ_DATABASE_URL: read-model queries on a real streaming replica.

The test starts its own pair of PostgreSQL servers (the shared test server
allows no replication connections): a primary made with initdb in a temporary
directory, and a replica made from it with `pg_basebackup -R`, each on a free
port, run as the OS user owning the PostgreSQL install. Then: reads are
answered by the replica, commands go to the primary, and a command waits until
the replica has replayed it — or, with replay paused (the replica falling
behind), answers the clear 503 and the data shows once replay resumes.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from domain.permissions import Actor
from gxtrack.bootstrap import Runtime
from gxtrack.errors import ProjectionTimeoutError
from gxtrack.settings import Settings
from tests.conftest import IN_CI

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_basebackup"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cannot_start() -> str | None:
    if _bin_dir() is None:
        return "PostgreSQL server binaries (pg_basebackup, initdb) not installed"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and no 'postgres' OS user to run the servers as"
    return None


class Servers:
    """A primary and its streaming replica in one temporary directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.bin = _bin_dir()
        self.user = "postgres" if os.geteuid() == 0 else None
        self.primary_port, self.replica_port = _free_port(), _free_port()

    def run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        if self.user:
            shutil.chown(self.root, self.user)
        primary, replica = self.root / "primary", self.root / "replica"
        self.run("initdb", "-D", str(primary), "-U", "postgres", "--auth=trust")
        settings = (
            "listen_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{self.root}'\n"
            "wal_level = replica\nmax_wal_senders = 4\nfsync = off\n"
            "hot_standby = on\n"
        )
        with (primary / "postgresql.conf").open("a") as conf:
            conf.write(settings)
        self.ctl(primary, self.primary_port)
        self.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port),
            "-U", "postgres", "-D", str(replica), "-R", "-X", "stream",
        )  # fmt: skip
        self.ctl(replica, self.replica_port)

    def ctl(self, data: Path, port: int, action: str = "start") -> None:
        self.run(
            "pg_ctl", "-D", str(data), "-o", f"-p {port}", "-l",
            str(self.root / f"{data.name}.log"), "-w", action,
        )  # fmt: skip

    def stop(self) -> None:
        for name, _port in (
            ("replica", self.replica_port),
            ("primary", self.primary_port),
        ):
            if (self.root / name / "postmaster.pid").exists():
                self.run(
                    "pg_ctl",
                    "-D",
                    str(self.root / name),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                )

    def url(self, port: int, schema: str = "") -> str:
        url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        return f"{url}?schema={schema}" if schema else url

    def replay(self, paused: bool) -> None:
        call = "pg_wal_replay_pause" if paused else "pg_wal_replay_resume"
        with psycopg.connect(
            self.url(self.replica_port).split("?")[0], autocommit=True
        ) as c:
            c.execute(f"SELECT {call}()")


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    reason = _cannot_start()
    if reason:
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    pair = Servers(Path(tempfile.mkdtemp(prefix="gxtrack-replica-")))
    try:
        pair.start()
        yield pair
    finally:
        pair.stop()
        shutil.rmtree(pair.root, ignore_errors=True)


@pytest.fixture
def runtime(servers: Servers, tmp_path: Path) -> Iterator[Runtime]:
    schema = f"t_{uuid.uuid4().hex[:12]}"  # a fresh one per test
    with psycopg.connect(servers.url(servers.primary_port), autocommit=True) as c:
        c.execute(f"CREATE SCHEMA {schema}")
    settings = Settings(
        data_dir=tmp_path,
        database_url=servers.url(servers.primary_port, schema),
        read_database_url=servers.url(servers.replica_port),
        projection_wait_seconds=1.0,
    )
    rt = Runtime.open(settings)
    rt.app.add_user(Actor.system(), "leader", "leader")
    rt.wait_for_read_models()  # the replica has the tables before a test pauses it
    yield rt
    servers.replay(paused=False)
    rt.close()


def _register(rt: Runtime, name: str) -> dict:
    ref = rt.app.reference()
    return rt.app.register_project(
        Actor("leader", rt.app.actor_for("leader").role),
        name=name,
        investor="某公司",
        industry=next(iter(ref.industries)),
        zone=next(iter(ref.zones)),
        planned_investment="100",
    )


def _names(rt: Runtime) -> set[str]:
    from gxtrack.readmodels.pool.queries import PoolFilter, list_projects

    return {p["name"] for p in list_projects(rt.db, PoolFilter())["items"]}


def test_reads_come_from_the_replica_and_see_each_command(runtime, servers):
    replica = runtime.db.scalar("SELECT pg_is_in_recovery() AS r")
    assert replica is True  # the read side really is the standby
    assert runtime.db.primary.scalar("SELECT pg_is_in_recovery() AS r") is False
    _register(runtime, "副本测试一")
    runtime.wait_for_read_models()
    assert "副本测试一" in _names(runtime)  # read your write, from the replica


def test_a_replica_behind_gives_the_clear_timeout_then_catches_up(runtime, servers):
    servers.replay(paused=True)
    _register(runtime, "副本测试二")  # saved on the primary
    with pytest.raises(ProjectionTimeoutError, match="只读副本尚未同步"):
        runtime.wait_for_read_models()
    assert "副本测试二" not in _names(runtime)  # the replica is behind
    servers.replay(paused=False)
    deadline = time.monotonic() + 30
    while "副本测试二" not in _names(runtime) and time.monotonic() < deadline:
        time.sleep(0.05)
    runtime.wait_for_read_models()
    assert "副本测试二" in _names(runtime)


def test_the_api_answers_503_while_the_replica_is_behind(runtime, servers):
    from web import create_app

    app = create_app(runtime, {"TESTING": True})
    token = runtime.accounts.issue_token("leader")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    ref = runtime.app.reference()
    body = {
        "name": "副本测试三",
        "investor": "某公司",
        "industry": next(iter(ref.industries)),
        "zone": next(iter(ref.zones)),
        "planned_investment": "100",
    }
    servers.replay(paused=True)
    response = client.post("/api/v1/projects", json=body, headers=headers)
    assert response.status_code == 503
    assert "只读副本尚未同步" in response.get_json()["message"]
    servers.replay(paused=False)
    # The 503 may come before the save (the duplicate check reads the replica)
    # or after it (the wait for the replica): the project is there once or not
    # at all, never half. Registered again now, it is listed at once.
    runtime.wait_for_read_models()
    before = client.get("/api/v1/projects?q=副本测试三", headers=headers).get_json()
    assert before["total"] in (0, 1)
    again = client.post(
        "/api/v1/projects", json={**body, "confirm_duplicate": True}, headers=headers
    )
    assert again.status_code == 201
    listed = client.get("/api/v1/projects?q=副本测试三", headers=headers)
    assert listed.get_json()["total"] == before["total"] + 1
