"""What every page blueprint shares: the runtime, form parsing, errors, redirects."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from domain.errors import DomainError, RuleViolationError
from domain.reference import ReferenceData
from gxtrack.app.people import People
from gxtrack.errors import GxtrackError, http_status
from web.errors import with_allow
from web.i18n import N_
from web.security import require_login

if TYPE_CHECKING:
    from gxtrack.bootstrap import Runtime

STALE = N_("此项目已被他人修改，请刷新后重试")
ERROR_TITLES = {
    400: N_("请求无效"),
    403: N_("无权访问"),
    404: N_("页面或记录不存在"),
    405: N_("不支持的操作"),
    409: N_("数据冲突"),
    422: N_("输入有误"),
    429: N_("尝试次数过多"),
    500: N_("出错了"),
    503: N_("服务暂不可用"),
}


def runtime() -> Runtime:
    """The Runtime of the current app."""
    return current_app.extensions["gxtrack"]


def reference() -> ReferenceData:
    """The reference lists, loaded once per request."""
    if "gx_reference" not in g:
        g.gx_reference = runtime().app.reference()
    return g.gx_reference


def people() -> People:
    """Who is who (login → display name), loaded once per request."""
    if "gx_people" not in g:
        g.gx_people = People.load(runtime().db)
    return g.gx_people


def person(login: str | None) -> str:
    """A user as people know them (the `person` filter of every template)."""
    return people()(login)


def text(name: str) -> str:
    """A form field as stripped text ('' when absent)."""
    return (request.form.get(name) or "").strip()


def parse_date(value: str | None, field: str, required: bool = True) -> date | None:
    """A YYYY-MM-DD form value; a bad one is a RuleViolationError on `field`."""
    value = (value or "").strip()
    if not value:
        if required:
            raise RuleViolationError("请填写日期", field)
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RuleViolationError("日期格式应为 YYYY-MM-DD", field) from None


def parse_int(value: str | None, field: str) -> int | None:
    """An integer form value, or None when empty."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise RuleViolationError("必须是整数", field) from None


def expected_version() -> int:
    """The version the form was read at; a form without it is a bad request."""
    version = parse_int(request.form.get("expected_version"), "expected_version")
    if version is None:
        raise RuleViolationError("表单缺少版本号，请刷新后重试", "expected_version")
    return version


def field_errors(error: RuleViolationError) -> dict[str, str]:
    """A rule violation as {field: message} for a form (every field a schema refused)."""
    return dict(
        getattr(error, "errors", None) or {error.field or "_schema": error.message}
    )


def finish(message: str, endpoint: str, **values: Any) -> Any:
    """After a command: wait for the read models, flash, and redirect (PRG)."""
    runtime().wait_for_own_writes()
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


def error_page(status: int, message: str = "") -> tuple[str, int]:
    """The error page for `status` with a Chinese-first message."""
    title = _(ERROR_TITLES.get(status, "出错了"))
    return render_template(
        "error.html", status=status, title=title, message=message
    ), status


def register_page_errors(bp: Blueprint, login_required: bool = True) -> None:
    """Errors inside these pages render as pages, never as tracebacks or JSON."""
    if login_required:
        bp.before_request(require_login)

    @bp.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> Any:
        return error_page(400, _("表单已过期或来源不明，请刷新页面后重试"))

    @bp.errorhandler(GxtrackError)
    def app_error(error: GxtrackError) -> Any:
        return error_page(http_status(error), error.message)

    @bp.errorhandler(DomainError)
    def rule_error(error: DomainError) -> Any:
        return error_page(http_status(error), getattr(error, "message", str(error)))

    @bp.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        body, status = error_page(error.code or 500, "")
        return with_allow(make_response(body, status), error)


def args_without(*names: str, **changes: Any) -> dict[str, Any]:
    """The current query arguments with some removed or replaced (for links)."""
    args = {k: v for k, v in request.args.items() if k not in names and v != ""}
    args.update({k: v for k, v in changes.items() if v is not None})
    return args
