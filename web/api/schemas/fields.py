"""Field types shared by the API schemas: shape and type only, no business rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from marshmallow import fields, validate

from domain.clock import BUREAU_TZ
from domain.rules import EARLIEST_DATE

NAME_MAX = 200
TEXT_MAX = 2000
VERSION_MAX = 2**31 - 1
EARLIEST = EARLIEST_DATE
LATEST = date(2100, 12, 31)


# What the domain's text rule (domain.text) lets through, stated in the
# OpenAPI document: no control or bidirectional characters; long text may
# also break lines. (Surrogates the pattern cannot name: the domain refuses.)
BIDI = r"\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029"
ONE_LINE = rf"^[^\x00-\x1f\x7f-\x9f{BIDI}]*$"
MULTILINE = rf"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI}]*$"
CONTROL_ERROR = "不能包含控制字符或文字方向控制符"


class Text(fields.String):
    """A string the domain's text rule accepts the characters of."""

    def __init__(self, *args: Any, multiline: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pattern = MULTILINE if multiline else ONE_LINE
        self.validators.insert(0, validate.Regexp(pattern, error=CONTROL_ERROR))


def short_text(**kwargs: Any) -> Text:
    """A name-like string of at most 200 characters."""
    return Text(validate=validate.Length(max=NAME_MAX), **kwargs)


def long_text(limit: int = TEXT_MAX, **kwargs: Any) -> Text:
    """Free text (reason, note) of at most `limit` characters."""
    return Text(validate=validate.Length(max=limit), multiline=True, **kwargs)


def code_text(**kwargs: Any) -> Text:
    """A short code or Chinese name of reference data."""
    return Text(validate=validate.Length(max=80), **kwargs)


class Day(fields.Date):
    """A YYYY-MM-DD business date within a plausible range."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            format="iso",
            validate=validate.Range(
                min=EARLIEST,
                max=LATEST,
                error="日期须在 {min} 至 {max} 之间",
            ),
            error_messages={"required": "请填写日期"},
            **kwargs,
        )


class Instant(fields.AwareDateTime):
    """An ISO-8601 datetime; without an offset it is read as bureau time."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", default_timezone=BUREAU_TZ, **kwargs)


class Money(fields.Field):
    """An amount of 万元 sent as a JSON string or number, returned as a string.

    JSON numbers arrive as Decimal (the API's JSON parser never makes floats),
    so no cent is lost; whether the amount is acceptable is the domain's rule.
    """

    default_error_messages = {"invalid": "必须是数字或数字字符串"}

    def __init__(self, **kwargs: Any) -> None:
        metadata = {
            "oneOf": [{"type": "string", "maxLength": 40}, {"type": "number"}],
            "example": "12345.67",
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if isinstance(value, bool) or not isinstance(
            value, str | int | Decimal | float
        ):
            raise self.make_error("invalid")
        if isinstance(value, float):
            value = repr(value)
        text_value = str(value).strip()
        if not text_value or len(text_value) > 40 or "\x00" in text_value:
            raise self.make_error("invalid")
        return text_value

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else str(value)


def version_field(strict: bool = True, **kwargs: Any) -> fields.Integer:
    """An aggregate version number (JSON bodies: a true integer; queries: text)."""
    return fields.Integer(
        strict=strict, validate=validate.Range(min=1, max=VERSION_MAX), **kwargs
    )


def choice(values: Any, error: str | None = None, **kwargs: Any) -> Text:
    """One of a fixed set of codes (`error` says which kind, e.g. "未知称号")."""
    return Text(validate=validate.OneOf(list(values), error=error), **kwargs)


UNKNOWN_DESIGNATION = "未知称号: {input}"
