"""The CLI's root group, the lazily opened Runtime, and shared option types."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

from domain.permissions import Actor


class DateType(click.ParamType):
    """A YYYY-MM-DD date."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: Any, ctx: Any) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"不是有效日期 (expected YYYY-MM-DD): {value}", param, ctx)


DATE = DateType()


class State:
    """Per-invocation state: the runtime is opened only by commands that need it."""

    def __init__(self, acting_as: str | None) -> None:
        self.acting_as = acting_as
        self._runtime: Any = None

    @property
    def runtime(self) -> Any:
        """The Runtime, opened on first use."""
        if self._runtime is None:
            from gxtrack.bootstrap import Runtime

            self._runtime = Runtime.open()
            if self.acting_as:
                self.actor()  # an unknown --as user fails before any work
        return self._runtime

    def actor(self) -> Actor:
        """The actor for commands: `--as NAME` (a real user) or the system."""
        if not self.acting_as:
            return Actor.system()
        actor = self.runtime.app.actor_for(self.acting_as)
        if actor is None:
            raise click.ClickException(f"用户不存在或已停用: {self.acting_as}")
        return actor

    def close(self) -> None:
        """Close the runtime if it was opened."""
        if self._runtime is not None:
            self._runtime.close()


def echo_json(data: Any) -> None:
    """Print data as indented JSON with Chinese left readable."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def describe_failure(error: Exception) -> str:
    """A one-line explanation of an unexpected failure (store down, bad file)."""
    name = type(error).__name__
    text = str(error).strip().splitlines()[0] if str(error).strip() else name
    if "OperationalError" in name or "connection" in text.lower():
        return f"无法连接数据库 (database unavailable): {text}"
    return f"{name}: {text}"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--as", "acting_as", metavar="NAME", help="以该用户身份执行 (act as this user)"
)
@click.version_option(package_name="gxtrack", prog_name="gxtrack")
@click.pass_context
def cli(ctx: click.Context, acting_as: str | None) -> None:
    """gxtrack — 招商项目全生命周期跟踪 (investment project tracker)."""
    state = State(acting_as)
    ctx.obj = state
    ctx.call_on_close(state.close)


pass_state = click.make_pass_decorator(State)


def command_group(name: str, help_text: str) -> click.Group:
    """The group `name` on `cli`, created by whichever module asks first.

    Several modules add commands under one group (`import ledger`, `import
    events`); each asks for the group here instead of defining it again.
    """
    existing = cli.commands.get(name)
    if isinstance(existing, click.Group):
        return existing
    group = click.Group(name, help=help_text)
    cli.add_command(group)
    return group
