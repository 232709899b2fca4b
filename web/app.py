"""`create_app`: the Flask app around a Runtime (no globals, no import-time config)."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify

from gxtrack.bootstrap import Runtime


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
    # Key order is the schema's, not sorted again per response; Chinese text
    # goes out as UTF-8 rather than \u escapes (a third of a list's bytes).
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

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


def runtime_of(app: Flask) -> Runtime:
    """The Runtime an app was built around."""
    return app.extensions["gxtrack"]
