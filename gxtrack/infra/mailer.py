"""The mail outbox: a message is recorded before it is sent, and resent until accepted.

Each message is a row of `mail_outbox` (outside the rebuildable read models,
created by migration 4 in gxtrack.infra.migrations)
holding the whole MIME text, with a deterministic id so that queueing the same
digest twice keeps one row. `deliver()` sends every pending row: a server that
is down leaves the rows pending for the next attempt, and a row is marked sent
only once the server has accepted it. With no SMTP host configured, messages
are written as .eml files to the data directory's `outbox/` folder instead.

The same outbox carries the digests for alert channels (robots and webhooks,
gxtrack.infra.channels): such a row names its `channel` and holds the JSON
body; it is signed when sent, so no secret is ever stored with the message.

SMTP settings come from GXTRACK_SMTP_HOST, _PORT, _SECURITY (none|starttls|ssl),
_USER, _PASSWORD and _SENDER (see Settings.smtp).
"""

from __future__ import annotations

import email
import smtplib
import ssl
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from gxtrack.infra import channels
from gxtrack.infra.db import Database

DEFAULT_SENDER = "gxtrack@localhost"
SECURITIES = ("none", "starttls", "ssl")


def _now() -> str:
    return datetime.now(UTC).isoformat()


def sender(smtp: dict[str, str]) -> str:
    """The From address configured for alert mail."""
    return smtp.get("sender") or smtp.get("user") or DEFAULT_SENDER


class Outbox:
    """Queue and deliver mail through SMTP, or to the outbox folder."""

    def __init__(self, db: Database, smtp: dict[str, str], folder: Path) -> None:
        self.db = db
        self.smtp = smtp
        self.folder = folder
        self.channels = channels.ChannelStore(db)

    def queue(
        self, message_id: str, kind: str, week: str, recipient: str, msg: EmailMessage
    ) -> bool:
        """Record a message to send; False when that id was already queued."""
        addresses = ", ".join(a.strip() for a in str(msg["To"]).split(",") if a.strip())
        with self.db.transaction() as cur:
            cur.execute(
                "INSERT INTO mail_outbox (id, kind, week, recipient, addresses,"
                " subject, message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO NOTHING",
                (
                    message_id,
                    kind,
                    week,
                    recipient,
                    addresses,
                    str(msg["Subject"]),
                    msg.as_string(),
                    _now(),
                ),
            )
            return cur.rowcount == 1

    def queue_channel(
        self, message_id: str, week: str, channel: str, title: str, body: str
    ) -> bool:
        """Record a channel message (its JSON body); False when already queued."""
        with self.db.transaction() as cur:
            cur.execute(
                "INSERT INTO mail_outbox (id, kind, week, recipient, addresses,"
                " subject, message, created_at, channel)"
                " VALUES (?, 'channel', ?, ?, '', ?, ?, ?, ?)"
                " ON CONFLICT (id) DO NOTHING",
                (message_id, week, channel, title, body, _now(), channel),
            )
            return cur.rowcount == 1

    def pending(self) -> list[dict[str, Any]]:
        """Messages not yet accepted by a server (or written to the folder)."""
        return self.db.fetchall(
            "SELECT * FROM mail_outbox WHERE sent_at IS NULL ORDER BY created_at, id"
        )

    def messages(self, limit: int = 100) -> list[dict[str, Any]]:
        """Recent messages without their bodies, newest first (for the app)."""
        return self.db.fetchall(
            "SELECT id, kind, week, recipient, addresses, subject, created_at,"
            " attempts, last_attempt_at, last_error, sent_at, transport, channel"
            " FROM mail_outbox ORDER BY created_at DESC, id LIMIT ?",
            (limit,),
        )

    def message(self, message_id: str) -> EmailMessage | None:
        """One queued message, parsed, to show in the app."""
        row = self.db.fetchone(
            "SELECT message FROM mail_outbox WHERE id = ?", (message_id,)
        )
        if row is None:
            return None
        return email.message_from_string(row["message"], policy=policy.default)  # type: ignore[return-value]

    def deliver(self, fresh_only: bool = False) -> dict[str, int]:
        """Try every pending message once; {"sent": n, "failed": n}.

        `fresh_only`: only those never tried (the first attempt soon after a
        scan; the retries keep their own, slower, pace).
        """
        sent = failed = 0
        for row in self.pending():
            if fresh_only and row["attempts"]:
                continue
            if row.get("channel"):
                if self._post(row):
                    sent += 1
                else:
                    failed += 1
                continue
            msg = email.message_from_string(row["message"], policy=policy.default)
            try:
                transport = self._send(row, msg)  # type: ignore[arg-type]
            except (OSError, smtplib.SMTPException) as error:
                failed += 1
                self._mark(row["id"], error=f"{type(error).__name__}: {error}"[:500])
                continue
            sent += 1
            self._mark(row["id"], transport=transport)
        return {"sent": sent, "failed": failed}

    def _post(self, row: dict[str, Any]) -> bool:
        """Post a channel message; whether the channel accepted it."""
        channel = self.channels.get(row["channel"])
        if channel is None:  # removed since: nothing left to deliver to
            self._mark(row["id"], transport="removed", error="渠道已删除")
            return False
        try:
            channels.post(channel, row["message"].encode("utf-8"))
        except channels.ChannelRefusedError as error:
            self._mark(row["id"], error=str(error)[:500])
            return False
        self._mark(row["id"], transport=channel["kind"])
        return True

    def _send(self, row: dict[str, Any], msg: EmailMessage) -> str:
        if not self.smtp.get("host"):
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{row['week']}-{row['kind']}-{row['recipient']}.eml"
            path.write_text(row["message"], encoding="utf-8")
            return "folder"
        recipients = [a.strip() for a in row["addresses"].split(",") if a.strip()]
        with self._connect() as smtp:
            smtp.send_message(msg, from_addr=sender(self.smtp), to_addrs=recipients)
        return "smtp"

    def _connect(self) -> smtplib.SMTP:
        security = (self.smtp.get("security") or "none").lower()
        if security not in SECURITIES:
            raise smtplib.SMTPException(f"GXTRACK_SMTP_SECURITY 无效: {security}")
        default_port = {"none": 25, "starttls": 587, "ssl": 465}[security]
        host, port = self.smtp["host"], int(self.smtp.get("port") or default_port)
        context = ssl.create_default_context()
        if security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=30, context=context
            )
        else:
            smtp = smtplib.SMTP(host, port, timeout=30)
            if security == "starttls":
                smtp.starttls(context=context)
        if self.smtp.get("user"):
            try:
                smtp.login(self.smtp["user"], self.smtp.get("password", ""))
            except smtplib.SMTPException:
                smtp.close()
                raise
        return smtp

    def _mark(
        self, message_id: str, transport: str | None = None, error: str | None = None
    ) -> None:
        now = _now()
        with self.db.transaction() as cur:
            cur.execute(
                "UPDATE mail_outbox SET attempts = attempts + 1, last_attempt_at = ?,"
                " last_error = ?, sent_at = ?, transport = ? WHERE id = ?",
                (now, error, now if transport else None, transport, message_id),
            )
