"""Importing a published designation list from the browser: upload → preview → confirm.

The upload is checked with a dry run and shown as a preview with every row and
column error. The bytes stay on the server, under the data directory, in a file
named by a random token that only this session knows (the cookie holds the token,
never the file); confirming imports that file, all or nothing, then deletes it.
"""

from __future__ import annotations

import io
import secrets
import time
from pathlib import Path
from typing import Any

from flask import Blueprint, render_template, request, send_file, session
from openpyxl import Workbook

from domain.errors import RuleViolationError
from domain.users import Role
from gxtrack.enterprise_import import COLUMNS, Sheet, read_sheet
from gxtrack.services.enterprise_import import ImportRowsError
from web.i18n import N_
from web.pages.common import finish, register_page_errors, runtime
from web.security import current_actor, roles_required
from web.uploads import MAX_BYTES

bp = Blueprint("page_enterprises_import", __name__)
register_page_errors(bp)

SESSION_KEY = "enterprise_import"
SUFFIXES = (".xlsx", ".csv")
PREVIEW_ROWS = 50
MAX_UPLOAD_BYTES = MAX_BYTES  # as the ledger import (web.uploads)
# Uploads never confirmed (a closed tab, an expired session) are swept after this.
ABANDONED_SECONDS = 24 * 3600
COUNT_KEYS = ("rows", "enterprises_created", "designations_awarded", "unchanged")
TEMPLATE_FIELDS = (
    "name",
    "uscc",
    "designation",
    "batch",
    "certified_on",
    "document_no",
    "expires_on",
    "stars",
    "industry",
    "zone",
)
SAMPLE = (
    "【示例】某某精密科技有限公司",
    "91320506MA1MXXXX0X",
    "专精特新中小企业",
    "【示例】2025年第一批",
    "2025-06-30",
    "【示例】苏工信〔2025〕1号",
    "",
    "",
    "高端装备",
    "木渎镇",
)


def upload_dir() -> Path:
    """Where pending uploads wait for confirmation."""
    folder = Path(runtime().settings.data_dir) / "uploads" / "enterprise-import"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sweep(folder: Path) -> None:
    """Delete uploads left unconfirmed for more than ABANDONED_SECONDS."""
    cutoff = time.time() - ABANDONED_SECONDS
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _pending() -> Path | None:
    """This session's uploaded file, if it is still there."""
    held = session.get(SESSION_KEY) or {}
    token, suffix = held.get("token", ""), held.get("suffix", "")
    if not token or suffix not in SUFFIXES or not token.isalnum():
        return None
    path = upload_dir() / f"{token}{suffix}"
    return path if path.is_file() else None


def _discard() -> None:
    path = _pending()
    if path is not None:
        path.unlink(missing_ok=True)
    session.pop(SESSION_KEY, None)


def _page(status: int = 200, **context: Any) -> Any:
    return render_template("enterprise_import.html", **context), status


def _errors_page(error: Exception) -> Any:
    if isinstance(error, ImportRowsError):
        return _page(422, row_errors=error.errors, message=error.message)
    return _page(422, message=getattr(error, "message", str(error)))


def _preview_rows(sheet: Sheet) -> list[dict[str, Any]]:
    return [
        {"row": r.row, **{k: r.values.get(k) for k in TEMPLATE_FIELDS}}
        for r in sheet.rows[:PREVIEW_ROWS]
    ]


@bp.get("/enterprises/import")
@roles_required(Role.ADMIN, Role.LEADER)
def form() -> Any:
    """The upload form."""
    return _page()


@bp.get("/enterprises/import/template.xlsx")
@roles_required(Role.ADMIN, Role.LEADER)
def template() -> Any:
    """An empty list in the published form, with one sample row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "企业称号名单"
    sheet.append([COLUMNS[f][0] for f in TEMPLATE_FIELDS])
    sheet.append(list(SAMPLE))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return send_file(
        buffer,
        as_attachment=True,
        download_name="enterprise-designations-template.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@bp.post("/enterprises/import")
@roles_required(Role.ADMIN, Role.LEADER)
def upload() -> Any:
    """Keep the file server-side and show what importing it would do."""
    _discard()
    _sweep(upload_dir())
    if (request.content_length or 0) > MAX_UPLOAD_BYTES:
        return _page(413, message=N_("文件过大（不超过 10 MB）"))
    upload_file = request.files.get("file")
    if upload_file is None or not upload_file.filename:
        return _page(422, message=N_("请选择要上传的文件"))
    suffix = Path(upload_file.filename).suffix.lower()
    if suffix not in SUFFIXES:
        return _page(422, message=N_("只支持 .xlsx 或 .csv 文件"))
    token = secrets.token_hex(24)
    path = upload_dir() / f"{token}{suffix}"
    upload_file.save(path)
    try:
        sheet = read_sheet(path)
        result = runtime().app.import_enterprises(current_actor(), sheet, dry_run=True)
    except (RuleViolationError, ImportRowsError) as error:
        path.unlink(missing_ok=True)
        return _errors_page(error)
    session[SESSION_KEY] = {
        "token": token,
        "suffix": suffix,
        "name": upload_file.filename[:200],
    }
    return _page(
        preview=result,
        rows=_preview_rows(sheet),
        more=max(0, len(sheet.rows) - PREVIEW_ROWS),
        file_name=upload_file.filename,
        token=token,
    )


@bp.post("/enterprises/import/confirm")
@roles_required(Role.ADMIN, Role.LEADER)
def confirm() -> Any:
    """Import the previewed file (this session's, by its token), all or nothing."""
    path = _pending()
    held = session.get(SESSION_KEY) or {}
    if path is None or request.form.get("token") != held.get("token"):
        return _page(409, message=N_("上传的文件已失效，请重新上传"))
    try:
        result = runtime().app.import_enterprises(current_actor(), read_sheet(path))
    except (RuleViolationError, ImportRowsError) as error:
        _discard()
        return _errors_page(error)
    _discard()
    counts = {k: result[k] for k in COUNT_KEYS}
    return finish(N_("导入完成"), "page_enterprises_import.done", **counts)


@bp.get("/enterprises/import/done")
@roles_required(Role.ADMIN, Role.LEADER)
def done() -> Any:
    """What the import did."""
    counts = {k: request.args.get(k, type=int) or 0 for k in COUNT_KEYS}
    return _page(done=counts)
