"""Importing a published designation list from the browser: upload → preview → confirm.

The upload is checked with a dry run and shown as a preview with every row and
column error. The bytes stay on the server in the shared upload store
(web.uploads: under the data directory, named by a random token, bound to the
user, checked by digest, expiring after an hour); the session holds the token,
never the file. Confirming imports that file, all or nothing, under the store's
per-upload lock (a double-clicked confirm imports once), then drops the bytes.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, render_template, request, send_file, session
from openpyxl import Workbook

from domain.errors import RuleViolationError
from domain.users import Role
from gxtrack.app.designation_import import ImportRowsError
from gxtrack.app.designation_list import COLUMNS, Sheet, read_sheet
from gxtrack.errors import GxtrackError
from web.i18n import N_
from web.pages.common import finish, register_page_errors, runtime
from web.security import current_actor, roles_required
from web.uploads import MAX_BYTES, UploadMissingError, UploadStore

bp = Blueprint("page_enterprises_import", __name__)
register_page_errors(bp)

SESSION_KEY = "enterprise_import"
SUFFIXES = (".xlsx", ".csv")
PREVIEW_ROWS = 50
EXPIRED = N_("上传的文件已失效，请重新上传")
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


def uploads() -> UploadStore:
    """The shared upload store under the data directory."""
    return UploadStore(runtime().settings.data_dir / "uploads")


def read_upload(data: bytes, filename: str) -> Sheet:
    """The rows of uploaded bytes (read from a private temporary copy)."""
    suffix = Path(filename).suffix.lower()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        return read_sheet(path)


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
    upload_file = request.files.get("file")
    if upload_file is None or not upload_file.filename:
        return _page(422, message=N_("请选择要上传的文件"))
    if Path(upload_file.filename).suffix.lower() not in SUFFIXES:
        return _page(422, message=N_("只支持 .xlsx 或 .csv 文件"))
    data = upload_file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return _page(413, message=N_("文件过大（不超过 10 MB）"))
    try:
        sheet = read_upload(data, upload_file.filename)
        result = runtime().app.import_enterprises(current_actor(), sheet, dry_run=True)
    except (RuleViolationError, ImportRowsError) as error:
        return _errors_page(error)
    kept = uploads().put(data, upload_file.filename[:200], current_actor().name)
    session[SESSION_KEY] = kept.token
    return _page(
        preview=result,
        rows=_preview_rows(sheet),
        more=max(0, len(sheet.rows) - PREVIEW_ROWS),
        file_name=upload_file.filename,
        token=kept.token,
    )


@bp.post("/enterprises/import/confirm")
@roles_required(Role.ADMIN, Role.LEADER)
def confirm() -> Any:
    """Import the previewed file (this session's, by its token), all or nothing."""
    token = request.form.get("token") or ""
    store = uploads()
    try:
        if not token or token != session.get(SESSION_KEY):
            raise UploadMissingError(token)
        kept, data = store.get(token, current_actor().name)
    except UploadMissingError:
        return _page(409, message=EXPIRED)
    if not store.claim(token):
        return _page(409, message=EXPIRED)
    try:
        sheet = read_upload(data, kept.filename)
        result = runtime().app.import_enterprises(current_actor(), sheet)
    except (RuleViolationError, ImportRowsError) as error:
        return _errors_page(error)
    except GxtrackError as error:  # e.g. a concurrent change: nothing written
        return _page(409, message=error.message)
    finally:
        store.drop_bytes(token)
        store.release(token)
        session.pop(SESSION_KEY, None)
    counts = {k: result[k] for k in COUNT_KEYS}
    return finish(N_("导入完成"), "page_enterprises_import.done", **counts)


@bp.get("/enterprises/import/done")
@roles_required(Role.ADMIN, Role.LEADER)
def done() -> Any:
    """What the import did."""
    counts = {k: request.args.get(k, type=int) or 0 for k in COUNT_KEYS}
    return _page(done=counts)
