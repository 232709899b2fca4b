"""The ledger import pages: template, upload, preview, mapping, confirm, 4xx paths."""

from __future__ import annotations

import hashlib
import io
import json
import re
from typing import Any

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from gxtrack.app.ledger.headers import MappingStore
from gxtrack.bootstrap import Runtime
from tests.web.import_sheets import BAD_INDUSTRY, GOOD, event_count, ledger
from tests.web.pages_fixtures import (  # noqa: F401 - fixtures
    app_fixture,
    client_fixture,
    csrf_app_fixture,
    csrf_token,
    login,
    login_with_token,
    page_runtime_fixture,
    page_text,
)
from web.uploads import MAX_BYTES


def upload(client: FlaskClient, data: bytes, name: str = "台账.xlsx", **extra: Any):
    return client.post(
        "/imports/ledger",
        data={"file": (io.BytesIO(data), name), **extra},
        content_type="multipart/form-data",
    )


def token_of(response: Any) -> str:
    match = re.search(
        r"/imports/ledger/([A-Za-z0-9_-]+)$", response.headers["Location"]
    )
    assert match, response.headers["Location"]
    return match.group(1)


def sha_of(page: str) -> str:
    match = re.search(r'name="sha256" value="([0-9a-f]{64})"', page)
    assert match, "no confirm form"
    return match.group(1)


@pytest.fixture(name="leader_client")
def leader_client_fixture(client: FlaskClient) -> FlaskClient:
    login(client, "leader")
    return client


def test_template_has_chinese_headers_and_a_skipped_example_row(
    leader_client: FlaskClient, page_runtime: Runtime
) -> None:
    response = leader_client.get("/imports/ledger/template.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    headers = [c.value for c in sheet[1]]
    assert headers[:6] == ["序号", "项目名称", "投资方", "产业类别", "落户板块"] + [
        "总投资（万元）"
    ]
    assert sheet["A2"].value == "示例"
    # Uploading the template as it is: the example row is skipped, nothing created.
    before = event_count(page_runtime)
    preview = leader_client.get(token_path(upload(leader_client, response.data)))
    assert "示例行，已跳过" in page_text(preview)
    assert event_count(page_runtime) == before


def token_path(response: Any) -> str:
    assert response.status_code == 302, page_text(response)
    return response.headers["Location"]


def test_preview_then_confirm_imports_every_row(
    leader_client: FlaskClient, page_runtime: Runtime
) -> None:
    before = event_count(page_runtime)
    response = upload(leader_client, ledger(GOOD))
    token = token_of(response)
    page = page_text(leader_client.get(f"/imports/ledger/{token}"))
    assert "【示例】导入项目甲" in page and "新建" in page
    # The preview wrote nothing.
    assert event_count(page_runtime) == before
    confirmed = leader_client.post(
        f"/imports/ledger/{token}/confirm", data={"sha256": sha_of(page)}
    )
    assert confirmed.status_code == 302
    result = page_text(leader_client.get(confirmed.headers["Location"]))
    assert "导入完成" in result and "/projects/" in result
    names = {
        r["name"] for r in page_runtime.db.fetchall("SELECT name FROM rm_projects")
    }
    assert {"【示例】导入项目甲", "【示例】导入项目乙"} <= names
    assert event_count(page_runtime) > before
    # The uploaded bytes are gone; the confirm cannot be replayed.
    again = leader_client.post(
        f"/imports/ledger/{token}/confirm", data={"sha256": sha_of(page)}
    )
    assert again.status_code == 404


def test_bad_row_shows_row_column_and_suggestion_and_writes_nothing(
    leader_client: FlaskClient, page_runtime: Runtime
) -> None:
    before = event_count(page_runtime)
    data = ledger([*GOOD, BAD_INDUSTRY])
    token = token_of(upload(leader_client, data))
    page = page_text(leader_client.get(f"/imports/ledger/{token}"))
    assert "第 4 行「产业类别」" in page
    assert "最接近的是" in page and "机器人与智能制造" in page
    assert 'name="sha256"' not in page  # no confirm button
    # Confirming anyway (a crafted post) is refused and writes nothing.
    response = leader_client.post(
        f"/imports/ledger/{token}/confirm",
        data={"sha256": hashlib.sha256(data).hexdigest()},
    )
    assert response.status_code == 422
    assert event_count(page_runtime) == before


def test_unknown_header_mapping_is_applied_and_saved(
    leader_client: FlaskClient, page_runtime: Runtime
) -> None:
    headers = ["序号", "项目名称", "投资方", "产业类别", "所属板块", "协议金额"]
    data = ledger([row[:6] for row in GOOD], headers)
    token = token_of(upload(leader_client, data))
    page = page_text(leader_client.get(f"/imports/ledger/{token}"))
    assert "缺少必需的列" in page and "协议金额" in page
    leader_client.post(
        f"/imports/ledger/{token}/mapping",
        data={"header-1": "协议金额", "field-1": "investment", "save_mapping": "1"},
    )
    page = page_text(leader_client.get(f"/imports/ledger/{token}"))
    assert "缺少必需的列" not in page
    leader_client.post(
        f"/imports/ledger/{token}/confirm", data={"sha256": sha_of(page)}
    )
    assert MappingStore(page_runtime.db).load() == {"协议金额": "investment"}
    bad = leader_client.post(
        f"/imports/ledger/{token}/mapping", data={"header-1": "x", "field-1": "nope"}
    )
    assert bad.status_code in (302, 404)  # the upload is finished


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.xlsx", "上传的文件是空的"),
        (b"hello", "a.pdf", "不支持的文件类型"),
        (b"not a zip", "a.xlsx", "xlsx"),
        (b"\xff\xfe\x00\xd8broken", "a.csv", ""),
        ("项目名称,投资方\n".encode()[:-4] + b"\x80\x81\xfe", "a.csv", "编码"),
    ],
)
def test_malformed_uploads_are_clear_422s_and_write_nothing(
    leader_client: FlaskClient,
    page_runtime: Runtime,
    data: bytes,
    name: str,
    message: str,
) -> None:
    before = event_count(page_runtime)
    response = upload(leader_client, data, name)
    assert response.status_code == 422
    assert message in page_text(response)
    assert 'role="alert"' in page_text(response)
    assert event_count(page_runtime) == before
    uploads = page_runtime.settings.data_dir / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())


