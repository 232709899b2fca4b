"""`gxtrack report monthly`: the bureau's monthly report, as known on a date."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from gxtrack.cli.context import command_group, pass_state

report = command_group("report", "报表 Reports.")


class KnownOnType(click.ParamType):
    """A date (known by the end of that day) or an ISO-8601 instant."""

    name = "YYYY-MM-DD[THH:MM[:SS][+TZ]]"

    def convert(self, value: Any, param: Any, ctx: Any) -> date | datetime:
        if isinstance(value, date | datetime):
            return value
        text = str(value)
        try:
            return (
                date.fromisoformat(text)
                if len(text) == 10
                else datetime.fromisoformat(text)
            )
        except ValueError:
            self.fail(f"不是有效日期或时间: {value}", param, ctx)


@report.command("monthly")
@click.option("--month", required=True, help="报告月份 YYYY-MM")
@click.option(
    "--as-known-on",
    "known_on",
    type=KnownOnType(),
    default=None,
    help="按该日（或时刻）当时所知的数据出报 as known on DATE",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="写入 .xlsx 文件",
)
@pass_state
def monthly(state, month: str, known_on, out: Path | None) -> None:
    """月报：新签约/落地/投产、项目库、停滞项目 The monthly report."""
    from gxtrack.app.reports.monthly import monthly_report

    runtime = state.runtime
    runtime.wait_for_read_models()
    reference = runtime.app.reference()
    names = {"zone": reference.zones, "industry": reference.industries}
    result = monthly_report(runtime.db, month, known_on, names)
    if out is not None:
        if out.suffix.lower() != ".xlsx":
            raise click.ClickException(f"输出文件须为 .xlsx: {out}")
        from gxtrack.app.people import readable
        from gxtrack.app.reports.monthly_xlsx import write_monthly_xlsx

        try:
            write_monthly_xlsx(
                result, out, readable(state.runtime.app.reference(), state.runtime.db)
            )
        except OSError as error:
            raise click.ClickException(f"无法写入 {out}: {error.strerror}") from None
        click.echo(f"已写入 {out}")
        return
    click.echo(
        f"# {month} 月报，截至 {result['business_date']}，按 {result['known_at']} 所知"
    )
    click.echo("类别\t维度\t项目\t上报时数量\t上报时投资\t更正后数量\t更正后投资")
    for row in result["rows"]:
        mark = "  *" if row["changed"] else ""
        click.echo(
            f"{row['section_label']}\t{row['dimension']}\t{row['label']}\t"
            f"{row['known_count']}\t{row['known_investment']}\t"
            f"{row['now_count']}\t{row['now_investment']}{mark}"
        )
    for item in result["corrections"]:
        click.echo(
            f"更正: {item['name']} {item['what']}: {item['known']} → {item['now']}"
        )
    click.echo(f"停滞项目: {len(result['stalled'])}")
