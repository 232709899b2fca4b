"""Alert channels (预警推送渠道): which robots and webhooks receive the weekly digest.

A channel is a DingTalk custom robot, a WeCom group robot or a signed generic
webhook, for one zone's projects or for all. These are the rules a channel's
settings must meet, whoever enters them (the CLI, the admin page).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from domain.errors import RuleViolationError

KINDS = {"dingtalk": "钉钉机器人", "wecom": "企业微信机器人", "webhook": "通用 Webhook"}
NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{1,31}")
URL_MAX = 2000
SECRET_MAX = 200


@dataclass(frozen=True)
class ChannelSettings:
    """A channel's settings, checked."""

    name: str
    kind: str
    url: str
    secret: str
    zone: str | None


def channel_settings(
    name: str,
    kind: str,
    url: str,
    secret: str | None,
    zone: str | None,
    zones: Mapping[str, str],
) -> ChannelSettings:
    """The settings if each is valid, else a RuleViolationError naming the field."""
    name = (name or "").strip()
    if not NAME.fullmatch(name):
        raise RuleViolationError("渠道名称须为 2–32 个小写字母、数字或 _ . -", "name")
    if kind not in KINDS:
        raise RuleViolationError(f"渠道类型只能是 {' / '.join(KINDS)}", "kind")
    url = (url or "").strip()
    parts = urlsplit(url)
    if len(url) > URL_MAX or parts.scheme not in ("http", "https") or not parts.netloc:
        raise RuleViolationError("须为 http(s) 地址", "url")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise RuleViolationError("地址不能含空白或控制字符", "url")
    secret = (secret or "").strip()
    if len(secret) > SECRET_MAX:
        raise RuleViolationError(f"密钥最多 {SECRET_MAX} 个字符", "secret")
    zone = (zone or "").strip() or None
    if zone is not None and zone not in zones:
        by_name = {label: code for code, label in zones.items()}
        if zone not in by_name:
            raise RuleViolationError(f"未知板块: {zone}", "zone")
        zone = by_name[zone]
    return ChannelSettings(name, kind, url, secret, zone)
