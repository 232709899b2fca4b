"""The reports page (monthly report as known on a date, on screen and as .xlsx)
and the audit page (hash-chain verification and today's anchor)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for

from domain.clock import today
from domain.errors import RuleViolationError
from gxtrack.app.people import readable as readable_values
from gxtrack.app.reports.cells import attachment
from gxtrack.app.reports.monthly import monthly_report
from gxtrack.app.reports.monthly_xlsx import monthly_workbook
from web.pages.common import parse_date, reference, register_page_errors, runtime
from web.pages.monthly_labels import WHAT_LABELS
from web.security import current_actor

bp = Blueprint("page_reports", __name__)
register_page_errors(bp)
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month() -> str:
    value = (request.args.get("month") or "").strip()
    if not value:
        first = today().replace(day=1)
        previous = date.fromordinal(first.toordinal() - 1)
        return previous.strftime("%Y-%m")
    if not MONTH.match(value):
        raise RuleViolationError("月份格式应为 YYYY-MM", "month")
    return value


def _report() -> tuple[dict[str, Any], date | None]:
    known_on = parse_date(request.args.get("as_known_on"), "as_known_on", False)
    rt = runtime()
    rt.wait_for_read_models()
    return monthly_report(rt.db, _month(), known_on, _names()), known_on


def _names() -> dict[str, dict[str, str]]:
    ref = runtime().app.reference()
    return {"zone": ref.zones, "industry": ref.industries}


@bp.get("/reports/monthly")
def monthly() -> Any:
    """The monthly report on screen: as known then, and as corrected since."""
    try:
        report, known_on = _report()
    except RuleViolationError as error:
        return render_template(
            "report_monthly.html",
            report=None,
            month=request.args.get("month", ""),
            known_on=request.args.get("as_known_on", ""),
            error=error.message,
        ), 422
    return render_template(
        "report_monthly.html",
        report=report,
        month=report["month"],
        known_on=known_on.isoformat() if known_on else "",
        error="",
        what=WHAT_LABELS,
    )


@bp.get("/reports/monthly.xlsx")
def monthly_xlsx() -> Response:
    """The same report as an .xlsx workbook."""
    known_on = parse_date(request.args.get("as_known_on"), "as_known_on", False)
    month = _month()
    rt = runtime()
    rt.wait_for_read_models()
    data = monthly_workbook(
        rt.db, month, known_on, _names(), lambda: readable_values(reference(), rt.db)
    )
    name = f"招商项目月报-{month}.xlsx"
    return Response(
        data,
        mimetype=XLSX,
        headers={
            "Content-Disposition": attachment(name, f"monthly-report-{month}.xlsx")
        },
    )


@bp.get("/audit")
def audit() -> Any:
    """Hash-chain verification now, and the chain head to keep elsewhere."""
    app, actor = runtime().app, current_actor()
    status = app.audit_status(actor)
    run_id = request.args.get("run", "").strip()
    run = app.chain_verify_run(actor, run_id) if run_id else None
    return render_template("audit.html", s=status, run=run)


@bp.post("/audit/verify")
def start_verify() -> Any:
    """Start the full walk in the background; the page then shows its progress."""
    run_id = runtime().app.start_chain_verify(current_actor())
    return redirect(url_for("page_reports.audit", run=run_id), code=303)


@bp.get("/audit/anchor.jsonl")
def anchor_download() -> Response:
    """Today's anchor line, to append to an anchors file kept outside."""
    line = runtime().app.anchor_line(current_actor())
    name = f"gxtrack-anchor-{today().isoformat()}.jsonl"
    return Response(
        line,
        mimetype="application/x-ndjson",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )
