"""The weekly digest: recipients, content and attachment, and delivery that
survives a mail server being down (a real aiosmtpd server on loopback)."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from domain.clock import today
from gxtrack.bootstrap import Runtime
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects
from gxtrack.settings import Settings

TODAY = today()


def smtp_settings(tmp_path: Path, port: int | None) -> Settings:
    smtp = (
        {}
        if port is None
        else {
            "host": "127.0.0.1",
            "port": str(port),
            "security": "none",
            "sender": "gxtrack@example.test",
        }
    )
    return Settings(data_dir=tmp_path / "var", smtp=smtp)


@pytest.fixture
def seeded(admin, tmp_path):
    """Users with addresses and stalled projects, on a SQLite data directory."""

    def make(port: int | None) -> Runtime:
        runtime = Runtime.open(smtp_settings(tmp_path, port))
        app = runtime.app
        for name, role, email in [
            ("officer_a", "officer", "officer_a@example.test"),
            ("liming", "officer", "li@example.test"),
            ("wang", "officer", ""),
            ("lead1", "leader", "lead1@example.test"),
            ("lead2", "leader", "lead2@example.test"),
        ]:
            app.add_user(admin, name, role, email=email, display_name=f"示例{name}")
        for officer, days, name in [
            ("officer_a", 200, "【示例】红色<项目>"),
            ("officer_a", 95, "【示例】黄色项目"),
            ("liming", 10, "【示例】正常项目"),
            ("wang", 100, "【示例】无邮箱专员的项目"),
        ]:
            app.register_project(
                admin,
                name=name,
                investor="某公司",
                industry="ngit",
                zone="mudu",
                planned_investment="100",
                officer=officer,
                stage_date=TODAY - timedelta(days=days),
            )
        runtime.wait_for_read_models()
        return runtime

    return make


def attachment_rows(message) -> list[tuple]:
    parts = [p for p in message.iter_attachments()]
    assert len(parts) == 1
    assert parts[0].get_content_type() == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert parts[0].get_filename().endswith(".xlsx")
    book = load_workbook(io.BytesIO(parts[0].get_content()))
    return list(book.active.iter_rows(values_only=True))


def test_digests_reach_each_officer_and_the_leaders(seeded, smtp_server):
    runtime = seeded(smtp_server.port)
    smtp_server.start()
    result = runtime.app.scan_and_mail()
    assert result["delivery"] == {"sent": 2, "failed": 0}
    assert sorted(result["digests"]["skipped"]) == ["wang"]
    received = {tuple(m["to"]): m for m in smtp_server.inbox.received}
    assert set(received) == {
        ("officer_a@example.test",),
        ("lead1@example.test", "lead2@example.test"),
    }
    mine = received[("officer_a@example.test",)]
    assert mine["from"] == "gxtrack@example.test"
    message = mine["message"]
    assert "停滞项目预警" in message["Subject"] and "红色 1 个" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "示例officer_a同志" in text and "【示例】黄色项目" in text
    assert "【示例】红色&lt;项目&gt;" in html and "<项目>" not in html
    rows = attachment_rows(message)
    assert rows[0][:2] == ("预警级别", "项目名称")
    assert [r[1] for r in rows[1:]] == ["【示例】红色<项目>", "【示例】黄色项目"]
    everyone = attachment_rows(
        received[("lead1@example.test", "lead2@example.test")]["message"]
    )
    assert len(everyone) == 1 + 3
    # Running the week's job again queues and sends nothing more.
    again = runtime.app.scan_and_mail()
    assert again["digests"]["queued"] == [] and again["delivery"]["sent"] == 0
    assert len(smtp_server.inbox.received) == 2
    runtime.close()


def test_a_server_down_loses_nothing_and_delivers_once_when_back(seeded, smtp_server):
    runtime = seeded(smtp_server.port)  # nothing listens on the port yet
    result = runtime.app.scan_and_mail()
    assert result["delivery"] == {"sent": 0, "failed": 2}
    outbox = runtime.app.outbox
    pending = outbox.pending()
    assert len(pending) == 2 and all(
        r["attempts"] == 1 and r["last_error"] for r in pending
    )
    smtp_server.start()
    assert outbox.deliver() == {"sent": 2, "failed": 0}
    assert outbox.deliver() == {"sent": 0, "failed": 0}
    assert len(smtp_server.inbox.received) == 2
    assert all(m["sent_at"] and m["transport"] == "smtp" for m in outbox.messages())
    runtime.close()


def test_without_smtp_digests_go_to_the_outbox_folder(seeded, tmp_path):
    runtime = seeded(None)
    result = runtime.app.scan_and_mail()
    assert result["delivery"] == {"sent": 2, "failed": 0}
    files = sorted((tmp_path / "var" / "outbox").glob("*.eml"))
    assert len(files) == 2
    outbox = runtime.app.outbox
    rows = outbox.messages()
    assert {r["transport"] for r in rows} == {"folder"}
    message = outbox.message(rows[0]["id"])
    assert "停滞项目预警" in message["Subject"]
    runtime.close()


def test_the_digest_lists_what_was_cleared_since_the_previous_scan(seeded, admin):
    runtime = seeded(None)
    app = runtime.app
    app.scan_and_mail(TODAY - timedelta(days=7))
    # The red project signs: no longer stalled, however it stopped.
    signed = list_projects(runtime.db, PoolFilter(q="红色<项目>"))["items"][0]
    app.move_project(admin, signed["id"], "signed", TODAY)
    result = app.scan_and_mail(TODAY)
    assert result["scan"]["cleared"] == [signed["id"]]
    texts = {}
    for row in app.outbox.messages():
        if row["week"] == result["scan"]["week"]:
            msg = app.outbox.message(row["id"])
            texts[row["recipient"]] = msg.get_body(("plain",)).get_content()
    assert "本周已解除（1 个）" in texts["leaders"]
    assert "【示例】红色<项目>" in texts["leaders"].split("本周已解除")[1]
    assert "本周已解除（1 个）" in texts["officer_a"]  # it was officer_a's
    runtime.close()
