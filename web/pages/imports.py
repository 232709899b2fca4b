"""Bulk import of the bureau's ledger (台账): upload, preview, map headers, confirm.

Leaders and admins only. The upload is kept server-side (web.uploads) under a
random token that is also remembered in the user's session; the preview is
recomputed from those bytes on every view, and confirming imports exactly the
file that was previewed (its sha256 travels in the form) — all rows or none.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from domain.users import Role
from gxtrack.app.ledger.headers import FIELDS, MappingStore
from gxtrack.app.ledger.reading import read_table
from gxtrack.app.ledger.service import LedgerRejectedError
from gxtrack.app.ledger.template import template_xlsx
from gxtrack.errors import NotFoundError
from web.i18n import N_
from web.pages.common import error_page, register_page_errors, runtime
from web.security import current_actor, roles_required
from web.uploads import MAX_BYTES, Upload, UploadMissingError, UploadStore

bp = Blueprint("page_imports", __name__, url_prefix="/imports/ledger")
register_page_errors(bp)
SESSION_KEY = "gx_uploads"
KEEP_IN_SESSION = 5
EXTENSIONS = (".xlsx", ".csv")
TOO_LARGE = N_("文件过大：台账文件不能超过 10 MB")
EXPIRED = N_("上传的文件已过期或不属于当前登录，请重新上传")
leaders = roles_required(Role.LEADER, Role.ADMIN)
ACTION_LABELS = {
    "create": N_("新建"),
    "update": N_("更新"),
    "unchanged": N_("已存在，无变化"),
    "invalid": N_("有错误"),
    "skipped": N_("跳过"),
}


def uploads() -> UploadStore:
    """The upload store under the data directory."""
    return UploadStore(runtime().settings.data_dir / "uploads")


@bp.record_once
def limit_request_size(state: Any) -> None:
    """No request body may exceed the upload limit by much (so a huge or chunked
    upload is refused while it streams in, before CSRF or the form parser
    spool it); the views then check the file itself against MAX_BYTES."""
    state.app.config.setdefault("MAX_CONTENT_LENGTH", MAX_BYTES + 1024 * 1024)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> Any:
    """A file over the limit: 413 with the limit spelled out."""
    return error_page(413, _(TOO_LARGE))


def _remember(token: str) -> None:
    tokens = [t for t in session.get(SESSION_KEY, []) if t != token]
    session[SESSION_KEY] = [*tokens, token][-KEEP_IN_SESSION:]


def _upload(token: str, with_bytes: bool = True) -> tuple[Upload, bytes]:
    """The caller's upload for `token`, or a 404 page when it is not theirs."""
    if token not in session.get(SESSION_KEY, []):
        raise NotFoundError(_(EXPIRED))
    try:
        if with_bytes:
            return uploads().get(token, current_actor().name)
        return uploads().record(token, current_actor().name), b""
    except UploadMissingError:
        raise NotFoundError(_(EXPIRED)) from None


def _index(error: str = "", status: int = 200) -> Any:
    saved = MappingStore(runtime().db).load()
    return render_template(
        "import_upload.html", error=error, saved=saved, limit_mb=MAX_BYTES >> 20
    ), status


@bp.get("")
@leaders
def index() -> Any:
    """The upload form with the template download."""
    return _index()


