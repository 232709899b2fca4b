"""PostgreSQL restarted while gxtrack serves: 503 during the outage, then healed.

gunicorn (2 workers) serves a private cluster; the test stops the cluster,
expects clear 503 answers (JSON under /api/, with Retry-After) and no partial
writes, starts it again and expects every worker to answer normally without
being restarted.
"""

from __future__ import annotations

import time

import pytest

from gxtrack.bootstrap import Runtime
from gxtrack.settings import Settings
from tests.reliability.conftest import seed_admin, start_gunicorn
from tests.web.api_fixtures import API, project_body

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
STORE_DOWN = "数据库暂时无法连接"


def test_outage_answers_503_then_recovers(private_cluster, tmp_path):
    settings = Settings(
        data_dir=tmp_path / "var", database_url=private_cluster.conninfo()
    )
    token = seed_admin(settings)
    server = start_gunicorn(private_cluster.conninfo(), tmp_path)
    try:
        created = server.request("POST", f"{API}/projects", project_body(), token)
        assert created.status == 201, created.body
        pid = created.json["id"]
        assert server.request("GET", f"{API}/projects", token=token).status == 200

        private_cluster.stop()
        for method, path, body in (
            ("GET", f"{API}/projects", None),
            ("GET", f"{API}/projects/{pid}", None),
            ("POST", f"{API}/projects", project_body(name="【示例】停机期间登记")),
            ("GET", f"{API}/projects?stage=signed", None),
        ):
            started = time.monotonic()
            reply = server.request(method, path, body, token, timeout=60)
            assert reply.status == 503, (path, reply.status, reply.body)
            assert reply.json["code"] == 503
            assert reply.json["message"].startswith(STORE_DOWN)
            assert reply.headers.get("Retry-After") == "5"
            assert time.monotonic() - started < 30  # an answer, not a hang
        health = server.request("GET", "/healthz", timeout=90)
        assert health.status == 503 and health.json["status"] == "unavailable"

        private_cluster.start()
        mark = server.log_size()
        deadline = time.monotonic() + 60
        while server.request("GET", f"{API}/projects", token=token).status != 200:
            assert time.monotonic() < deadline, "did not recover within 60 s"
            time.sleep(0.5)
        # Every worker heals by itself: keep asking until both answered 200.
        workers = {p for p, *_ in server.access()}
        healed: set[int] = set()
        for _ in range(200):
            reply = server.request("GET", f"{API}/projects/{pid}", token=token)
            assert reply.status == 200, reply.body
            healed = {p for p, s, *_ in server.access(mark) if s == 200}
            if healed >= workers:
                break
        assert len(workers) == 2 and healed >= workers
        again = server.request("POST", f"{API}/projects", project_body(), token)
        assert again.status == 201, again.body
        page = server.request("GET", f"{API}/projects?page_size=50", token=token)
        names = sorted(item["name"] for item in page.json["items"])
        assert len(names) == 2 and "【示例】停机期间登记" not in names
    finally:
        server.stop()

    # Nothing written during the outage: two projects, each registered once.
    runtime = Runtime.open(settings)
    try:
        registered = [
            n.topic
            for n in runtime.app.recorder.select_notifications(start=1, limit=1000)
            if n.topic.endswith("InvestmentProject.Registered")
        ]
        assert len(registered) == 2
        assert runtime.db.scalar("SELECT count(*) FROM rm_projects") == 2
    finally:
        runtime.close()