def test_missing_file_is_a_422(leader_client: FlaskClient) -> None:
    response = leader_client.post("/imports/ledger", data={})
    assert response.status_code == 422
    assert "请选择要上传的台账文件" in page_text(response)


def test_huge_upload_is_a_413_with_the_limit(
    leader_client: FlaskClient, page_runtime: Runtime
) -> None:
    before = event_count(page_runtime)
    response = upload(leader_client, b"0" * (MAX_BYTES + 100 * 1024), "big.csv")
    assert response.status_code == 413
    assert "10 MB" in page_text(response)
    # Far over the limit: refused by the app-wide cap, with the same page.
    response = upload(leader_client, b"0" * (MAX_BYTES + 3 * 1024 * 1024), "big.csv")
    assert response.status_code == 413
    assert "10 MB" in page_text(response)
    assert event_count(page_runtime) == before


@pytest.mark.parametrize("name", ["officer", "viewer", "auditor"])
def test_only_leaders_and_admins_may_import(client: FlaskClient, name: str) -> None:
    login(client, name)
    assert client.get("/imports/ledger").status_code == 403
    assert client.get("/imports/ledger/template.xlsx").status_code == 403
    assert upload(client, ledger(GOOD)).status_code == 403


def test_admin_may_import(client: FlaskClient) -> None:
    login(client, "admin")
    assert client.get("/imports/ledger").status_code == 200


