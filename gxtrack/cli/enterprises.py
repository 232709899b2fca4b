"""Enterprise commands: register, award, review, revoke, show, list, projects.

ENTERPRISE arguments take the enterprise's id or its credit code.
"""

from __future__ import annotations

import click

from domain.clock import today
from gxtrack.app.history import history
from gxtrack.cli.context import DATE, cli, echo_json, pass_state
from gxtrack.readmodels.enterprises.queries import enterprise_projects, list_enterprises


@cli.group()
def enterprise() -> None:
    """企业与梯度培育 Enterprises, designations and tiers."""


def _ref(state, value: str):
    return state.runtime.app.enterprise_ref(value)


def _summary(result: dict) -> str:
    tier = result["tier_label"] or "无梯度"
    return f"{result['name']}（{result['uscc']}）: {tier}，version {result['version']}"


@enterprise.command("register")
@click.option("--uscc", required=True, help="统一社会信用代码")
@click.option("--name", required=True, help="企业名称")
@click.option("--industry", default=None, help="产业类别（代码或中文名）")
@click.option("--zone", default=None, help="所属板块（代码或中文名）")
@pass_state
def register(state, uscc, name, industry, zone) -> None:
    """登记企业 Register an enterprise; prints it as JSON."""
    result = state.runtime.app.register_enterprise(
        state.actor(), uscc, name, industry, zone
    )
    state.runtime.wait_for_read_models()
    echo_json(result)


@enterprise.command("award")
@click.argument("enterprise_ref", metavar="ENTERPRISE")
@click.option("--designation", required=True, help="称号代码（如 srdi）")
@click.option("--certified-on", type=DATE, required=True, help="认定日期")
@click.option("--expires-on", type=DATE, default=None, help="有效期至，默认三年")
@click.option("--document-no", default="", help="证书编号/文号")
@click.option("--batch", default="", help="批次")
@click.option("--stars", type=click.IntRange(1, 5), default=None, help="上云星级")
@pass_state
def award(
    state,
    enterprise_ref,
    designation,
    certified_on,
    expires_on,
    document_no,
    batch,
    stars,
) -> None:
    """认定称号 Award a designation."""
    result = state.runtime.app.award_designation(
        state.actor(),
        _ref(state, enterprise_ref),
        designation,
        certified_on,
        expires_on=expires_on,
        document_no=document_no,
        batch=batch,
        stars=stars,
    )
    state.runtime.wait_for_read_models()
    award_id = result["designations"][-1]["award_id"]
    click.echo(f"{_summary(result)}；称号记录 {award_id}")


@enterprise.command("review")
@click.argument("enterprise_ref", metavar="ENTERPRISE")
@click.argument("award_id")
@click.option("--date", "on", type=DATE, default=None, help="复核日期，默认今天")
@click.option("--pass/--fail", "passed", required=True, help="复核通过/未通过")
@click.option("--expires-on", type=DATE, default=None, help="复核后有效期至")
@click.option("--document-no", default="")
@click.option("--reason", default="", help="未通过须填写原因")
@pass_state
def review(
    state, enterprise_ref, award_id, on, passed, expires_on, document_no, reason
) -> None:
    """称号复核 Record a re-review of award AWARD_ID."""
    result = state.runtime.app.review_designation(
        state.actor(),
        _ref(state, enterprise_ref),
        award_id,
        on or today(),
        passed,
        expires_on=expires_on,
        document_no=document_no,
        reason=reason,
    )
    state.runtime.wait_for_read_models()
    click.echo(_summary(result))


@enterprise.command("revoke")
@click.argument("enterprise_ref", metavar="ENTERPRISE")
@click.argument("award_id")
@click.option("--date", "on", type=DATE, default=None, help="撤销生效日期，默认今天")
@click.option("--reason", required=True, help="撤销原因")
@pass_state
def revoke(state, enterprise_ref, award_id, on, reason) -> None:
    """撤销称号 Revoke award AWARD_ID with a reason."""
    result = state.runtime.app.revoke_designation(
        state.actor(), _ref(state, enterprise_ref), award_id, on or today(), reason
    )
    state.runtime.wait_for_read_models()
    click.echo(_summary(result))


@enterprise.command("show")
@click.argument("enterprise_ref", metavar="ENTERPRISE")
@click.option("--as-of", type=DATE, default=None, help="按某一日期查看梯度")
@pass_state
def show(state, enterprise_ref, as_of) -> None:
    """查看企业 Show an enterprise, its designations and candidacies as JSON."""
    echo_json(state.runtime.app.get_enterprise(_ref(state, enterprise_ref), as_of))


@enterprise.command("history")
@click.argument("enterprise_ref", metavar="ENTERPRISE")
@pass_state
def enterprise_history(state, enterprise_ref) -> None:
    """决策历史 Every event of an enterprise, oldest first."""
    for item in history(state.runtime.app, _ref(state, enterprise_ref)):
        reason = f"  原因: {item['reason']}" if item["reason"] else ""
        click.echo(
            f"v{item['version']}\t{item['label']}\t"
            f"{item['effective_date'] or '-'}\t{item['actor']}{reason}"
        )


@enterprise.command("list")
@click.option(
    "--tier", default=None, help="innovative_sme|srdi|little_giant|single_champion|none"
)
@click.option("--as-of", type=DATE, default=None, help="按某一日期的梯度")
@click.option("--zone", default=None)
@click.option("--q", default=None, help="名称或信用代码包含的文字")
@click.option("--page", type=int, default=1)
@click.option("--page-size", type=int, default=50)
@pass_state
def enterprise_list(state, tier, as_of, zone, q, page, page_size) -> None:
    """企业列表 Enterprises with their tier on a date, highest first."""
    state.runtime.wait_for_read_models()
    result = list_enterprises(state.runtime.db, tier, as_of, zone, q, page, page_size)
    for item in result["items"]:
        click.echo(
            f"{item['id']}\t{item['uscc']}\t{item['name']}\t"
            f"{item['tier_label'] or '-'}\t{item['zone'] or '-'}"
        )
    click.echo(f"共 {result['total']} 家（{result['as_of']}）", err=True)


@enterprise.command("projects")
@click.argument("enterprise_ref", metavar="ENTERPRISE")
@pass_state
def projects(state, enterprise_ref) -> None:
    """企业的招商项目 The enterprise's projects and their investment."""
    key = _ref(state, enterprise_ref)
    state.runtime.wait_for_read_models()
    result = enterprise_projects(state.runtime.db, str(key))
    for item in result["items"]:
        click.echo(
            f"{item['id']}\t{item['name']}\t{item['stage']}\t"
            f"{item['planned_investment']} 万元"
        )
    click.echo(f"共 {result['total']} 个项目，总投资 {result['investment']} 万元")
