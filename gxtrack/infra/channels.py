"""Alert channels: their settings (secrets included) and the robot protocols.

Channels live in `alert_channels` (migration 20), never in events, so a secret
is never part of the audit trail or a backup of the log. Their messages go
through the mail outbox (gxtrack.infra.mailer); `post()` sends one, signing it
at the moment of sending:
- dingtalk: `timestamp` (ms) and `sign` query parameters, sign = URL-encoded
  base64 of HMAC-SHA256 over "{timestamp}\n{secret}" keyed by the secret;
  accepted when the answer's `errcode` is 0;
- wecom: the group robot's JSON, accepted when `errcode` is 0;
- webhook: header X-Gxtrack-Signature: sha256=<hex HMAC-SHA256 of the body>;
  accepted on any 2xx.
Errors name the status or the failure, never the URL (it carries tokens).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus, urlsplit

from domain.channels import ChannelSettings
from gxtrack.infra.db import Database

TIMEOUT_SECONDS = 10


class ChannelRefusedError(Exception):
    """The channel did not accept the message (the outbox will retry)."""


class ChannelStore:
    """Add, list and remove channels; `get` is for the outbox alone (with secret)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, settings: ChannelSettings) -> bool:
        """Record a channel; False when the name is taken."""
        with self.db.transaction() as cur:
            cur.execute(
                "INSERT INTO alert_channels (name, kind, url, secret, zone,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
                (
                    settings.name,
                    settings.kind,
                    settings.url,
                    settings.secret,
                    settings.zone,
                    datetime.now(UTC).isoformat(),
                ),
            )
            return cur.rowcount == 1

    def remove(self, name: str) -> bool:
        """Remove a channel; False when there is none by that name."""
        with self.db.transaction() as cur:
            cur.execute("DELETE FROM alert_channels WHERE name = ?", (name,))
            return cur.rowcount == 1

    def list(self) -> list[dict[str, Any]]:
        """Every channel without its secret (whether one is set) or full URL."""
        rows = self.db.fetchall(
            "SELECT name, kind, url, secret, zone, created_at FROM alert_channels"
            " ORDER BY name"
        )
        for row in rows:
            row["has_secret"] = bool(row.pop("secret"))
            row["host"] = _host(row.pop("url"))
        return rows

    def get(self, name: str) -> dict[str, Any] | None:
        """One channel with its URL and secret, for sending."""
        return self.db.fetchone("SELECT * FROM alert_channels WHERE name = ?", (name,))


def _host(url: str) -> str:
    return urlsplit(url).netloc


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The DingTalk robot's `sign`: URL-encoded base64 HMAC-SHA256."""
    text = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), text, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def webhook_signature(secret: str, body: bytes) -> str:
    """The X-Gxtrack-Signature header value for `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signed_request(channel: dict[str, Any], body: bytes) -> urllib.request.Request:
    """The HTTP request carrying `body` to the channel, signed if it has a secret."""
    url, secret = channel["url"], channel.get("secret") or ""
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if channel["kind"] == "dingtalk" and secret:
        stamp = int(time.time() * 1000)
        url += "&" if "?" in url else "?"
        url += f"timestamp={stamp}&sign={dingtalk_sign(secret, stamp)}"
    if channel["kind"] == "webhook" and secret:
        headers["X-Gxtrack-Signature"] = webhook_signature(secret, body)
    return urllib.request.Request(url, data=body, headers=headers, method="POST")


def post(channel: dict[str, Any], body: bytes) -> None:
    """Send `body`; ChannelRefusedError unless the channel accepted it."""
    request = signed_request(channel, body)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            answer = response.read()
    except urllib.error.HTTPError as error:
        raise ChannelRefusedError(f"HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ChannelRefusedError(f"{type(error).__name__}: {reason}") from None
    if channel["kind"] in ("dingtalk", "wecom"):
        try:
            code = json.loads(answer or b"{}").get("errcode", 0)
        except (ValueError, AttributeError):
            raise ChannelRefusedError("应答不是 JSON") from None
        if code != 0:
            raise ChannelRefusedError(f"errcode {code}")
