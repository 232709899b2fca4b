"""Auditor views: a project as of a version or an instant, history downloads,
and the enterprise history page. Read-only: every signed-in role may look."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, render_template, request

from domain.clock import today
from domain.errors import RuleViolationError
from domain.stages import FORWARD
from gxtrack.app.people import readable as readable_values
from gxtrack.app.reports.cells import attachment
from gxtrack.app.reports.history_xlsx import write_history_xlsx
from web.pages.common import parse_int, reference, register_page_errors, runtime
from web.pages.history_view import readable
from web.pages.pool import STALL_LABELS

bp = Blueprint("page_audit", __name__)
register_page_errors(bp)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def parse_instant(value: str) -> datetime:
    """A datetime-local or ISO-8601 value (bureau time when no offset is given)."""
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        raise RuleViolationError("时间格式应为 YYYY-MM-DD HH:MM", "at") from None


def xlsx_download(items: list[dict[str, Any]], filename: str) -> Response:
    """A history as an .xlsx attachment."""
    buffer = io.BytesIO()
    write_history_xlsx(items, buffer, readable_values(reference(), runtime().db))
    return Response(
        buffer.getvalue(),
        mimetype=XLSX,
        headers={"Content-Disposition": attachment(filename)},
    )


@bp.get("/projects/<project_id>/history.xlsx")
def project_history_xlsx(project_id: str) -> Response:
    """The project's decision history as .xlsx (one row per change)."""
    app = runtime().app
    items = app.project_history(project_id)
    name = app.get_project(project_id)["name"]
    return xlsx_download(items, f"{name}-决策记录-{today().isoformat()}.xlsx")


@bp.get("/projects/<project_id>/as-of")
def project_as_of(project_id: str) -> Any:
    """The project as it was at `version=N` or as recorded at `at=<datetime>`."""
    app = runtime().app
    version = parse_int(request.args.get("version"), "version")
    at = (request.args.get("at") or "").strip()
    if version is None and not at:
        raise RuleViolationError("请指定版本号或时间", "version")
    if version is not None and version < 1:
        raise RuleViolationError("版本号须为正整数", "version")
    instant = parse_instant(at) if at and version is None else None
    current = app.get_project(project_id)
    if version is not None and version > current["version"]:
        raise RuleViolationError(
            f"版本号超出范围：当前版本为 {current['version']}", "version"
        )
    then = app.get_project(project_id, version=version, recorded_at=instant)
    items = [
        i for i in app.project_history(project_id) if i["version"] <= then["version"]
    ]
    return render_template(
        "project_asof.html",
        p=then,
        current=current,
        at=at,
        history=readable(items, reference()),
        forward=FORWARD,
        stall_labels=STALL_LABELS,
    )


@bp.get("/enterprises/<enterprise_id>/history")
def enterprise_history(enterprise_id: str) -> Any:
    """Every event of an enterprise (revoked and expired designations included)."""
    app = runtime().app
    enterprise = app.get_enterprise(enterprise_id)
    items = app.enterprise_history(enterprise_id)
    return render_template(
        "enterprise_history.html",
        e=enterprise,
        history=readable(items, reference()),
    )


@bp.get("/enterprises/<enterprise_id>/history.xlsx")
def enterprise_history_xlsx(enterprise_id: str) -> Response:
    """The enterprise's history as .xlsx."""
    app = runtime().app
    items = app.enterprise_history(enterprise_id)
    name = app.get_enterprise(enterprise_id)["name"]
    return xlsx_download(items, f"{name}-决策记录-{today().isoformat()}.xlsx")
