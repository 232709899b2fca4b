"""POST /api/v1/imports/ledger: dry run, import, 422 with row/column problems."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from gxtrack.bootstrap import Runtime
from tests.web.api_fixtures import (  # noqa: F401 - fixtures
    API,
    api_app_fixture,
    api_runtime_fixture,
    client_fixture,
    tokens_fixture,
)
from tests.web.import_sheets import BAD_INDUSTRY, GOOD, event_count, ledger
from web.uploads import MAX_BYTES

URL = f"{API}/imports/ledger"


def post(
    client: FlaskClient,
    headers: dict[str, str],
    data: bytes | None,
    name: str = "台账.xlsx",
    query: str = "",
    **form: Any,
):
    body: dict[str, Any] = dict(form)
    if data is not None:
        body["file"] = (io.BytesIO(data), name)
    return client.post(
        URL + query, data=body, headers=headers, content_type="multipart/form-data"
    )


def test_dry_run_is_the_default_and_writes_nothing(
    client: FlaskClient, tokens: dict, api_runtime: Runtime
) -> None:
    before = event_count(api_runtime)
    response = post(client, tokens["leader1"], ledger(GOOD))
    assert response.status_code == 200, response.json
    body = response.json
    assert body["written"] is False and body["ok"] is True
    assert body["counts"]["create"] == 2
    assert [r["row"] for r in body["rows"]] == [2, 3]
    assert event_count(api_runtime) == before


def test_import_then_reimport_changes_nothing(
    client: FlaskClient, tokens: dict, api_runtime: Runtime
) -> None:
    data = ledger(GOOD)
    response = post(client, tokens["admin1"], data, query="?dry_run=false")
    assert response.status_code == 201, response.json
    assert response.json["written"] is True and response.json["events_written"] > 0
    rows = api_runtime.db.fetchall("SELECT name, stage FROM rm_projects ORDER BY name")
    assert {r["name"]: r["stage"] for r in rows} == {
        "【示例】导入项目乙": "signed",
        "【示例】导入项目甲": "landed",
    }
    before = event_count(api_runtime)
    again = post(client, tokens["admin1"], data, query="?dry_run=false")
    assert again.status_code == 201
    assert again.json["counts"]["unchanged"] == 2
    assert event_count(api_runtime) == before


def test_bad_row_is_a_422_naming_row_and_column(
    client: FlaskClient, tokens: dict, api_runtime: Runtime
) -> None:
    before = event_count(api_runtime)
    response = post(
        client, tokens["leader1"], ledger([*GOOD, BAD_INDUSTRY]), query="?dry_run=false"
    )
    assert response.status_code == 422
    body = response.json
    assert body["code"] == 422 and "第 4 行" in body["message"]
    assert "第 4 行: 产业类别" in body["errors"]
    assert body["problems"][0]["row"] == 4
    assert body["problems"][0]["column"] == "产业类别"
    assert "机器人与智能制造" in body["problems"][0]["message"]
    assert event_count(api_runtime) == before


@pytest.mark.parametrize(
    ("data", "name", "field"),
    [
        (None, "", "file"),
        (b"", "a.csv", "file"),
        (b"abc", "a.pdf", "file"),
        (b"not a zip", "a.xlsx", "file"),
        (b"\x80\x81\xfe\xff\xfe", "a.csv", "file"),
    ],
)
def test_malformed_uploads_are_422(
    client: FlaskClient,
    tokens: dict,
    api_runtime: Runtime,
    data: bytes | None,
    name: str,
    field: str,
) -> None:
    before = event_count(api_runtime)
    response = post(client, tokens["leader1"], data, name, query="?dry_run=false")
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
    assert response.json["message"]
    assert event_count(api_runtime) == before


def test_mapping_json_is_checked_and_applied(client: FlaskClient, tokens: dict) -> None:
    headers = ["序号", "项目名称", "投资方", "产业类别", "所属板块", "协议金额"]
    data = ledger([row[:6] for row in GOOD], headers)
    missing = post(client, tokens["leader1"], data)
    assert missing.status_code == 422
    assert "缺少必需的列" in missing.json["message"]
    bad = post(client, tokens["leader1"], data, mapping="{not json")
    assert bad.status_code == 422 and "mapping" in bad.json["errors"]
    mapped = json.dumps({"协议金额": "总投资（万元）"}, ensure_ascii=False)
    ok = post(client, tokens["leader1"], data, mapping=mapped)
    assert ok.status_code == 200, ok.json
    assert ok.json["columns"]["协议金额"] == "investment"


def test_huge_upload_is_a_413(
    client: FlaskClient, tokens: dict, api_runtime: Runtime
) -> None:
    before = event_count(api_runtime)
    response = post(client, tokens["leader1"], b"0" * (MAX_BYTES + 100 * 1024), "a.csv")
    assert response.status_code == 413
    assert response.json["code"] == 413
    far = post(client, tokens["leader1"], b"0" * (MAX_BYTES + 3 * 1024 * 1024), "a.csv")
    assert far.status_code == 413 and far.json["code"] == 413
    assert event_count(api_runtime) == before


def test_bad_dry_run_flag_is_422(client: FlaskClient, tokens: dict) -> None:
    response = post(client, tokens["leader1"], ledger(GOOD), query="?dry_run=maybe")
    assert response.status_code == 422
    assert "dry_run" in response.json["errors"]


@pytest.mark.parametrize("user", ["officer1", "viewer1", "auditor1"])
def test_only_leaders_and_admins_may_import(
    client: FlaskClient, tokens: dict, api_runtime: Runtime, user: str
) -> None:
    before = event_count(api_runtime)
    response = post(client, tokens[user], ledger(GOOD), query="?dry_run=false")
    assert response.status_code == 403
    assert event_count(api_runtime) == before


def test_no_token_is_401(client: FlaskClient) -> None:
    assert post(client, {}, ledger(GOOD)).status_code == 401
