"""What every resource module uses: its Blueprint class and the command helper.

A resource module defines `blp = ApiBlueprint("name", __name__, url_prefix=...)`,
views that call `run(service_call, ...)` for commands and `rt()` for reads, and
is listed once in `web.api.RESOURCES`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import flask
import flask_smorest
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from gxtrack.permissions import Actor
from gxtrack.runtime import Runtime
from web.api.auth import current_actor, runtime

T = TypeVar("T")


class DecimalJSONParser(FlaskParser):
    """webargs' parser, reading JSON numbers as Decimal so money keeps its cents."""

    DEFAULT_VALIDATION_STATUS = 422

    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            return core.missing
        data = req.get_data(cache=True)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise json.JSONDecodeError("invalid UTF-8", "", exc.start) from exc
        return json.loads(text, parse_float=Decimal)


class ApiBlueprint(flask_smorest.Blueprint):
    """A flask-smorest Blueprint using the Decimal-safe parser."""

    ARGUMENTS_PARSER = DecimalJSONParser()


def rt() -> Runtime:
    """The Runtime behind this request."""
    return runtime()


def actor() -> Actor:
    """The authenticated caller."""
    return current_actor()


def run(command: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call a service command as the caller, then wait for the read models."""
    result = command(actor(), *args, **kwargs)
    runtime().sync()
    return result
