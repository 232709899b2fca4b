"""Forecast commands: the forecast as known on a date, and its backtest."""

from __future__ import annotations

import click

from gxtrack.cli.context import DATE, cli, echo_json, pass_state

KNOWN = click.Choice(["recorded", "dated"])
KNOWN_HELP = (
    "recorded: 只用当时已登记的事实（默认）；dated: 按现有阶段日期（事后导入的台账）"
)


@cli.group()
def forecast() -> None:
    """落地投产预测 Forecast of 落地 and 投产."""


@forecast.command("show")
@click.option("--as-of", type=DATE, default=None, help="预测日，默认今天")
@click.option("--quarters", type=int, default=4, show_default=True, help="季度数（≤8）")
@click.option("--known", type=KNOWN, default="recorded", help=KNOWN_HELP)
@pass_state
def show(state, as_of, quarters, known) -> None:
    """预测 The next quarters' expected counts with their 80% intervals (JSON)."""
    state.runtime.wait_for_read_models()
    echo_json(state.runtime.app.forecast(as_of, quarters, known))


@forecast.command("backtest")
@click.option(
    "--origins", type=int, default=8, show_default=True, help="回测的季度末个数"
)
@click.option(
    "--quarters", type=int, default=4, show_default=True, help="每次预测的季度数"
)
@click.option("--known", type=KNOWN, default="recorded", help=KNOWN_HELP)
@click.option("--today", type=DATE, default=None, help="实际结果统计截至（默认今天）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@pass_state
def backtest(state, origins, quarters, known, today, as_json) -> None:
    """预测回测 Past quarter ends' forecasts beside what happened; coverage last."""
    state.runtime.wait_for_read_models()
    result = state.runtime.app.forecast_backtest(origins, quarters, known, today=today)
    if as_json:
        echo_json(result)
        return
    for row in result["rows"]:
        if row.get("insufficient_history"):
            click.echo(f"{row['as_of']}\t历史数据不足")
            continue
        cells = [
            f"{t} {row[t]['expected']} [{row[t]['low']}–{row[t]['high']}]"
            f" 实际 {row[t]['actual']}{'' if row[t]['covered'] else ' ✗'}"
            for t in ("landed", "producing")
        ]
        click.echo(f"{row['as_of']}\t{row['quarter']}\t" + "\t".join(cells))
    for target, cover in result["coverage"].items():
        rate = "—" if cover["rate"] is None else f"{cover['rate']:.0%}"
        click.echo(f"coverage_{target}: {rate} ({cover['covered']}/{cover['scored']})")
