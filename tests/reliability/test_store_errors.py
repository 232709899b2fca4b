"""Every driver's "store unreachable" error is a 503 with a clear message."""

from __future__ import annotations

import sqlite3

import psycopg
import psycopg_pool
import pytest
from eventsourcing import persistence

from gxtrack.bootstrap import Runtime
from gxtrack.settings import Settings
from web.app import create_app
from web.errors import STORE_DOWN, store_unreachable

UNREACHABLE = [
    psycopg.OperationalError("connection refused"),
    psycopg.errors.AdminShutdown("terminating connection"),
    psycopg.InterfaceError("connection already closed"),
    psycopg_pool.PoolTimeout("couldn't get a connection after 5.00 sec"),
    psycopg_pool.PoolClosed("the pool is closed"),
    persistence.OperationalError("connection refused"),
    persistence.InterfaceError("connection closed"),
    sqlite3.OperationalError("database is locked"),
]


@pytest.fixture
def app(tmp_path):
    runtime = Runtime.open(Settings(data_dir=tmp_path, database_url="memory://"))
    app = create_app(runtime, {"TESTING": False})
    state = {"error": None}

    def fail():
        raise state["error"]

    app.add_url_rule("/api/v1/_fail", "api_fail", fail)
    app.add_url_rule("/_fail", "page_fail", fail)
    app.config["fail_with"] = state
    yield app
    runtime.close()


@pytest.mark.parametrize("error", UNREACHABLE, ids=lambda e: type(e).__qualname__)
def test_unreachable_store_is_503_json_and_html(app, error):
    app.config["fail_with"]["error"] = error
    client = app.test_client()
    api = client.get("/api/v1/_fail")
    # Authentication comes first on the API: patch it out of the way.
    assert api.status_code == 401
    app.before_request_funcs[None] = []
    api = client.get("/api/v1/_fail")
    assert api.status_code == 503
    assert api.json == {"code": 503, "message": STORE_DOWN}
    assert api.headers["Retry-After"] == "5"
    page = client.get("/_fail")
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert "数据库暂时无法连接" in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "error",
    [
        persistence.IntegrityError("dup"),
        psycopg.errors.UndefinedTable("no such table"),
        ValueError("bug"),
    ],
    ids=lambda e: type(e).__qualname__,
)
def test_bugs_are_not_mistaken_for_outages(app, error):
    assert not store_unreachable(error)
    app.config["fail_with"]["error"] = error
    app.before_request_funcs[None] = []
    reply = app.test_client().get("/api/v1/_fail")
    assert reply.status_code == 500 and "Traceback" not in reply.get_data(as_text=True)
