"""Cultivation commands: the candidate pool, expiry, re-review due, targets, import."""

from __future__ import annotations

import sys

import click

from gxtrack.cli.context import DATE, cli, echo_json, pass_state
from gxtrack.cli.enterprises import enterprise
from gxtrack.readmodels.cultivation.queries import (
    CandidateFilter,
    list_candidates,
    targets_report,
)
from gxtrack.readmodels.enterprises.queries import due_for_review

PROGRESS_ROWS = 200


def _zone(state, zone: str | None) -> str | None:
    return state.runtime.app.reference().resolve("zone", zone) if zone else None


@enterprise.command("candidate")
@click.argument("enterprise_ref", metavar="ENTERPRISE")
@click.option("--designation", required=True, help="培育目标称号代码")
@click.option("--year", required=True, help="目标年度")
@click.option("--officer", default=None, help="责任人，默认当前用户")
@click.option("--note", default="")
@pass_state
def candidate(state, enterprise_ref, designation, year, officer, note) -> None:
    """纳入培育库 List an enterprise as a candidate for a designation and year."""
    app = state.runtime.app
    result = app.list_candidate(
        state.actor(), enterprise_ref, designation, year, officer, note
    )
    state.runtime.wait_for_read_models()
    latest = result["candidacies"][-1]
    click.echo(
        f"{result['name']}: 已纳入{latest['year']}年{latest['designation_label']}"
        f"培育库（{latest['candidacy_id']}，责任人 {latest['officer']}）"
    )


@enterprise.command("withdraw-candidacy")
@click.argument("enterprise_ref", metavar="ENTERPRISE")
@click.argument("candidacy_id")
@click.option("--reason", required=True)
@pass_state
def withdraw_candidacy(state, enterprise_ref, candidacy_id, reason) -> None:
    """移出培育库 Withdraw a candidacy with a reason."""
    result = state.runtime.app.withdraw_candidacy(
        state.actor(), enterprise_ref, candidacy_id, reason
    )
    state.runtime.wait_for_read_models()
    click.echo(f"{result['name']}: {candidacy_id} 已移出培育库")


@enterprise.command("candidates")
@click.option("--year", type=int, default=None)
@click.option("--designation", default=None)
@click.option("--zone", default=None)
@click.option("--officer", default=None)
@click.option("--status", default=None, help="open|promoted|withdrawn")
@pass_state
def candidates(state, year, designation, zone, officer, status) -> None:
    """培育库 The cultivation pool, filtered."""
    state.runtime.wait_for_read_models()
    f = CandidateFilter(year, designation, _zone(state, zone), officer, status)
    result = list_candidates(state.runtime.db, f)
    for item in result["items"]:
        click.echo(
            f"{item['enterprise_id']}\t{item['candidacy_id']}\t{item['name']}\t"
            f"{item['year']}\t{item['designation_label']}\t{item['officer']}\t"
            f"{item['status_label']}"
        )
    click.echo(f"共 {result['total']} 条", err=True)


@enterprise.command("expire")
@click.option("--as-of", type=DATE, default=None, help="按该日期判断，默认今天")
@pass_state
def expire(state, as_of) -> None:
    """记录到期称号（每日任务） Record lapsed designations now; idempotent."""
    result = state.runtime.app.record_expiries_due(as_of)
    for item in result["expired"]:
        click.echo(
            f"{item['enterprise_id']}\t{item['name']}\t{item['designation']}\t"
            f"到期 {item['expires_on']}"
        )
    click.echo(f"记录到期 {len(result['expired'])} 项（{result['as_of']}）")


@enterprise.command("due")
@click.option("--as-of", type=DATE, default=None)
@click.option("--days", type=click.IntRange(1, 3660), default=90)
@pass_state
def due(state, as_of, days) -> None:
    """待复核 Designations whose validity ends within DAYS (default 90)."""
    state.runtime.wait_for_read_models()
    for item in due_for_review(state.runtime.db, as_of, days):
        click.echo(
            f"{item['enterprise_id']}\t{item['award_id']}\t{item['name']}\t"
            f"{item['designation_label']}\t到期 {item['expires_on']}\t"
            f"剩 {item['days_left']} 天"
        )


def _import_file(state, file: str, dry_run: bool) -> None:
    from gxtrack.app.designation_list import read_sheet

    sheet = read_sheet(file)
    # Long files (or a terminal) show progress; a short piped run stays quiet
    # so that an error is the only line on stderr.
    loud = len(sheet.rows) >= PROGRESS_ROWS or sys.stderr.isatty()

    def show(done: int, total: int) -> None:
        click.echo(f"\r校验: {done}/{total}", nl=done == total, err=True)

    app = state.runtime.app
    report = app.import_enterprises(
        state.actor(), sheet, dry_run, progress=show if loud else None
    )
    if not dry_run:
        state.runtime.wait_for_read_models()
    for warning in report["warnings"]:
        click.echo(f"提示: {warning}", err=True)
    prefix = "试运行（未写入）" if dry_run else "已导入"
    click.echo(
        f"{prefix}: {report['rows']} 行，新登记企业 {report['enterprises_created']} 家，"
        f"新认定称号 {report['designations_awarded']} 项，"
        f"未变化 {report['unchanged']} 行"
    )


@enterprise.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="只校验，不写入")
@pass_state
def enterprise_import(state, file, dry_run) -> None:
    """导入企业称号名单 (.xlsx/.csv) Import a list of designated enterprises."""
    _import_file(state, file, dry_run)


def import_group() -> click.Group:
    """The shared `gxtrack import` group, created by whichever module comes first."""
    group = cli.commands.get("import")
    if not isinstance(group, click.Group):
        group = click.Group("import", help="导入数据 Import data.")
        cli.add_command(group)
    return group


@import_group().command("enterprises")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="只校验，不写入")
@pass_state
def import_enterprises(state, file, dry_run) -> None:
    """导入企业称号名单 (.xlsx/.csv) Import a list of designated enterprises."""
    _import_file(state, file, dry_run)


@cli.group()
def targets() -> None:
    """年度培育目标 Yearly cultivation targets."""


@targets.command("set")
@click.option("--year", required=True)
@click.option("--designation", required=True, help="称号代码（如 srdi）")
@click.option("--count", required=True, help="新增家数（0 表示删除）")
@click.option("--zone", default=None, help="板块（代码或中文名），不填为全区")
@click.option("--reason", default="")
@pass_state
def targets_set(state, year, designation, count, zone, reason) -> None:
    """设置年度目标（管理员） Set one yearly target."""
    result = state.runtime.app.set_target(
        state.actor(), year, designation, count, zone, reason
    )
    state.runtime.wait_for_read_models()
    click.echo(f"{result['year']} 年目标已更新（version {result['version']}）")


@targets.command("show")
@click.option("--year", type=int, required=True)
@click.option("--as-of", type=DATE, default=None)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（含企业名单）")
@pass_state
def targets_show(state, year, as_of, as_json) -> None:
    """目标完成情况 Target, achieved to date, and the enterprises behind each."""
    state.runtime.wait_for_read_models()
    zones = state.runtime.app.reference().zones
    report = targets_report(state.runtime.db, year, as_of, zones)
    if as_json:
        echo_json(report)
        return
    if not report["items"]:
        click.echo(f"{year} 年尚未设置目标")
    for item in report["items"]:
        where = item["zone_name"] or "全区"
        names = "、".join(e["name"] for e in item["enterprises"])
        click.echo(
            f"{item['designation_label']}\t{where}\t目标 {item['target']}\t"
            f"完成 {item['achieved']}\t{names}"
        )
