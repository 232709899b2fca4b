"""Alert channels against a real local HTTP server that checks each signature.

DingTalk (timestamp + sign in the query), WeCom (markdown JSON) and signed
webhooks (X-Gxtrack-Signature); one server fails first, then recovers; each
scan reaches each channel once; secrets never reach the events or the outbox.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from domain.clock import today
from domain.permissions import Actor
from domain.users import Role
from gxtrack.bootstrap import Runtime
from gxtrack.errors import PermissionDeniedError, RuleViolationError
from gxtrack.settings import Settings

TODAY = today()
SECRET = "SEC-示例-secret-0123456789"


class Robots:
    """A loopback server answering as DingTalk, WeCom and a webhook receiver.

    Paths: /dingtalk, /wecom, /hook; `fail` makes the next N requests 500.
    A request whose signature does not verify is refused (and recorded).
    """

    def __init__(self) -> None:
        self.accepted: list[dict[str, Any]] = []
        self.refused: list[str] = []
        self.fail = 0
        robots = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                robots.handle(self, body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, handler: Any, status: int, data: dict[str, Any]) -> None:
        raw = json.dumps(data).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(raw)))
        handler.end_headers()
        handler.wfile.write(raw)

    def handle(self, handler: Any, body: bytes) -> None:
        url = urlsplit(handler.path)
        if self.fail:
            self.fail -= 1
            self.refused.append(f"{url.path}: down")
            return self.answer(handler, 500, {"errcode": -1})
        problem = self.check(url.path, parse_qs(url.query), handler.headers, body)
        if problem:
            self.refused.append(f"{url.path}: {problem}")
            return self.answer(handler, 200, {"errcode": 310000, "errmsg": problem})
        self.accepted.append({"path": url.path, "body": json.loads(body)})
        return self.answer(handler, 200, {"errcode": 0, "errmsg": "ok"})

    @staticmethod
    def check(path: str, query: dict, headers: Any, body: bytes) -> str | None:
        if path == "/dingtalk":
            stamp, sign = query["timestamp"][0], query["sign"][0]
            expected = base64.b64encode(
                hmac.new(
                    SECRET.encode(), f"{stamp}\n{SECRET}".encode(), hashlib.sha256
                ).digest()
            ).decode()
            if sign != expected:  # parse_qs has URL-decoded it
                return "sign mismatch"
            data = json.loads(body)
            if data["msgtype"] != "markdown" or not data["markdown"]["title"]:
                return "not markdown"
        elif path == "/wecom":
            if json.loads(body)["msgtype"] != "markdown":
                return "not markdown"
        elif path == "/hook":
            digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            if headers.get("X-Gxtrack-Signature") != f"sha256={digest}":
                return "bad signature"
        return None

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robots():
    server = Robots()
    yield server
    server.close()


@pytest.fixture
def runtime(tmp_path):
    runtime = Runtime.open(Settings(data_dir=tmp_path / "var"))
    admin = Actor.system()
    for zone, days, name in [
        ("mudu", 200, "【示例】木渎红色项目"),
        ("mudu", 95, "【示例】木渎黄色项目"),
        ("wzedz", 100, "【示例】吴中经开区项目"),
        ("wzedz", 10, "【示例】正常项目"),
    ]:
        runtime.app.register_project(
            admin,
            name=name,
            investor="某公司",
            industry="ngit",
            zone=zone,
            planned_investment="100",
            stage_date=TODAY - timedelta(days=days),
        )
    runtime.wait_for_read_models()
    yield runtime
    runtime.close()


def scan(runtime: Runtime, as_of=TODAY) -> dict[str, Any]:
    result, _ = runtime.app.run_stall_scan(Actor.system(), as_of)
    runtime.wait_for_read_models()
    return runtime.app.queue_stall_digests(result)


def test_each_protocol_is_signed_and_each_zone_gets_its_projects(runtime, robots):
    app, admin = runtime.app, Actor.system()
    app.add_channel(admin, "ding", "dingtalk", f"{robots.url}/dingtalk", SECRET)
    app.add_channel(admin, "wecom-mudu", "wecom", f"{robots.url}/wecom", zone="木渎镇")
    app.add_channel(admin, "hook", "webhook", f"{robots.url}/hook", SECRET, "wzedz")
    queued = scan(runtime)
    assert sorted(queued["channels"]) == ["ding", "hook", "wecom-mudu"]
    assert app.deliver_fresh() == {"sent": 3, "failed": 0}
    assert robots.refused == []
    got = {a["path"]: a["body"] for a in robots.accepted}
    assert "【示例】吴中经开区项目" in got["/dingtalk"]["markdown"]["text"]
    assert "本周已解除" in got["/dingtalk"]["markdown"]["text"]
    wecom = got["/wecom"]["markdown"]["content"]
    assert "【示例】木渎红色项目" in wecom and "吴中经开区" not in wecom
    hook = got["/hook"]
    assert (hook["event"], hook["week"], hook["as_of"]) == (
        "stall_digest",
        queued["week"],
        TODAY.isoformat(),
    )
    assert [s["name"] for s in hook["stalled"]] == ["【示例】吴中经开区项目"]
    assert [f["level"] for f in hook["flagged"]] == ["yellow"]
    # Once per scan and channel: queueing again or delivering again sends nothing.
    assert scan(runtime)["channels"] == []
    assert app.deliver_mail() == {"sent": 0, "failed": 0}
    assert len(robots.accepted) == 3


def test_a_channel_that_fails_is_retried_until_it_accepts(runtime, robots):
    app = runtime.app
    app.add_channel(Actor.system(), "hook", "webhook", f"{robots.url}/hook", SECRET)
    robots.fail = 2
    scan(runtime)
    assert app.deliver_fresh() == {"sent": 0, "failed": 1}
    # The retry pace is the mail job's; a fresh-only pass leaves it alone.
    assert app.deliver_fresh() == {"sent": 0, "failed": 0}
    assert app.deliver_mail() == {"sent": 0, "failed": 1}
    pending = [m for m in app.pending_mail() if m["channel"] == "hook"]
    assert pending[0]["attempts"] == 2 and pending[0]["last_error"] == "HTTP 500"
    assert app.deliver_mail() == {"sent": 1, "failed": 0}
    assert app.pending_mail() == []
    assert len(robots.accepted) == 1 and len(robots.refused) == 2


def test_a_wrong_secret_is_refused_by_the_server_and_stays_pending(runtime, robots):
    app = runtime.app
    app.add_channel(Actor.system(), "ding", "dingtalk", f"{robots.url}/dingtalk", "x")
    scan(runtime)
    assert app.deliver_fresh() == {"sent": 0, "failed": 1}
    assert robots.refused == ["/dingtalk: sign mismatch"]
    assert app.pending_mail()[0]["last_error"] == "errcode 310000"


def test_secrets_stay_out_of_events_outbox_and_listings(runtime, robots):
    app = runtime.app
    app.add_channel(Actor.system(), "hook", "webhook", f"{robots.url}/hook", SECRET)
    scan(runtime)
    app.deliver_fresh()
    events = app.recorder.select_notifications(start=1, limit=100_000)
    assert all(SECRET.encode() not in n.state for n in events)
    rows = runtime.db.fetchall("SELECT * FROM mail_outbox")
    assert rows and all(SECRET not in json.dumps(r, default=str) for r in rows)
    listed = app.list_channels()
    assert listed[0]["has_secret"] and SECRET not in json.dumps(listed)


def test_channel_settings_are_checked_and_admin_only(runtime):
    app, admin = runtime.app, Actor.system()
    leader = Actor("lead", Role.LEADER)
    with pytest.raises(PermissionDeniedError):
        app.add_channel(leader, "x1", "webhook", "https://example.test/hook")
    for field, args in [
        ("name", ("A B", "webhook", "https://example.test/")),
        ("kind", ("x1", "slack", "https://example.test/")),
        ("url", ("x1", "webhook", "ftp://example.test/")),
        ("url", ("x1", "webhook", "example.test")),
    ]:
        with pytest.raises(RuleViolationError) as caught:
            app.add_channel(admin, *args)
        assert caught.value.field == field
    with pytest.raises(RuleViolationError) as caught:
        app.add_channel(admin, "x1", "webhook", "https://e.test/", zone="nowhere")
    assert caught.value.field == "zone"


def test_the_cli_adds_lists_and_removes_channels(gx):
    gx("init")
    added = gx(
        "channels", "add", "ding", "--kind", "dingtalk",
        "--url", "https://oapi.dingtalk.com/robot/send?access_token=T0KEN",
        "--secret", SECRET, "--zone", "mudu",
    )  # fmt: skip
    assert "ding" in added.stdout and SECRET not in added.stdout
    listed = gx("channels", "list")
    assert "oapi.dingtalk.com" in listed.stdout
    assert "T0KEN" not in listed.stdout and SECRET not in listed.stdout
    bad = gx(
        "channels", "add", "x1", "--kind", "slack", "--url", "https://e.test", ok=False
    )
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    gx("channels", "remove", "ding")
    assert gx("channels", "remove", "ding", ok=False).returncode != 0
    assert "ding" not in gx("channels", "list").stdout
