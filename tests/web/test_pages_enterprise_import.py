"""The enterprise import page: template, upload → preview → confirm, errors, roles."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from domain.clock import today
from domain.uscc import check_character
from tests.web.pages_fixtures import (  # noqa: F401 - fixtures
    app_fixture,
    client_fixture,
    login,
    page_runtime_fixture,
    page_text,
)

DAY = (today() - timedelta(days=20)).isoformat()
HEADER = "企业名称,统一社会信用代码,称号,批次,认定日期,证书编号\n"


def uscc(n: int) -> str:
    first17 = f"91320506MA{n:07d}"
    return first17 + check_character(first17)


def csv_file(*rows: str) -> io.BytesIO:
    return io.BytesIO((HEADER + "".join(rows)).encode("utf-8"))


GOOD = (
    f"【示例】甲科技,{uscc(1)},专精特新中小企业,第一批,{DAY},示-1\n",
    f"【示例】乙制造,{uscc(2)},创新型中小企业,第一批,{DAY},示-2\n",
)


def uploads(page_runtime) -> list:
    """The uploaded files (bytes) waiting in the shared upload store."""
    folder = page_runtime.settings.data_dir / "uploads"
    return sorted(folder.glob("*.bin")) if folder.exists() else []


def upload(client, data):
    return client.post(
        "/enterprises/import", data=data, content_type="multipart/form-data"
    )


def test_template_download(client):
    login(client, "leader")
    response = client.get("/enterprises/import/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    header = [c.value for c in book.active[1]]
    assert header[:5] == ["企业名称", "统一社会信用代码", "称号", "批次", "认定日期"]
    assert "【示例】" in book.active["A2"].value


def test_upload_preview_confirm_keeps_the_file_server_side(client, page_runtime):
    login(client, "leader")
    assert "上传并预览" in page_text(client.get("/enterprises/import"))
    response = upload(client, {"file": (csv_file(*GOOD), "名单.csv")})
    assert response.status_code == 200, page_text(response)
    page = page_text(response)
    assert (
        "将新登记企业 2 家" in page and "确认导入" in page and "【示例】乙制造" in page
    )
    assert page_runtime.db.scalar("SELECT COUNT(*) FROM rm_enterprises") == 0
    [kept] = uploads(page_runtime)
    token = kept.stem
    assert f'value="{token}"' in page
    cookie = client.get_cookie("session")
    assert cookie is not None and "甲科技" not in cookie.value
    assert len(cookie.value) < 1000  # the token, not the file
    # A token that is not this session's imports nothing.
    wrong = client.post("/enterprises/import/confirm", data={"token": "0" * 48})
    assert wrong.status_code == 409
    assert page_runtime.db.scalar("SELECT COUNT(*) FROM rm_enterprises") == 0
    done = client.post("/enterprises/import/confirm", data={"token": token})
    assert done.status_code == 302
    assert page_runtime.db.scalar("SELECT COUNT(*) FROM rm_enterprises") == 2
    assert uploads(page_runtime) == []
    result = page_text(client.get(done.headers["Location"]))
    assert "新登记企业 2 家" in result
    # Confirming twice: the file is gone.
    again = client.post("/enterprises/import/confirm", data={"token": token})
    assert again.status_code == 409


def test_a_bad_row_shows_row_and_column_and_writes_nothing(client, page_runtime):
    login(client, "admin")
    bad_code = uscc(3)[:-1] + ("0" if uscc(3)[-1] != "0" else "1")
    bad = f"【示例】丙,{bad_code},专精特新中小企业,第一批,{DAY},示-3\n"
    response = upload(client, {"file": (csv_file(*GOOD, bad), "名单.csv")})
    assert response.status_code == 422
    page = page_text(response)
    assert "第 4 行" in page and "统一社会信用代码" in page and "确认导入" not in page
    assert uploads(page_runtime) == []
    assert page_runtime.db.scalar("SELECT COUNT(*) FROM rm_enterprises") == 0
    for data, message in (
        ({}, "请选择要上传的文件"),
        ({"file": (io.BytesIO(b"x"), "a.pdf")}, "只支持 .xlsx 或 .csv 文件"),
        ({"file": (io.BytesIO("名称\n甲\n".encode()), "a.csv")}, "统一社会信用代码"),
    ):
        response = upload(client, data)
        assert response.status_code == 422 and message in page_text(response)
    assert uploads(page_runtime) == []


def test_only_leaders_and_admins_import(client):
    for name in ("officer", "viewer"):
        login(client, name)
        assert client.get("/enterprises/import").status_code == 403
        response = upload(client, {"file": (csv_file(*GOOD), "名单.csv")})
        assert response.status_code == 403
        client.post("/logout")


def test_oversized_uploads_are_refused(client, page_runtime, monkeypatch):
    from web.pages import enterprise_import

    login(client, "leader")
    monkeypatch.setattr(enterprise_import, "MAX_BYTES", 10)
    response = upload(client, {"file": (csv_file(*GOOD), "名单.csv")})
    assert response.status_code == 413 and "文件过大" in page_text(response)
    assert uploads(page_runtime) == []


def test_another_users_session_cannot_confirm(client, app, page_runtime):
    login(client, "leader")
    upload(client, {"file": (csv_file(*GOOD), "名单.csv")})
    [kept] = uploads(page_runtime)
    other = app.test_client()
    login(other, "admin")
    response = other.post("/enterprises/import/confirm", data={"token": kept.stem})
    assert response.status_code == 409
    assert page_runtime.db.scalar("SELECT COUNT(*) FROM rm_enterprises") == 0
