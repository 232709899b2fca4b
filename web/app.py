"""`create_app`: the Flask app around a Runtime (no globals, no import-time config)."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify

from gxtrack.app import kept
from gxtrack.bootstrap import Runtime
from web.json_provider import OrjsonProvider


def create_app(
    runtime: Runtime | None = None, test_config: dict[str, Any] | None = None
) -> Flask:
    """The gxtrack web app; `runtime` defaults to one opened from the environment."""
    app = Flask(__name__)
    runtime = runtime or Runtime.open()
    app.config["SECRET_KEY"] = runtime.settings.ensure_secret_key()
    if test_config:
        app.config.update(test_config)
    app.extensions["gxtrack"] = runtime
    _one_look_at_the_log_per_request(app)
    # Key order is the schema's, not sorted again per response; Chinese text
    # goes out as UTF-8 rather than \u escapes (a third of a list's bytes);
    # orjson writes it (web/json_provider.py).
    app.json = OrjsonProvider(app)

    @app.get("/healthz")
    def healthz() -> Any:
        try:
            # The read-model pool fails fast (no driver-level retries) when
            # PostgreSQL is down; the event store's check retries for seconds.
            runtime.db.scalar("SELECT 1")
            status = runtime.projections.status()
        except Exception as error:  # noqa: BLE001 - any store failure is "unavailable"
            return jsonify(status="unavailable", message=str(error)[:200]), 503
        return jsonify(status="ok", projections=status)

    from web.api import init_api
    from web.pages import init_pages

    init_api(app)
    init_pages(app)
    return app


def _one_look_at_the_log_per_request(app: Flask) -> None:
    """Each request asks the log once what changed (the user, reference lists,
    template and policy it reads are then checked together), and records the
    position its command took, which the wait for the read models uses."""
    inner = app.wsgi_app

    def wsgi_app(environ: Any, start_response: Any) -> Any:
        with kept.scope():
            return inner(environ, start_response)

    app.wsgi_app = wsgi_app  # type: ignore[method-assign]


def runtime_of(app: Flask) -> Runtime:
    """The Runtime an app was built around."""
    return app.extensions["gxtrack"]
