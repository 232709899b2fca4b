"""The JSON API under /api/v1 (flask-smorest), authenticated by bearer tokens."""

from __future__ import annotations

from flask import Flask


def init_api(app: Flask) -> None:
    """Register the API blueprints on `app`."""
