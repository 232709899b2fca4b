"""Alert channels: their management (admins) and the digest each one receives.

After a scan the digest goes to every channel: a zone's channel gets that
zone's projects, the others all of them. Each message is queued in the outbox
with an id derived from the week and the channel, so a scan reaches a channel
once; the outbox signs and sends it, and retries until it is accepted.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from domain.channels import KINDS, channel_settings
from domain.permissions import Actor, require_admin
from gxtrack.app.base import ServiceBase
from gxtrack.errors import ConflictError, NotFoundError

LISTED = 30  # lines per section in a robot message (robots cap message size)
ICONS = {"red": "🔴", "yellow": "🟡"}


def _lines(rows: list[dict[str, Any]], line: Any) -> list[str]:
    shown = [line(r) for r in rows[:LISTED]]
    if len(rows) > LISTED:
        shown.append(f"- …另有 {len(rows) - LISTED} 个")
    return shown


def markdown(
    scan: dict[str, Any],
    items: list[dict[str, Any]],
    cleared: list[dict[str, Any]],
    zone_name: str | None,
) -> tuple[str, str]:
    """(title, text) of the robot message: the stalled list and 本周已解除."""
    red = sum(1 for i in items if i["level"] == "red")
    scope = f"（{zone_name}）" if zone_name else ""
    title = f"停滞项目预警 {scan['week']}{scope}"
    text = [
        f"### {title}",
        f"截至 {scan['as_of']}：停滞项目 **{len(items)}** 个（红色 {red} 个），"
        f"本周已解除 {len(cleared)} 个。",
        "",
        "#### 停滞项目",
        *_lines(
            items,
            lambda i: (
                f"- {ICONS[i['level']]} {i['name']}｜{i['stage_label']}"
                f" {i['days_in_stage']} 天｜{i['rule_label']}｜责任人 {i['officer']}"
            ),
        ),
    ]
    if not items:
        text.append("- 无")
    text += ["", "#### 本周已解除"]
    text += _lines(cleared, lambda c: f"- ✅ {c['name']}｜责任人 {c['officer']}")
    if not cleared:
        text.append("- 无")
    return title, "\n".join(text)


def channel_body(
    channel: dict[str, Any],
    scan: dict[str, Any],
    items: list[dict[str, Any]],
    cleared: list[dict[str, Any]],
    zone_name: str | None,
) -> str:
    """The JSON body the channel's protocol expects."""
    title, text = markdown(scan, items, cleared, zone_name)
    if channel["kind"] == "dingtalk":
        body: dict[str, Any] = {
            "msgtype": "markdown",
            "markdown": {"title": title, "text": text},
        }
    elif channel["kind"] == "wecom":
        body = {"msgtype": "markdown", "markdown": {"content": text}}
    else:
        ids = {i["project_id"] for i in items}
        body = {
            "event": "stall_digest",
            "week": scan["week"],
            "as_of": scan["as_of"],
            "zone": channel["zone"],
            "flagged": [f for f in scan["flagged"] if f["project_id"] in ids],
            "cleared": [c["project_id"] for c in cleared],
            "stalled": [
                {
                    k: i[k]
                    for k in ("project_id", "name", "level", "days_in_stage", "rule")
                }
                for i in items
            ],
        }
    return json.dumps(body, ensure_ascii=False, sort_keys=True)


class ChannelService(ServiceBase):
    """Channels (admins) and the queueing of each scan's channel digests."""

    def add_channel(
        self,
        actor: Actor,
        name: str,
        kind: str,
        url: str,
        secret: str | None = None,
        zone: str | None = None,
    ) -> dict[str, Any]:
        """Add a channel (admins); the secret is stored, never shown again."""
        require_admin(actor, "管理预警推送渠道")
        settings = channel_settings(
            name, kind, url, secret, zone, self.reference().zones
        )
        if not self.outbox.channels.add(settings):
            raise ConflictError(f"渠道已存在: {settings.name}")
        return next(c for c in self.list_channels() if c["name"] == settings.name)

    def list_channels(self) -> list[dict[str, Any]]:
        """The channels, without secrets or full URLs."""
        rows = self.outbox.channels.list()
        for row in rows:
            row["kind_label"] = KINDS.get(row["kind"], row["kind"])
        return rows

    def remove_channel(self, actor: Actor, name: str) -> None:
        """Remove a channel (admins); its unsent messages are dropped."""
        require_admin(actor, "管理预警推送渠道")
        if not self.outbox.channels.remove(name):
            raise NotFoundError(f"渠道不存在: {name}")

    def queue_channel_digests(
        self,
        scan: dict[str, Any],
        items: list[dict[str, Any]],
        cleared: list[dict[str, Any]],
    ) -> list[str]:
        """Queue the scan's digest for every channel; the names queued anew."""
        zones = self.reference().zones
        queued = []
        for channel in self.outbox.channels.list():
            zone = channel["zone"]
            mine = [i for i in items if zone in (None, i["zone"])]
            gone = [c for c in cleared if zone in (None, c["zone"])]
            name = zones.get(zone, zone) if zone else None
            body = channel_body(channel, scan, mine, gone, name)
            title = markdown(scan, mine, gone, name)[0]
            key = str(
                uuid5(
                    NAMESPACE_URL, f"gxtrack:channel:{scan['week']}:{channel['name']}"
                )
            )
            if self.outbox.queue_channel(
                key, scan["week"], channel["name"], title, body
            ):
                queued.append(channel["name"])
        return queued

    def deliver_fresh(self) -> dict[str, int]:
        """First attempt for messages never tried yet (soon after a scan)."""
        return self.outbox.deliver(fresh_only=True)
