"""`gxtrack import ledger`: bring the bureau's project ledger (台账) in.

Prints one line per row (what it creates, or why it cannot) on stdout and the
progress on stderr; a ledger with any problem exits non-zero with one line
naming the first row and column, and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

import click

from gxtrack.app.ledger.headers import load_mapping_file
from gxtrack.app.ledger.service import (
    ACTION_LABELS,
    LedgerRejectedError,
    Preview,
)
from gxtrack.cli.context import command_group, pass_state


def _import_group() -> click.Group:
    return command_group("import", "导入 Import data.")


def _progress(phase: str, done: int, total: int) -> None:
    percent = 100 if not total else done * 100 // total
    end = "\n" if done >= total else ""
    click.echo(f"\r{phase}: {done}/{total} ({percent}%)", nl=False, err=True)
    if end:
        click.echo("", err=True)


def _print_rows(preview: Preview) -> None:
    for row in preview.rows:
        what = "；".join(row.steps) or "-"
        click.echo(f"第 {row.row} 行\t{ACTION_LABELS[row.action]}\t{row.name}\t{what}")
        for difference in row.differences:
            click.echo(f"第 {row.row} 行\t差异\t{row.name}\t{difference}")
    for problem in preview.problems:
        click.echo(f"错误\t{problem.text()}")


def _summary(preview: Preview, written: bool) -> str:
    counts = preview.counts()
    verb = "已写入" if written else "将写入"
    return (
        f"{preview.file}（工作表 {preview.sheet}，表头第 {preview.header_row} 行）："
        f"新建 {counts['create']}，更新 {counts['update']}，"
        f"无变化 {counts['unchanged']}，跳过 {counts['skipped']}；"
        f"{verb} {preview.events} 个事件"
    )


@_import_group().command("ledger")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只预览，不写入 (preview only)")
@click.option("--sheet", default=None, help="工作表名称，默认第一个有表头的工作表")
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help='表头映射 JSON：{"表头": "字段"}（导入成功后保存，供下次使用）',
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="在标准错误输出显示进度（默认：终端上显示）",
)
@pass_state
def import_ledger_command(state, file, dry_run, sheet, mapping_file, progress):
    """导入项目台账 Import the bureau's project ledger (xlsx or csv)."""
    # Progress is for people at a terminal; a script reading stderr gets the
    # one-line error alone unless it asks for --progress.
    if progress is None:
        progress = click.get_text_stream("stderr").isatty()
    mapping = None
    if mapping_file is not None:
        try:
            mapping = load_mapping_file(mapping_file.read_text(encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as error:
            raise click.ClickException(f"{mapping_file.name}: {error}") from None
    try:
        result = state.runtime.app.import_ledger(
            file.read_bytes(),
            file.name,
            state.actor(),
            confirm=not dry_run,
            mapping=mapping,
            sheet=sheet,
            progress=_progress if progress else None,
            save_mapping=True,
        )
    except LedgerRejectedError as error:
        if error.preview is not None:
            _print_rows(error.preview)
        raise
    _print_rows(result.preview)
    click.echo(_summary(result.preview, written=result.written))
    if progress and result.written and result.events:
        rate = result.events / result.seconds if result.seconds else 0
        click.echo(f"用时 {result.seconds:.1f} 秒（{rate:,.0f} 事件/秒）", err=True)
