"""Server-rendered pages for bureau staff (Chinese first), with sessions and CSRF."""

from __future__ import annotations

from flask import Flask


def init_pages(app: Flask) -> None:
    """Register the page blueprints on `app`."""
