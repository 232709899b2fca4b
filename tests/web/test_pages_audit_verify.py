"""The audit page's button: a full walk in the background, its progress shown."""

from __future__ import annotations

import time

from flask.testing import FlaskClient

from gxtrack.bootstrap import Runtime
from tests.web.pages_fixtures import (  # noqa: F401 - fixtures
    app_fixture,
    client_fixture,
    csrf_app_fixture,
    login,
    login_with_token,
    page_runtime_fixture,
    page_text,
    register,
)


def test_the_button_starts_a_full_walk_and_the_page_follows_it(
    client: FlaskClient, page_runtime: Runtime
) -> None:
    register(page_runtime)
    page_runtime.wait_for_read_models()
    login(client, "auditor")
    page = page_text(client.get("/audit"))
    assert 'action="/audit/verify"' in page and "启动全量校验" in page
    response = client.post("/audit/verify")
    assert response.status_code == 303
    assert "/audit?run=" in response.headers["Location"]
    for _ in range(500):
        page = page_text(client.get(response.headers["Location"]))
        if "全量校验进行中" not in page:
            break
        assert 'http-equiv="refresh"' in page and "<progress" in page
        time.sleep(0.02)
    assert "全量校验完成：通过" in page and 'http-equiv="refresh"' not in page
    assert "上次全量校验" in page


def test_only_audit_readers_start_it_and_unknown_runs_are_404(
    client: FlaskClient,
) -> None:
    login(client, "officer")
    assert client.post("/audit/verify").status_code == 403
    client.post("/logout")
    login(client, "auditor")
    assert client.get("/audit?run=nope").status_code == 404


def test_the_button_needs_the_form_token(csrf_app) -> None:
    client = csrf_app.test_client()
    login_with_token(client, "auditor")
    assert "启动全量校验" in page_text(client.get("/audit"))
    assert client.post("/audit/verify").status_code == 400
