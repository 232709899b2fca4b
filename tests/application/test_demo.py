"""The sample data set: fictional, marked, and alive enough that alert mail flows."""

from __future__ import annotations

from pathlib import Path

from gxtrack.app.demo import ENTERPRISES, MARK, SAMPLE_USERS, load_demo
from gxtrack.bootstrap import Runtime
from gxtrack.readmodels.users.queries import active_recipients
from gxtrack.settings import Settings


def test_demo_users_have_mail_and_the_first_scan_queues_digests(tmp_path: Path):
    runtime = Runtime.open(Settings(data_dir=tmp_path, database_url="memory://"))
    try:
        report = load_demo(runtime, "demo-pass-1")
        users = {u["name"]: u["email"] for u in active_recipients(runtime.db)}
        assert users == {name: f"{name}@example.org" for name, *_ in SAMPLE_USERS}
        assert "预警邮件" in report[-1]
        mail = runtime.app.mail_messages()
        leaders = [m for m in mail if m["kind"] == "leaders"]
        assert len(leaders) == 1 and "leader@example.org" in leaders[0]["addresses"]
        assert any(m["kind"] == "officer" for m in mail)
        readiness = runtime.app.mail_readiness()
        assert readiness["last_scan"] is not None and readiness["without_email"] == []
    finally:
        runtime.close()


def test_demo_enterprises_are_marked_sample_names():
    names = [name for name, *_ in ENTERPRISES]
    assert len(set(names)) == len(names)
    # Fictional names are whole company names, never a real brand tagged （示例）.
    assert all(name.endswith("有限公司") and "示例" not in name for name in names)
    assert MARK == "【示例】"
