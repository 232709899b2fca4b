"""Stalled-project commands: scan, list, policy, and the scheduler process."""

from __future__ import annotations

import click

from gxtrack.cli.context import DATE, cli, echo_json, pass_state


@cli.group()
def stalled() -> None:
    """停滞项目预警 Stalled projects."""


@stalled.command("scan")
@click.option("--as-of", type=DATE, default=None, help="按该日期扫描，默认今天")
@click.option("--no-mail", is_flag=True, help="只扫描，不发送周报邮件")
@pass_state
def scan(state, as_of, no_mail) -> None:
    """立即扫描（与每周任务相同） Run the weekly scan now; prints the scan."""
    result = state.runtime.app.scan_and_mail(as_of, mail=not no_mail)
    echo_json(result["scan"])
    note = "已记录 (recorded)" if result["created"] else "本周已扫描，返回首次结果"
    flagged, cleared = len(result["scan"]["flagged"]), len(result["scan"]["cleared"])
    click.echo(
        f"# {result['scan']['week']}: 预警 {flagged}，解除 {cleared}；{note}", err=True
    )
    if "delivery" in result:
        click.echo(
            f"# 邮件: 排队 {len(result['digests']['queued'])}，"
            f"发送 {result['delivery']['sent']}，失败 {result['delivery']['failed']}；"
            f"无邮箱未发 {', '.join(result['digests']['skipped']) or '无'}",
            err=True,
        )


@stalled.command("list")
@click.option("--as-of", type=DATE, default=None, help="按该日期判断，默认今天")
@click.option("--officer", default=None, help="只看该责任人的项目")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@pass_state
def list_(state, as_of, officer, as_json) -> None:
    """停滞项目清单 The stalled projects, most severe first."""
    from gxtrack.readmodels.alerts.queries import list_stalled

    state.runtime.wait_for_read_models()
    result = list_stalled(state.runtime.db, as_of, officer)
    if as_json:
        echo_json(result)
        return
    for i in result["items"]:
        click.echo(
            f"{i['project_id']}\t{i['level_label']}\t{i['stage_label']}\t"
            f"{i['days_in_stage']}天\t{i['rule_label']}\t{i['officer']}\t{i['name']}"
        )
    click.echo(f"# {result['as_of']}: 共 {len(result['items'])} 个停滞项目", err=True)


@stalled.group("policy", invoke_without_command=True)
@click.pass_context
def policy(ctx) -> None:
    """预警规则 Show or set the stall thresholds."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(policy_show)


@policy.command("show")
@pass_state
def policy_show(state) -> None:
    """查看预警规则 Show the policy in force."""
    echo_json(state.runtime.app.stall_policy())


@policy.command("set")
@click.option("--negotiating", type=int, default=None, help="在谈阈值（天）")
@click.option("--signed", type=int, default=None, help="签约阈值（天）")
@click.option("--landed", type=int, default=None, help="落地阈值（天）")
@click.option("--overdue-days", type=int, default=None, help="计划节点逾期宽限（天）")
@click.option("--reason", default="", help="调整原因")
@pass_state
def policy_set(state, negotiating, signed, landed, overdue_days, reason) -> None:
    """调整预警规则（管理员） Change thresholds (admin; use --as NAME)."""
    thresholds = {
        stage: days
        for stage, days in (
            ("negotiating", negotiating),
            ("signed", signed),
            ("landed", landed),
        )
        if days is not None
    }
    result = state.runtime.app.change_stall_policy(
        state.actor(), thresholds, overdue_days, reason
    )
    state.runtime.wait_for_read_models()
    echo_json(result)


@cli.command()
def scheduler() -> None:
    """运行调度器（生产环境单独进程） Run the scheduler alone (production)."""
    from gxtrack.settings import Settings
    from jobs.scheduler import run_blocking, weekly_trigger

    settings = Settings.from_env()
    weekly_trigger(settings.weekly_scan_cron, settings.timezone)  # bad config: 1 line

    def waiting() -> None:
        click.echo("另一个调度器正在运行，等待锁… (waiting for the lock)", err=True)

    def started() -> None:
        click.echo(
            f"调度器已启动: 每周扫描 {settings.weekly_scan_cron}"
            f" ({settings.timezone})  (Ctrl+C 退出)",
            err=True,
        )

    run_blocking(settings, on_wait=waiting, on_start=started)
