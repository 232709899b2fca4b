"""超期督办 in the leaders' weekly digest, and only there."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

import gxtrack.app.supervision as supervision_use_cases
from tests.jobs.test_mail import TODAY, seeded  # noqa: F401,F811 - fixture


def test_overdue_supervisions_reach_the_leaders_digest(seeded, monkeypatch):  # noqa: F811
    runtime = seeded(None)  # no SMTP: the outbox keeps the messages
    app = runtime.app
    projects = {p["name"]: p["id"] for p in app_projects(runtime)}
    leader = app.actor_for("lead1")
    # Issued ten days ago, due five days ago: 超期 today. Another due today.
    monkeypatch.setattr(
        supervision_use_cases, "bureau_today", lambda: TODAY - timedelta(days=10)
    )
    late = app.issue_supervision(
        leader, projects["【示例】黄色项目"], "限期解决", TODAY - timedelta(days=5)
    )
    monkeypatch.undo()
    app.issue_supervision(leader, projects["【示例】正常项目"], "限期推进", TODAY)
    runtime.wait_for_read_models()
    scan, _ = app.run_stall_scan(leader)
    runtime.wait_for_read_models()
    app.queue_stall_digests(scan)
    by_recipient = {m["recipient"]: m for m in app.mail_messages()}
    leaders = app.mail_message(by_recipient["leaders"]["id"])
    assert "超期督办 1 件" in leaders["Subject"]
    text = leaders.get_body(("plain",)).get_content()
    assert late["number"] in text and "超期 5 天" in text
    assert "限期推进" not in text and "正常项目｜" not in text
    html = leaders.get_body(("html",)).get_content()
    assert "<h3>超期督办</h3>" in html
    book = load_workbook(io.BytesIO(next(leaders.iter_attachments()).get_content()))
    rows = list(book["超期督办"].iter_rows(values_only=True))
    assert rows[1][:2] == (late["number"], "【示例】黄色项目")
    # Officers' digests do not carry the section.
    officer = app.mail_message(by_recipient["officer_a"]["id"])
    assert "超期督办" not in officer.get_body(("plain",)).get_content()
    runtime.close()


def app_projects(runtime):
    from gxtrack.readmodels.pool.queries import project_keys

    return project_keys(runtime.db)
