"""The one place that turns errors into HTTP responses.

Under `/api/` every error is JSON `{code, message, errors?}`: gxtrack's errors by
their status (RuleViolationError 422 naming its field), webargs/marshmallow
validation 422 with `{field: [messages]}`, unknown routes 404, anything unexpected
a logged 500. Elsewhere (the pages) HTTP errors keep Flask's own rendering and
application errors become a short escaped HTML message; the pages may register
their own handlers after these to render them in their layout.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from domain import messages
from domain.errors import DomainError, RuleViolationError
from gxtrack.errors import GxtrackError, http_status

API_PREFIX = "/api/"
HTTP_MESSAGES = {
    400: "请求格式错误",
    401: "未登录或令牌无效",
    403: "无权执行此操作",
    404: "资源不存在",
    405: "不支持此请求方法",
    409: "冲突，请刷新后重试",
    413: "请求内容过大",
    415: "不支持的内容类型",
    422: "输入有误",
    500: "服务器内部错误",
    503: "服务暂不可用",
}


# marshmallow/webargs speak English; bureau users read Chinese first.
TRANSLATIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), chinese)
    for pattern, chinese in (
        (r"^Missing data for required field\.$", messages.REQUIRED.zh),
        (r"^Field may not be null\.$", messages.REQUIRED.zh),
        (r"^Unknown field\.$", "未知字段"),
        (r"^Not a valid integer\.$", "必须是整数"),
        (r"^Not a valid string\.$", "必须是字符串"),
        (r"^Not a valid boolean\.$", "必须是 true 或 false"),
        (r"^Not a valid date\.$", "日期格式应为 YYYY-MM-DD"),
        (r"^Not a valid datetime\.$", "应为 ISO-8601 日期时间"),
        (r"^Not a valid mapping type\.$", "必须是 JSON 对象"),
        (r"^Invalid input type\.$", "输入类型错误"),
        (r"^Invalid JSON body\.$", "JSON 格式错误"),
        (r"^Number too large\.$", "数值过大"),
        (r"^Longer than maximum length (\d+)\.$", r"最多 \1 个字符"),
        (r"^Must be one of: (.*)\.$", r"必须是以下之一: \1"),
        (
            r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$",
            r"须在 \1 到 \2 之间",
        ),
        (r"^Must be greater than or equal to (\S+)\.$", r"不能小于 \1"),
    )
)


def chinese_first(message: str) -> str:
    """A validation message in Chinese first (unknown ones are kept as they are)."""
    for pattern, chinese in TRANSLATIONS:
        if pattern.match(message):
            return pattern.sub(chinese, message)
    return message


def is_api_request() -> bool:
    """Whether the current request is for the JSON API."""
    return request.path.startswith(API_PREFIX)


def error_response(
    status: int,
    message: str,
    errors: dict[str, list[str]] | None = None,
    reason: str | None = None,
) -> Response:
    """The JSON error body every API error uses (`reason`: the catalogue's code)."""
    body: dict[str, Any] = {"code": status, "message": message}
    if errors:
        body["errors"] = errors
    if reason:
        body["reason"] = reason
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="gxtrack"'
    return response


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as `{"a.b": [msg, ...]}`."""
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten(value, name))
        return flat
    if isinstance(messages, list | tuple) and all(isinstance(m, str) for m in messages):
        return {prefix or "_schema": [chinese_first(m) for m in messages]}
    if isinstance(messages, list | tuple):
        flat = {}
        for index, value in enumerate(messages):
            flat.update(flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or "_schema": [chinese_first(str(messages))]}


def _validation_errors(error: HTTPException) -> dict[str, list[str]]:
    # webargs puts {location: {field: [msgs]}} in error.data["messages"]; the
    # location (json, query, path) is noise to a client, so it is dropped.
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or {}
    flat: dict[str, list[str]] = {}
    for value in messages.values() if isinstance(messages, dict) else [messages]:
        flat.update(flatten(value))
    return flat


def _html(status: int, message: str) -> Response:
    body = f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{escape(message)}</p>"
    return Response(body, status, mimetype="text/html")


def with_allow(response: Response, error: HTTPException) -> Response:
    """A 405 names the methods the resource does allow (RFC 9110 requires it)."""
    methods = getattr(error, "valid_methods", None)
    if error.code == 405 and methods:
        response.headers["Allow"] = ", ".join(sorted(methods))
    return response


def handle_http_exception(error: HTTPException) -> Any:
    """Werkzeug/webargs HTTP errors: JSON under /api/, Flask's page elsewhere."""
    if not is_api_request():
        return error
    status = error.code or 500
    errors = _validation_errors(error) if status in (400, 422) else None
    message = HTTP_MESSAGES.get(status, error.name)
    if status == 422 and errors:
        message = "输入有误: " + "; ".join(
            f"{field}: {msgs[0]}" for field, msgs in errors.items()
        )
    return with_allow(error_response(status, message, errors), error)


def handle_gxtrack_error(error: Exception) -> Any:
    """Application and domain errors, by the status gxtrack gives them."""
    status = http_status(error)
    message = getattr(error, "message", None) or str(error)
    errors = None
    reason = None
    if isinstance(error, RuleViolationError):
        fields = getattr(error, "errors", None)
        if isinstance(fields, dict):  # several inputs refused at once
            errors = {field: [text] for field, text in fields.items()}
        else:
            errors = {error.field: [message]}
        reason = error.code
    reason = reason or getattr(error, "reason", None)
    rows = getattr(error, "errors", None)
    if isinstance(rows, list):  # an import's row errors: "<row>.<field>" keys
        errors = {}
        for row in rows:
            errors.setdefault(f"{row['row']}.{row['field']}", []).append(
                f"第 {row['row']} 行「{row['column']}」: {row['message']}"
            )
    if not is_api_request():
        return _html(status, message)
    response = error_response(status, message, errors, reason)
    duplicates = getattr(error, "duplicates", None)
    if duplicates is not None:  # the projects a registration would duplicate
        body = response.get_json()
        body["duplicates"] = duplicates
        response.set_data(json.dumps(body, ensure_ascii=False))
    return response


STORE_DOWN = "数据库暂时无法连接，请稍后重试"
RETRY_AFTER = "5"
# Driver errors that mean "the store cannot be reached", by module and class:
# psycopg and its pool, and eventsourcing's wrappers around psycopg/sqlite3.
UNREACHABLE = {
    "psycopg": ("OperationalError", "InterfaceError"),
    "psycopg_pool": ("PoolTimeout", "PoolClosed", "TooManyRequests"),
    "eventsourcing": ("OperationalError", "InterfaceError"),
}


def store_unreachable(error: BaseException) -> bool:
    """Whether `error` is the database failing rather than a bug."""
    import sqlite3

    if isinstance(error, sqlite3.OperationalError):
        return True
    for cls in type(error).__mro__:
        package = cls.__module__.split(".")[0]
        if cls.__name__ in UNREACHABLE.get(package, ()):
            return True
    return False


def store_down_response() -> Response:
    """503 with a Chinese-first message and Retry-After: JSON or a short page."""
    if is_api_request():
        response = error_response(503, STORE_DOWN)
    else:
        response = _html(503, STORE_DOWN)
    response.headers["Retry-After"] = RETRY_AFTER
    return response


def handle_unexpected(error: Exception) -> Any:
    """A bug: logged with its traceback, answered without one."""
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    if store_unreachable(error):
        current_app.logger.warning("store unavailable: %s", error)
        return store_down_response()
    current_app.logger.exception(
        "unhandled error on %s %s", request.method, request.path
    )
    if not is_api_request():
        return _html(500, HTTP_MESSAGES[500])
    return error_response(500, HTTP_MESSAGES[500])


def register_error_handlers(app: Flask) -> None:
    """Install the mapping on `app` (after flask-smorest, replacing its handler)."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(GxtrackError, handle_gxtrack_error)
    app.register_error_handler(DomainError, handle_gxtrack_error)
    app.register_error_handler(Exception, handle_unexpected)
