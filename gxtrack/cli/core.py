"""Set-up commands: init, users, reference data, projections, demo data."""

from __future__ import annotations

import sys

import click

from domain.text import shown
from gxtrack.cli.context import cli, echo_json, pass_state
from gxtrack.readmodels.users.queries import all_users


@cli.command()
@pass_state
def init(state) -> None:
    """创建数据目录与数据表（可重复执行） Create the data store; safe to run twice."""
    runtime = state.runtime
    runtime.app.reference()
    runtime.wait_for_read_models()
    where = runtime.settings.database_url or runtime.settings.data_dir
    click.echo(f"已就绪 (ready): {where}")


@cli.group()
def users() -> None:
    """用户与角色 Users and roles."""


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, help="admin|leader|officer|viewer|auditor")
@click.option("--zone", default=None, help="限定板块 (zone scope for officers)")
@click.option("--display-name", default="", help="显示名")
@click.option("--email", default="", help="邮箱 (for alert mail)")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码")
@pass_state
def users_add(state, name, role, zone, display_name, email, password_stdin) -> None:
    """新增用户 Create a user."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    runtime = state.runtime
    if password is not None:
        from gxtrack.infra.accounts import MIN_PASSWORD

        if len(password) < MIN_PASSWORD:
            raise click.ClickException(f"密码至少 {MIN_PASSWORD} 位")
    user = runtime.app.add_user(
        state.actor(), name, role, zone, display_name=display_name, email=email
    )
    if password is not None:
        runtime.accounts.set_password(user["name"], password)
    runtime.wait_for_read_models()
    click.echo(f"已创建用户 {user['name']}（{user['role_label']}）")


@users.command("token")
@click.argument("name")
@pass_state
def users_token(state, name) -> None:
    """签发 API 令牌（打印在最后一行） Issue an API token, printed alone last."""
    runtime = state.runtime
    user = runtime.app.find_user(name)
    if not user.active:
        raise click.ClickException(f"用户已停用: {name}")
    token = runtime.accounts.issue_token(user.name)
    click.echo(f"# API token for {user.name} ({user.role.value}); shown once:")
    click.echo(token)


@users.command("password")
@click.argument("name")
@pass_state
def users_password(state, name) -> None:
    """从标准输入设置密码 Set a password read from stdin."""
    runtime = state.runtime
    user = runtime.app.find_user(name)
    runtime.accounts.set_password(user.name, sys.stdin.readline().rstrip("\r\n"))
    click.echo(f"已更新密码: {user.name}")


@users.command("role")
@click.argument("name")
@click.option("--role", required=True)
@click.option("--zone", default=None)
@pass_state
def users_role(state, name, role, zone) -> None:
    """调整角色 Change a user's role or zone."""
    user = state.runtime.app.change_role(state.actor(), name, role, zone)
    state.runtime.wait_for_read_models()
    click.echo(f"{user['name']}: {user['role_label']}")


@users.command("list")
@pass_state
def users_list(state) -> None:
    """列出用户 List users."""
    for row in all_users(state.runtime.db):
        flag = "" if row["active"] else "  (停用)"
        # Names recorded before the text rule may hold terminal escapes.
        name = shown(row["name"])
        click.echo(f"{name}\t{row['role']}\t{row['zone'] or '-'}{flag}")


@users.command("deactivate")
@click.argument("name")
@pass_state
def users_deactivate(state, name) -> None:
    """停用用户 Stop a user from signing in (their tokens are revoked)."""
    user = state.runtime.app.set_active(state.actor(), name, False)
    state.runtime.accounts.revoke_tokens(user["name"])
    state.runtime.wait_for_read_models()
    click.echo(f"已停用用户 {user['name']}")


@users.command("reactivate")
@click.argument("name")
@pass_state
def users_reactivate(state, name) -> None:
    """重新启用用户 Let a deactivated user sign in again."""
    user = state.runtime.app.set_active(state.actor(), name, True)
    state.runtime.wait_for_read_models()
    click.echo(f"已启用用户 {user['name']}")


@cli.command()
@pass_state
def reference(state) -> None:
    """列出产业类别与板块 Show industries and zones."""
    echo_json(state.runtime.app.reference_data())


@cli.group()
def projections() -> None:
    """读模型（投影） Read models."""


def _progress_printer(label: str):
    def show(done: int, total: int) -> None:
        percent = 100 if not total else done * 100 // total
        click.echo(f"\r{label}: {done}/{total} ({percent}%)", nl=False, err=True)

    return show


@projections.command("status")
@pass_state
def projections_status(state) -> None:
    """各投影进度与滞后 Position and lag per projection."""
    for row in state.runtime.projections.status():
        click.echo(
            f"{row['projection']}\tposition={row['position']}\t"
            f"head={row['head']}\tlag={row['lag']}"
        )


@projections.command("run")
@click.option(
    "--follow",
    is_flag=True,
    help="持续跟随事件日志（生产用，可重复启动） Keep following the log.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 10000),
    default=None,
    help="每个事务处理的事件数 (events per transaction)",
)
@click.option("--parent-fd", type=int, default=None, hidden=True)
@pass_state
def projections_run(
    state, follow: bool, batch_size: int | None, parent_fd: int | None
) -> None:
    """追上事件日志 Apply every pending event (or keep following with --follow)."""
    runtime = state.runtime
    if batch_size:
        runtime.projections.batch_size = batch_size
    if follow:
        from gxtrack.cli.follow import run_follower

        # `gxtrack serve`'s follower (gxtrack/cli/follower_process.py) stops
        # when the server's end of this pipe closes.
        run_follower(runtime, parent_fd)
        return
    done = runtime.projections.run(_progress_printer("处理事件"))
    click.echo(f"\n已处理 {done} 个事件", err=True)


@projections.command("rebuild")
@click.argument("names", nargs=-1)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=None,
    help="每页的事件数（默认 25000，每个事务 8 页） Events per page (default 25,000; 8 pages a transaction)",
)
@pass_state
def projections_rebuild(state, names, batch_size) -> None:
    """删除并从零重建 Drop and replay from the first event."""
    try:
        done = state.runtime.projections.rebuild(
            names, _progress_printer("重建"), batch_size=batch_size
        )
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"\n已重建，处理 {done} 个事件", err=True)


@cli.command()
@click.option("--password", default="gxtrack-demo", help="示例用户的密码")
@pass_state
def demo(state, password) -> None:
    """载入示例数据（标注为示例） Load the sample data set (labelled as sample)."""
    from gxtrack.app.demo import load_demo

    report = load_demo(state.runtime, password, progress=_progress_printer("示例数据"))
    click.echo("", err=True)
    for line in report:
        click.echo(line)
