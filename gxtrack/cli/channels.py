"""Alert channel commands: add, list and remove the robots and webhooks."""

from __future__ import annotations

import click

from domain.channels import KINDS
from gxtrack.cli.context import cli, pass_state


@cli.group()
def channels() -> None:
    """预警推送渠道 Alert channels (DingTalk, WeCom, webhooks)."""


@channels.command("add")
@click.argument("name")
@click.option("--kind", required=True, help="dingtalk|wecom|webhook")
@click.option("--url", required=True, help="机器人或 Webhook 地址 (http/https)")
@click.option("--secret", default=None, help="签名密钥（保存后不再显示）")
@click.option("--zone", default=None, help="只推送该板块的项目（默认全部）")
@pass_state
def channels_add(state, name, kind, url, secret, zone) -> None:
    """新增渠道 Add a channel."""
    channel = state.runtime.app.add_channel(
        state.actor(), name, kind, url, secret, zone
    )
    click.echo(
        f"已添加渠道 {channel['name']}（{KINDS[channel['kind']]}，"
        f"{'板块 ' + channel['zone'] if channel['zone'] else '全部板块'}，"
        f"{'已设密钥' if channel['has_secret'] else '未设密钥'}）"
    )


@channels.command("list")
@pass_state
def channels_list(state) -> None:
    """渠道清单 The channels (secrets are never shown)."""
    rows = state.runtime.app.list_channels()
    for row in rows:
        click.echo(
            f"{row['name']}\t{row['kind']}\t{row['host']}\t{row['zone'] or '全部'}\t"
            f"{'签名' if row['has_secret'] else '无签名'}"
        )
    click.echo(f"# 共 {len(rows)} 个渠道", err=True)


@channels.command("remove")
@click.argument("name")
@pass_state
def channels_remove(state, name) -> None:
    """删除渠道 Remove a channel."""
    state.runtime.app.remove_channel(state.actor(), name)
    click.echo(f"已删除渠道 {name}")
