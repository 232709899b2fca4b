"""The JSON API under /api/v1 (flask-smorest), authenticated by bearer tokens.

Each resource lives in its own module exposing `blp` (a `web.api.base.ApiBlueprint`);
adding one is a new module plus its name in RESOURCES.
"""

from __future__ import annotations

from importlib import import_module

from flask import Flask
from flask_smorest import Api
from marshmallow import Schema, fields

from web.api.auth import SECURITY_SCHEME, authenticate
from web.api.error_docs import ErrorResponses
from web.errors import register_error_handlers

PREFIX = "/api/v1"
RESOURCES = (
    "web.api.projects",
    "web.api.pool",
    "web.api.enterprises",
    "web.api.reference",
    "web.api.users",
    "web.api.stalled",
    "web.api.imports",
    "web.api.audit",
    "web.api.tiers",
    "web.api.activity",
    "web.api.foresight",
    "web.api.milestones",
    "web.api.supervision",
    "web.api.notifications",
    "web.api.scorecard",
)
PUBLIC_PATHS = ("/healthz",)


class ErrorSchema(Schema):
    """Every API error: the HTTP status, a Chinese-first message, field errors."""

    code = fields.Integer()
    message = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    reason = fields.String(
        metadata={"description": "拒绝原因的代码（消息目录），如 duplicate_project"}
    )
    duplicates = fields.List(
        fields.Dict(),
        metadata={"description": "409 duplicate_project：同名同投资方的项目"},
    )
    problems = fields.List(
        fields.Dict(), metadata={"description": "导入：每个有问题的行与列"}
    )


class GxtrackApi(Api):
    """flask-smorest's Api documenting gxtrack's error body."""

    ERROR_SCHEMA = ErrorSchema
    # Each operation lists its real error statuses instead (web.api.error_docs).
    DEFAULT_ERROR_RESPONSE_NAME = None


def api_config() -> dict[str, object]:
    """flask-smorest settings: OpenAPI 3 at /api/v1/openapi.json."""
    return {
        "API_TITLE": "gxtrack API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": PREFIX,
        "OPENAPI_JSON_PATH": "openapi.json",
        "API_SPEC_OPTIONS": {
            "info": {
                "description": "招商项目全生命周期跟踪 — 接口文档。"
                " Authorization: Bearer <token>（`gxtrack users token NAME`）。",
            },
            "security": [{SECURITY_SCHEME: []}],
        },
    }


def init_api(app: Flask) -> None:
    """Register the API blueprints, the docs page, auth and error mapping on `app`."""
    for key, value in api_config().items():
        app.config.setdefault(key, value)
    api = GxtrackApi(app, spec_kwargs={"extra_plugins": [ErrorResponses()]})
    api.spec.components.security_scheme(
        SECURITY_SCHEME, {"type": "http", "scheme": "bearer"}
    )
    for module in RESOURCES:
        api.register_blueprint(import_module(module).blp, url_prefix=_prefix(module))
    from web.api.docs import bp as docs_bp

    app.register_blueprint(docs_bp)
    app.before_request(authenticate)
    app.extensions["gxtrack_api"] = api
    register_error_handlers(app)


def _prefix(module: str) -> str:
    blp = import_module(module).blp
    return PREFIX + (blp.url_prefix or "")