def test_anonymous_is_sent_to_login(client: FlaskClient) -> None:
    response = client.get("/imports/ledger")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_upload_token_is_bound_to_the_session(
    app: Flask, leader_client: FlaskClient, page_runtime: Runtime
) -> None:
    token = token_of(upload(leader_client, ledger(GOOD)))
    # Another session of another leader-role user cannot use it.
    other = app.test_client()
    login(other, "admin")
    refused = other.get(f"/imports/ledger/{token}")
    assert refused.status_code == 404
    assert "已过期或不属于当前登录" in page_text(refused)
    assert other.post(f"/imports/ledger/{token}/confirm").status_code == 404
    # The bytes are on disk under the data dir, not in the cookie.
    files = list((page_runtime.settings.data_dir / "uploads").iterdir())
    assert any(f.name == f"{token}.bin" for f in files)
    cookie = leader_client.get_cookie("session")
    assert cookie is not None and len(cookie.value) < 1000


def test_stale_or_swapped_file_cannot_be_confirmed(
    leader_client: FlaskClient, page_runtime: Runtime
) -> None:
    before = event_count(page_runtime)
    token = token_of(upload(leader_client, ledger(GOOD)))
    wrong = leader_client.post(
        f"/imports/ledger/{token}/confirm", data={"sha256": "0" * 64}
    )
    assert wrong.status_code == 409
    # The file altered on disk after the preview: refused as unknown.
    blob = page_runtime.settings.data_dir / "uploads" / f"{token}.bin"
    blob.write_bytes(ledger([GOOD[0]]))
    page = leader_client.get(f"/imports/ledger/{token}")
    assert page.status_code == 404
    assert event_count(page_runtime) == before


def test_every_import_form_needs_csrf(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    login_with_token(client, "leader")
    form = page_text(client.get("/imports/ledger"))
    assert 'name="csrf_token"' in form
    assert upload(client, ledger(GOOD)).status_code == 400
    ok = upload(client, ledger(GOOD), csrf_token=csrf_token(form))
    token = token_of(ok)
    preview = page_text(client.get(f"/imports/ledger/{token}"))
    assert preview.count('name="csrf_token"') >= 2
    no_csrf = client.post(
        f"/imports/ledger/{token}/confirm", data={"sha256": sha_of(preview)}
    )
    assert no_csrf.status_code == 400


def test_expired_upload_is_refused_and_purged(
    leader_client: FlaskClient, page_runtime: Runtime
) -> None:
    token = token_of(upload(leader_client, ledger(GOOD)))
    folder = page_runtime.settings.data_dir / "uploads"
    meta = folder / f"{token}.json"
    record = json.loads(meta.read_text("utf-8"))
    meta.write_text(json.dumps({**record, "expires": 0}), "utf-8")
    assert leader_client.get(f"/imports/ledger/{token}").status_code == 404
    # The next upload purges it.
    upload(leader_client, ledger(GOOD))
    assert not (folder / f"{token}.bin").exists()


def test_import_and_audit_pages_in_english(leader_client: FlaskClient) -> None:
    page = page_text(leader_client.get("/imports/ledger?lang=en"))
    assert "Import the project ledger" in page
    assert "Download the ledger template (.xlsx)" in page
    report = page_text(leader_client.get("/reports/monthly?lang=en"))
    assert "Count as reported" in report and "Count corrected" in report
    assert "the hash chain is intact" in page_text(leader_client.get("/audit?lang=en"))


def test_a_second_confirm_while_importing_is_refused(
    leader_client: FlaskClient, page_runtime: Runtime
) -> None:
    from web.uploads import UploadStore

    token = token_of(upload(leader_client, ledger(GOOD)))
    page = page_text(leader_client.get(f"/imports/ledger/{token}"))
    store = UploadStore(page_runtime.settings.data_dir / "uploads")
    assert store.claim(token)  # as if a first confirm were still running
    before = event_count(page_runtime)
    response = leader_client.post(
        f"/imports/ledger/{token}/confirm", data={"sha256": sha_of(page)}
    )
    assert response.status_code == 409
    assert "正在导入" in page_text(response)
    assert event_count(page_runtime) == before
    store.release(token)
    done = leader_client.post(
        f"/imports/ledger/{token}/confirm", data={"sha256": sha_of(page)}
    )
    assert done.status_code == 302
