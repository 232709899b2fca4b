"""Audit commands: enterprise history, hash-chain verification and daily anchors."""

from __future__ import annotations

import json
from pathlib import Path

import click

from gxtrack.app.history import describe
from gxtrack.cli.context import cli, command_group, echo_json, pass_state

enterprise = command_group("enterprise", "企业 Enterprises.")


@enterprise.command("history")
@click.argument("enterprise_id")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@pass_state
def enterprise_history(state, enterprise_id, as_json) -> None:
    """决策历史 Every event of an enterprise (revoked designations included)."""
    items = state.runtime.app.enterprise_history(enterprise_id)
    if as_json:
        echo_json({"items": items})
        return
    for item in items:
        for line in describe(item):
            click.echo(line)


@cli.group()
def audit() -> None:
    """审计：事件日志完整性 Audit the event log's integrity."""


def _read_anchors(path: Path) -> list[dict]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise click.ClickException(
            f"无法读取锚点文件 {path}: {error.strerror}"
        ) from None
    anchors = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            anchors.append(
                {"position": int(item["position"]), "digest": item["digest"]}
            )
        except (ValueError, KeyError, TypeError):
            raise click.ClickException(
                f"锚点文件第 {number} 行格式错误 (bad anchor line): {path}"
            ) from None
    return anchors


@audit.command("verify")
@click.option(
    "--anchor",
    "anchor_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="先前导出的锚点文件（每行一个） anchors exported earlier",
)
@click.option(
    "--since-last",
    is_flag=True,
    help="只校验上次校验通过后的新事件 only the events since the last good walk",
)
@pass_state
def audit_verify(state, anchor_file, since_last) -> None:
    """校验哈希链；发现篡改时非零退出 Verify the chain; non-zero exit on tampering."""
    if since_last and anchor_file:
        raise click.ClickException(
            "--since-last 不能与 --anchor 同用 (anchors need the full walk)"
        )
    anchors = _read_anchors(anchor_file) if anchor_file else []

    def show(done: int, total: int) -> None:
        click.echo(f"\r校验: {done}/{total}", nl=False, err=True)

    app = state.runtime.app
    if since_last:
        result, walk = app.verify_chain_since_last()
    else:
        result, walk = app.verify_chain(anchors, show), "full"
    if result.problem:
        p = result.problem
        raise click.ClickException(
            f"事件日志完整性校验失败 (verification failed): {p['message']}；"
            f"第一处断链 位置 {p['position']}，聚合 {p['originator_id']}，"
            f"版本 {p['originator_version']}"
        )
    since = "（自上次校验通过处起 since the last good walk）" if walk != "full" else ""
    click.echo(
        f"校验通过 (ok): {result.checked} 个事件{since}，"
        f"链头位置 {result.head_position}，摘要 {result.head_digest}"
    )
    if anchors:
        click.echo(f"锚点一致 (anchors hold): {len(anchors)}")
    if result.unchained:
        click.echo(
            f"注意: {result.unchained} 个新事件尚未入链（投影滞后） "
            "(not yet chained: run gxtrack projections run)",
            err=True,
        )


@audit.command("anchor")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="追加写入该文件 append the anchor to FILE",
)
@pass_state
def audit_anchor(state, out) -> None:
    """导出当日锚点（链头） Print (and append to FILE) today's chain head."""
    item = state.runtime.app.chain_anchor()
    if out is not None:
        with out.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    click.echo(json.dumps(item, ensure_ascii=False))
