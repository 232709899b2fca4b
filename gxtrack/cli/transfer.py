"""Backup and restore: `export events FILE` and `import events FILE`."""

from __future__ import annotations

from pathlib import Path

import click

from gxtrack.cli.context import command_group, pass_state

export_group = command_group("export", "导出 Export data.")
import_group = command_group("import", "导入 Import data.")


def _progress(label: str):
    def show(done: int, total: int) -> None:
        of = f"/{total}" if total else ""
        click.echo(f"\r{label}: {done}{of}", nl=False, err=True)

    return show


@export_group.command("events")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@pass_state
def export_events_command(state, file: Path) -> None:
    """导出全部事件（JSON Lines，含摘要） Back up every event as JSON lines."""
    from gxtrack.audit.backup import export_events

    app = state.runtime.app
    partial = file.with_name(file.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as out:
            trailer = export_events(app, out, _progress("导出事件"))
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"无法写入 {file}: {error.strerror}") from None
    partial.replace(file)  # a crash never leaves a file that looks complete
    head = trailer["head"]
    click.echo("", err=True)
    click.echo(
        f"已导出 {trailer['count']} 个事件 (exported) → {file}；"
        f"链头位置 {head['position']}，摘要 {head['digest']}"
    )
    kept = state.runtime.db.fetchone(
        "SELECT digest FROM audit_chain WHERE position = ?", (head["position"],)
    )
    if kept is not None and kept["digest"] != head["digest"]:
        # Digests are cumulative: a differing head means an earlier event changed.
        raise click.ClickException(
            "已导出，但事件日志与哈希链不符（日志可能被篡改），"
            "请运行 gxtrack audit verify (log does not match the chain)"
        )


@import_group.command("events")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@pass_state
def import_events_command(state, file: Path) -> None:
    """导入事件备份到空库（无需 init） Restore a backup into an empty store."""
    from gxtrack.audit.restore import import_events

    try:
        checked = import_events(state.runtime, file, _progress("导入事件"))
    except UnicodeDecodeError:
        raise click.ClickException(f"文件不是 UTF-8 文本: {file}") from None
    click.echo("", err=True)
    click.echo(
        f"已导入 {checked.count} 个事件 (imported)，链头位置 {checked.head_position}，"
        f"摘要 {checked.head_digest}"
    )
