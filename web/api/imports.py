"""/imports/ledger: the ledger import over the API (dry run by default).

`POST /imports/ledger?dry_run=true` (multipart `file`, optional `mapping` as a
JSON object of header → field, optional `sheet`) answers the preview; with
`dry_run=false` the import itself (201), all rows or none. Any problem is a 422
whose `errors` are keyed "row N: column" and whose `problems` list them all.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask.views import MethodView
from werkzeug.exceptions import RequestEntityTooLarge

from gxtrack.app.ledger.headers import load_mapping_file
from gxtrack.app.ledger.service import LedgerRejectedError
from web.api.base import ApiBlueprint, actor, rt
from web.api.schemas.imports import (
    ImportArgsSchema,
    ImportFormSchema,
    ImportResultSchema,
    upload_encoding,
)
from web.errors import error_response
from web.uploads import MAX_BYTES

blp = ApiBlueprint(
    "imports", __name__, url_prefix="/imports", description="台账导入 Ledger import"
)
EXTENSIONS = (".xlsx", ".csv")


def _invalid(field: str, message: str) -> Response:
    return error_response(422, f"输入有误: {field}: {message}", {field: [message]})


def _rejected(error: LedgerRejectedError) -> Response:
    problems = [p.to_dict() for p in error.preview.problems] if error.preview else []
    errors: dict[str, list[str]] = {}
    for p in problems:
        key = f"第 {p['row']} 行: {p['column'] or '表头'}"
        errors.setdefault(key, []).append(p["message"])
    body: dict[str, Any] = {
        "code": 422,
        "message": error.message,
        "errors": errors or {"file": [error.message]},
        "problems": problems,
    }
    if error.preview is not None:
        body["preview"] = error.preview.to_dict()
    response = jsonify(body)
    response.status_code = 422
    return response


@blp.route("/ledger")
class LedgerImport(MethodView):
    """Preview or import a ledger file."""

    @blp.arguments(ImportArgsSchema, location="query")
    @blp.arguments(
        ImportFormSchema, location="form", content_type="multipart/form-data"
    )
    @blp.response(200, ImportResultSchema)
    @blp.alt_response(201, schema=ImportResultSchema, description="导入完成 Imported")
    @blp.doc(**upload_encoding("ledger.csv"))
    def post(self, args: dict[str, Any], form: dict[str, Any]) -> Any:
        """导入项目台账 Preview (dry_run, default) or import a ledger (.xlsx/.csv)."""
        if (request.content_length or 0) > MAX_BYTES + 64 * 1024:
            raise RequestEntityTooLarge()
        file = request.files.get("file")
        if file is None or not file.filename:
            return _invalid("file", "请上传台账文件")
        if not file.filename.lower().endswith(EXTENSIONS):
            return _invalid("file", "仅支持 .xlsx 与 .csv 文件")
        data = file.stream.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise RequestEntityTooLarge()
        if not data:
            return _invalid("file", "文件是空的")
        try:
            mapping = (
                load_mapping_file(form["mapping"]) if form.get("mapping") else None
            )
        except ValueError as error:
            return _invalid("mapping", str(error))
        try:
            result = rt().app.import_ledger(
                data,
                file.filename,
                actor(),
                confirm=not args["dry_run"],
                mapping=mapping,
                sheet=form.get("sheet") or None,
                save_mapping=bool(form.get("save_mapping")),
            )
        except LedgerRejectedError as error:
            return _rejected(error)
        return result.to_dict(), 200 if args["dry_run"] else 201
