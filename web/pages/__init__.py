"""Server-rendered pages for bureau staff (Chinese first), with sessions and CSRF."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import Flask

from web.i18n import init_i18n
from web.security import init_security


def init_pages(app: Flask) -> None:
    """Register security, languages and the page blueprints on `app`."""
    from web.pages import (
        admin,
        auth,
        dashboard,
        enterprises,
        pool,
        project,
        project_forms,
    )

    init_security(app)
    init_i18n(app)
    app.add_template_filter(wan)
    app.register_blueprint(auth.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(project_forms.bp)
    app.register_blueprint(pool.bp)
    app.register_blueprint(project.bp)
    app.register_blueprint(enterprises.bp)
    app.register_blueprint(admin.bp)


def wan(value: object) -> str:
    """An amount of 万元 with thousands separators, exact (no float rounding)."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    whole, _, fraction = f"{amount:f}".partition(".")
    fraction = fraction.rstrip("0")
    grouped = f"{int(whole):,}" if whole.lstrip("-").isdigit() else whole
    if whole.startswith("-0"):
        grouped = "-" + grouped
    return f"{grouped}.{fraction}" if fraction else grouped
