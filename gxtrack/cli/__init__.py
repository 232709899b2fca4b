"""The `gxtrack` command line: one-line errors, non-zero exits, no tracebacks."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from gxtrack.cli.context import cli
from gxtrack.errors import GxtrackError, PermissionDeniedError, RuleViolationError


def _load_commands() -> None:
    """Import every module of this package: each registers its commands on `cli`."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


_load_commands()


def _one_line(message: str) -> str:
    return " ".join(str(message).split())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; every user error becomes one line on stderr and exit 1 or 2."""
    try:
        cli.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.Abort:
        click.echo("gxtrack: 已取消 (aborted)", err=True)
        return 1
    except click.UsageError as error:
        hint = f"（{error.ctx.command_path} --help 查看用法）" if error.ctx else ""
        click.echo(
            f"gxtrack: error: {_one_line(error.format_message())}{hint}", err=True
        )
        return 2
    except click.ClickException as error:
        click.echo(f"gxtrack: error: {_one_line(error.format_message())}", err=True)
        return error.exit_code
    except RuleViolationError as error:
        click.echo(
            f"gxtrack: error: {error.field}: {_one_line(error.message)}", err=True
        )
        return 1
    except (GxtrackError, PermissionDeniedError) as error:
        click.echo(f"gxtrack: error: {_one_line(error.message)}", err=True)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a store that is down, a broken file, …
        from gxtrack.cli.context import describe_failure

        click.echo(f"gxtrack: error: {_one_line(describe_failure(error))}", err=True)
        return 1
    return 0


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
