"""/api/v1/docs: Swagger UI served from the swagger-ui-bundle package (no CDN).

The page has no inline script (so a strict Content-Security-Policy holds); a
small static initializer points Swagger UI at /api/v1/openapi.json.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, send_from_directory, url_for
from markupsafe import escape

STATIC = Path(__file__).parent / "static"
ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"}

bp = Blueprint("apidocs", __name__, url_prefix="/api/v1/docs")


def _swagger_dir() -> Path:
    from swagger_ui_bundle import swagger_ui_path

    return Path(str(swagger_ui_path))


@bp.get("")
def page() -> Response:
    """The API documentation page."""
    css = escape(url_for("apidocs.asset", filename="swagger-ui.css"))
    bundle = escape(url_for("apidocs.asset", filename="swagger-ui-bundle.js"))
    init = escape(url_for("apidocs.asset", filename="init.js"))
    spec = escape(url_for("api-docs.openapi_json"))
    html = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        "<title>gxtrack API 文档</title>"
        f'<link rel="stylesheet" href="{css}"></head>'
        f'<body><div id="swagger-ui" data-spec-url="{spec}"></div>'
        f'<script src="{bundle}"></script><script src="{init}"></script>'
        "</body></html>"
    )
    return Response(html, mimetype="text/html")


@bp.get("/assets/<path:filename>")
def asset(filename: str) -> Response:
    """Swagger UI's files and the initializer."""
    if filename == "init.js":
        return send_from_directory(STATIC, "swagger-init.js", max_age=3600)
    if filename not in ASSETS:
        abort(404)
    return send_from_directory(_swagger_dir(), filename, max_age=86400)
