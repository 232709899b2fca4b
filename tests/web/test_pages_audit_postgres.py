"""The import, report and audit pages on PostgreSQL (portable SQL, same results)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from gxtrack.bootstrap import Runtime
from tests.conftest import pg_settings
from tests.web.helpers import add_users, login, page_text
from tests.web.import_sheets import GOOD, ledger
from web.app import create_app

pytestmark = pytest.mark.postgres


def test_import_report_and_audit_pages_on_postgres(
    pg_schema: str, tmp_path: Path
) -> None:
    runtime = Runtime.open(pg_settings(pg_schema, tmp_path))
    try:
        add_users(runtime, ("leader", "leader"))
        runtime.wait_for_read_models()
        client = create_app(
            runtime, {"TESTING": True, "WTF_CSRF_ENABLED": False}
        ).test_client()
        assert login(client, "leader").status_code == 302
        response = client.post(
            "/imports/ledger",
            data={"file": (io.BytesIO(ledger(GOOD)), "台账.xlsx")},
            content_type="multipart/form-data",
        )
        preview = page_text(client.get(response.headers["Location"]))
        sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', preview)
        assert sha, preview
        done = client.post(
            response.headers["Location"] + "/confirm", data={"sha256": sha.group(1)}
        )
        assert done.status_code == 302
        assert runtime.db.scalar("SELECT COUNT(*) FROM rm_projects") == 2
        pid = runtime.db.scalar("SELECT id FROM rm_projects ORDER BY name LIMIT 1")
        for url in (
            "/reports/monthly?month=2023-01",
            "/reports/monthly.xlsx?month=2023-01&as_known_on=2023-02-01",
            f"/projects/{pid}/as-of?version=1",
            f"/projects/{pid}/history.xlsx",
            "/audit",
        ):
            assert client.get(url).status_code == 200, url
        assert "校验通过" in page_text(client.get("/audit"))
    finally:
        runtime.close()
