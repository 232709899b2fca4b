"""Server-rendered pages for bureau staff (Chinese first), with sessions and CSRF."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from web.i18n import init_i18n
from web.security import init_security


def init_pages(app: Flask) -> None:
    """Register security, languages and the page blueprints on `app`."""
    from web.pages import (
        account,
        activity,
        admin,
        admin_channels,
        admin_policy,
        audit,
        auth,
        common,
        cultivation,
        dashboard,
        enterprise_actions,
        enterprise_import,
        enterprises,
        export_runs,
        forecast,
        imports,
        milestones,
        notifications,
        pool,
        project,
        project_forms,
        reports,
        scorecard,
        stalled,
        supervision,
        targets,
        worklist,
    )

    init_security(app)
    init_i18n(app)
    app.add_template_filter(wan)
    app.add_template_filter(local_time)
    app.add_template_filter(common.person)
    app.register_blueprint(auth.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(project_forms.bp)
    app.register_blueprint(pool.bp)
    app.register_blueprint(export_runs.bp)
    app.register_blueprint(project.bp)
    app.register_blueprint(milestones.bp)
    app.register_blueprint(enterprise_import.bp)  # before /enterprises/<id>
    app.register_blueprint(enterprises.bp)
    app.register_blueprint(enterprise_actions.bp)
    app.register_blueprint(cultivation.bp)
    app.register_blueprint(targets.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(stalled.bp)
    app.register_blueprint(admin_policy.bp)
    app.register_blueprint(admin_channels.bp)
    app.register_blueprint(imports.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(activity.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(forecast.bp)
    supervision.init_supervision_pages(app)
    notifications.init_notification_pages(app)
    app.register_blueprint(worklist.bp)
    scorecard.init_scorecard_pages(app)


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


def local_time(instant: str) -> str:
    """A recorded UTC timestamp shown in the bureau's time zone (to the second)."""
    try:
        moment = datetime.fromisoformat(instant)
    except (TypeError, ValueError):
        return str(instant)
    zone = ZoneInfo(current_app.extensions["gxtrack"].settings.timezone)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
