"""What every resource module uses: its Blueprint class and the command helper.

A resource module defines `blp = ApiBlueprint("name", __name__, url_prefix=...)`,
views that call `run(service_call, ...)` for commands and `rt()` for reads, and
is listed once in `web.api.RESOURCES`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import flask
import flask_smorest
from marshmallow import Schema, fields
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from domain.permissions import Actor
from web.api.auth import current_actor, runtime
from web.api.schemas.fields import Money

if TYPE_CHECKING:
    from gxtrack.bootstrap import Runtime

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

    def arguments(self, schema: Any, *args: Any, **kwargs: Any) -> Any:
        """`Blueprint.arguments`, the schema made once rather than per request.

        Given a class, webargs instantiates it on every request, and a
        marshmallow schema deep-copies its declared fields when made: 2-3 ms of
        each call's CPU, more than the pool query. A schema's `load` keeps no
        state between calls, so one instance serves every request.
        """
        if isinstance(schema, type) and issubclass(schema, Schema):
            schema = schema()
        return super().arguments(schema, *args, **kwargs)


def rt() -> Runtime:
    """The Runtime behind this request."""
    return runtime()


def actor() -> Actor:
    """The authenticated caller."""
    return current_actor()


def run(command: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call a service command as the caller, then wait for the read models."""
    result = command(actor(), *args, **kwargs)
    runtime().wait_for_own_writes()
    return result


def plain_dump(schema: type[Schema], data: Any) -> Any:
    """`schema().dump(data)` for data whose values are JSON-ready but for text.

    marshmallow's dump costs ~12 ms for a page of 50 projects, most of a list
    request's CPU under load; this keeps only the declared fields, as dump
    does, turning only a text field's date or Decimal into its text.
    tests/web/test_plain_dump.py checks it gives what dump gives, on every
    sample project.
    """
    return _dump(_plan(schema), data)


Plan = tuple[tuple[str, str, str, Any], ...]


@functools.cache
def _plan(schema: type[Schema]) -> Plan:
    """(attribute, JSON key, kind, nested plan) per field, built once per schema."""
    plan = []
    for name, field in schema().dump_fields.items():
        kind, inner = "value", None
        if isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
            kind, inner = "many", _plan(_schema_class(field.inner))
        elif isinstance(field, fields.Nested):
            many = field.many
            kind, inner = ("many" if many else "one"), _plan(_schema_class(field))
        elif isinstance(field, fields.Dict):
            kind = "dict"
        elif isinstance(field, (Money, fields.String)):
            kind = "str"  # as String.dump: a date or a Decimal becomes its text
        elif isinstance(field, fields.List) and isinstance(field.inner, fields.String):
            kind = "value"  # JSON-ready strings, kept as they are
        elif isinstance(field, fields.List):
            raise TypeError(f"plain_dump: unsupported list field {name}")
        plan.append((name, field.data_key or name, kind, inner))
    return tuple(plan)


def _schema_class(field: fields.Nested) -> type[Schema]:
    nested = field.nested
    return nested if isinstance(nested, type) else type(field.schema)


def _dump(plan: Plan, data: Any) -> Any:
    if data is None:
        return None
    out = {}
    for name, key, kind, inner in plan:
        if name not in data:
            continue
        value = data[name]
        if value is None:
            out[key] = None
        elif kind == "value":
            out[key] = value
        elif kind == "many":
            out[key] = [_dump(inner, v) for v in value]
        elif kind == "one":
            out[key] = _dump(inner, value)
        elif kind == "dict":
            out[key] = dict(value)
        else:
            out[key] = value if value.__class__ is str else str(value)
    return out


def dumped(schema: type[Schema], data: Any, status: int = 200) -> flask.Response:
    """The JSON response `@blp.response(status, schema)` would make of `data`,
    through plain_dump: a project's view takes ~3 ms in marshmallow's dump,
    a third of a project page's or a command's CPU."""
    response = flask.jsonify(plain_dump(schema, data))
    response.status_code = status
    return response