@bp.get("/template.xlsx")
@leaders
def template() -> Response:
    """The blank ledger template with its example row."""
    return Response(
        template_xlsx(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=ledger-template.xlsx"},
    )


def read_upload() -> tuple[bytes, str]:
    """The uploaded file's bytes and name; a bad upload is a ValueError message."""
    if (request.content_length or 0) > MAX_BYTES + 64 * 1024:
        raise RequestEntityTooLarge()
    file = request.files.get("file")
    if file is None or not file.filename:
        raise ValueError(_("请选择要上传的台账文件（.xlsx 或 .csv）"))
    name = file.filename.replace("\\", "/").rsplit("/", 1)[-1]
    if not name.lower().endswith(EXTENSIONS):
        raise ValueError(_("不支持的文件类型：请上传 .xlsx 或 .csv 文件"))
    data = file.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise RequestEntityTooLarge()
    if not data:
        raise ValueError(_("上传的文件是空的"))
    return data, name


@bp.post("")
@leaders
def upload() -> Any:
    """Check the file can be read, keep it, and show its preview."""
    try:
        data, name = read_upload()
        read_table(data, name)  # unreadable files are refused before being kept
    except ValueError as error:  # LedgerFileError included
        return _index(str(error), 422)
    kept = uploads().put(data, name, current_actor().name)
    _remember(kept.token)
    return redirect(url_for("page_imports.preview", token=kept.token))


def render_preview(
    upload: Upload, data: bytes, status: int = 200, error: str = ""
) -> Any:
    """The preview page for a kept upload (recomputed from its bytes)."""
    try:
        preview = runtime().app.preview_ledger(
            data, upload.filename, current_actor(), upload.mapping or None
        )
    except LedgerRejectedError as rejected:
        return _index(rejected.message, 422)
    fields = [(code, label) for code, (label, _syn) in FIELDS.items()]
    return render_template(
        "import_preview.html",
        upload=upload,
        p=preview.to_dict(),
        header_problems=preview.header_problems,
        action_labels=ACTION_LABELS,
        fields=fields,
        error=error,
    ), status


@bp.get("/<token>")
@leaders
def preview(token: str) -> Any:
    """What importing the kept file would do, row by row."""
    upload, data = _upload(token, with_bytes=False)
    if upload.result is not None:
        return redirect(url_for("page_imports.result", token=token))
    upload, data = _upload(token)
    return render_preview(upload, data)


@bp.post("/<token>/mapping")
@leaders
def mapping(token: str) -> Any:
    """Map unrecognised headers to fields (optionally saved for later imports)."""
    upload, data = _upload(token)
    chosen: dict[str, str] = {}
    for key, header in request.form.items():
        if key.startswith("header-"):
            target = request.form.get("field-" + key.removeprefix("header-"), "")
            if target and target not in FIELDS:
                return render_preview(upload, data, 422, _("未知的字段"))
            if target:
                chosen[header] = target
    upload.mapping = {**upload.mapping, **chosen}
    upload.save_mapping = request.form.get("save_mapping") == "1"
    uploads().save(upload)
    return redirect(url_for("page_imports.preview", token=token))


@bp.post("/<token>/confirm")
@leaders
def confirm(token: str) -> Any:
    """Import the previewed file: every row or, on any problem, none."""
    upload, data = _upload(token)
    if request.form.get("sha256") != upload.sha256:
        return render_preview(upload, data, 409, _("文件与预览时不一致，请重新预览"))
    store = uploads()
    if not store.claim(token):
        return render_preview(upload, data, 409, _("此文件正在导入，请勿重复提交"))
    try:
        result = runtime().app.import_ledger(
            data,
            upload.filename,
            current_actor(),
            confirm=True,
            mapping=upload.mapping or None,
            save_mapping=upload.save_mapping,
        )
    except LedgerRejectedError as error:
        store.release(token)
        return render_preview(upload, data, 422, error.message)
    except BaseException:
        store.release(token)
        raise
    summary = result.to_dict()
    upload.result = {
        "counts": summary["counts"],
        "events": summary["events_written"],
        "seconds": summary["seconds"],
        "rows": [r for r in summary["rows"] if r["action"] != "skipped"],
        "sha256": upload.sha256,
    }
    store.save(upload)
    store.drop_bytes(token)
    store.release(token)
    return redirect(url_for("page_imports.result", token=token))


@bp.get("/<token>/result")
@leaders
def result(token: str) -> Any:
    """What the import did, with links to the projects."""
    upload, _data = _upload(token, with_bytes=False)
    if upload.result is None:
        return redirect(url_for("page_imports.preview", token=token))
    return render_template(
        "import_result.html", upload=upload, r=upload.result, labels=ACTION_LABELS
    )
