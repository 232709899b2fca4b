"""Project commands for scripting: register, move, merge, progress, show, history, list."""

from __future__ import annotations

import click

from domain.clock import today
from gxtrack.app.history import describe
from gxtrack.cli.context import DATE, cli, echo_json, pass_state


@cli.group()
def project() -> None:
    """招商项目 Investment projects."""


@project.command("register")
@click.option("--name", required=True, help="项目名称")
@click.option("--investor", required=True, help="投资方")
@click.option("--industry", required=True, help="产业类别（代码或中文名）")
@click.option("--zone", required=True, help="落户板块（代码或中文名）")
@click.option("--investment", required=True, help="总投资（万元）")
@click.option("--stage", default="negotiating", help="negotiating|signed")
@click.option("--stage-date", type=DATE, default=None, help="阶段日期，默认今天")
@click.option("--officer", default=None, help="责任人，默认当前用户")
@click.option("--priority", default=None, help="district|city|province")
@pass_state
def register(
    state,
    name,
    investor,
    industry,
    zone,
    investment,
    stage,
    stage_date,
    officer,
    priority,
) -> None:
    """登记项目 Register a project; prints it as JSON."""
    fields = {
        "name": name,
        "investor": investor,
        "industry": industry,
        "zone": zone,
        "planned_investment": investment,
        "stage": stage,
        "stage_date": stage_date,
        "priority": priority,
    }
    if officer:
        fields["officer"] = officer
    result = state.runtime.app.register_project(state.actor(), **fields)
    state.runtime.wait_for_read_models()
    echo_json(result)


@project.command("move")
@click.argument("project_id")
@click.argument("to")
@click.option("--date", "on", type=DATE, default=None, help="生效日期，默认今天")
@click.option("--reason", default="", help="原因（终止、更正必填）")
@click.option("--expected-version", type=int, default=None)
@pass_state
def move(state, project_id, to, on, reason, expected_version) -> None:
    """推进/终止/更正阶段 Move a project to stage TO."""
    result = state.runtime.app.move_project(
        state.actor(), project_id, to, on or today(), reason, expected_version
    )
    state.runtime.wait_for_read_models()
    click.echo(
        f"{result['name']}: {result['stage_label']} (version {result['version']})"
    )


@project.command("reinstate")
@click.argument("project_id")
@click.option("--reason", required=True)
@pass_state
def reinstate(state, project_id, reason) -> None:
    """恢复已终止项目 Reinstate a withdrawn project."""
    result = state.runtime.app.reinstate_project(state.actor(), project_id, reason)
    state.runtime.wait_for_read_models()
    click.echo(
        f"{result['name']}: {result['stage_label']} (version {result['version']})"
    )


@project.command("merge")
@click.argument("project_id")
@click.option("--into", required=True, help="保留的项目 id")
@click.option("--reason", required=True, help="合并原因")
@pass_state
def merge(state, project_id, into, reason) -> None:
    """合并重复项目 Merge duplicate PROJECT_ID into the project --into (leaders)."""
    result = state.runtime.app.merge_project(state.actor(), project_id, into, reason)
    state.runtime.wait_for_read_models()
    click.echo(f"{result['name']}: 已合并至《{result['merged_into_name']}》")


@project.command("progress")
@click.argument("project_id")
@click.argument("note")
@click.option("--date", "on", type=DATE, default=None)
@pass_state
def progress(state, project_id, note, on) -> None:
    """记录推进情况 Add a progress note."""
    result = state.runtime.app.report_progress(
        state.actor(), project_id, on or today(), note
    )
    state.runtime.wait_for_read_models()
    click.echo(f"{result['name']}: version {result['version']}")


@project.command("show")
@click.argument("project_id")
@click.option("--version", type=int, default=None, help="查看某一版本")
@pass_state
def show(state, project_id, version) -> None:
    """查看项目 Show a project as JSON."""
    echo_json(state.runtime.app.get_project(project_id, version=version))


@project.command("history")
@click.argument("project_id")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.option("--out", default=None, help="写入 .xlsx 文件 (write FILE.xlsx)")
@pass_state
def project_history(state, project_id, as_json, out) -> None:
    """决策历史 Every decision on a project, oldest first."""
    items = state.runtime.app.project_history(project_id)
    if out:
        from gxtrack.app.people import readable
        from gxtrack.app.reports.history_xlsx import write_history_xlsx

        if not out.lower().endswith(".xlsx"):
            raise click.ClickException(f"输出文件须为 .xlsx: {out}")
        try:
            rt = state.runtime
            write_history_xlsx(items, out, readable(rt.app.reference(), rt.db))
        except OSError as error:
            raise click.ClickException(f"无法写入 {out}: {error.strerror}") from None
        click.echo(f"已写入 {out}")
        return
    if as_json:
        echo_json({"items": items})
        return
    for item in items:
        for line in describe(item):
            click.echo(line)


@project.command("list")
@click.option("--stage", default=None)
@click.option("--industry", default=None)
@click.option("--zone", default=None)
@click.option("--officer", default=None)
@click.option("--q", default=None, help="名称或投资方包含的文字")
@click.option("--as-of", type=DATE, default=None, help="按某一业务日期查看")
@click.option("--sort", default="-updated")
@click.option("--page", type=int, default=1)
@click.option("--page-size", type=int, default=50)
@pass_state
def project_list(
    state, stage, industry, zone, officer, q, as_of, sort, page, page_size
) -> None:
    """项目库 The project pool, one project per line."""
    from gxtrack.readmodels.pool.queries import PoolFilter, list_projects

    runtime = state.runtime
    reference = runtime.app.reference()
    filters = PoolFilter(
        stage=stage,
        industry=reference.resolve("industry", industry) if industry else None,
        zone=reference.resolve("zone", zone) if zone else None,
        officer=officer,
        q=q,
        as_of=as_of,
    )
    result = list_projects(runtime.db, filters, sort, page, page_size)
    for item in result["items"]:
        click.echo(
            f"{item['id']}\t{item['stage']}\t{item['stage_date']}\t"
            f"{item['planned_investment']}\t{item['name']}\t{item['investor']}"
        )
    click.echo(f"# 共 {result['total']} 个项目 (total)", err=True)
