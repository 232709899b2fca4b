"""Project page parts for milestone nodes and completed investment, and the
admin page of the node template.

The project page includes `_project_milestones.html`; its forms post here and
run the same commands as the API (`web.commands`), so a form and a JSON call
get the same answer.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, render_template, request

from domain.clock import today
from domain.errors import RuleViolationError
from domain.milestones import NODE_STAGES
from domain.users import Role
from gxtrack.errors import ConflictError
from web.commands import PROJECT_COMMANDS, load_form
from web.i18n import N_
from web.pages.common import (
    STALE,
    expected_version,
    field_errors,
    finish,
    register_page_errors,
    runtime,
)
from web.pages.project import render_project
from web.security import current_actor, roles_required

bp = Blueprint("page_milestones", __name__)
register_page_errors(bp)
YI = Decimal(10000)  # 万元 per 亿元


@bp.app_template_filter("yi")
def yi(value: object) -> str:
    """An amount of 万元 in 亿元, two decimals (how a leader reads large sums)."""
    try:
        amount = Decimal(str(value)) / YI
    except (InvalidOperation, ValueError):
        return str(value)
    return f"{amount:,.2f}"


@bp.app_template_filter("investment_row")
def investment_row(pair: list[str]) -> dict[str, str]:
    """A (year, amount) pair as a chart row."""
    return {"label": f"{pair[0]}年", "investment": pair[1]}


@bp.app_template_global("days_late")
def days_late(planned_on: str | None) -> int:
    """Days since a planned date (YYYY-MM-DD), Asia/Shanghai today."""
    if not planned_on:
        return 0
    return (today() - date.fromisoformat(planned_on)).days


def _run(project_id: str, action: str, command: str, done: str, **given: Any) -> Any:
    """Run a project command from its form: the page with the form's errors, or
    back to the project page with `done`."""
    try:
        body = load_form(
            PROJECT_COMMANDS[command].schema,
            request.form,
            expected_version=expected_version(),
        )
        PROJECT_COMMANDS[command].call(
            current_actor(), runtime().app, project_id, {**body, **given}
        )
    except RuleViolationError as error:
        return render_project(
            project_id, {action: field_errors(error)}, action, status=422
        )
    except ConflictError:
        return render_project(project_id, conflict=STALE, status=409)
    return finish(done, "page_project.show", project_id=project_id)


@bp.post("/projects/<project_id>/milestones/<code>")
def update_node(project_id: str, code: str) -> Any:
    """Update one node from its row's form."""
    return _run(project_id, f"node-{code}", "milestone", N_("节点已更新"), code=code)


@bp.post("/projects/<project_id>/investment")
def report_investment(project_id: str) -> Any:
    """Report a month's completed investment."""
    return _run(project_id, "investment", "investment", N_("完成投资已报送"))


@bp.post("/projects/<project_id>/promises")
def record_promises(project_id: str) -> Any:
    """Record the agreement's promises (履约)."""
    return _run(project_id, "promises", "promises", N_("协议承诺已保存"))


@bp.post("/projects/<project_id>/results")
def report_results(project_id: str) -> Any:
    """Report a year's actuals (履约)."""
    return _run(project_id, "results", "results", N_("年度实绩已报送"))


# -- the node template (admin) -------------------------------------------------

ROWS_EXTRA = 2  # empty rows for new nodes


def _template_page(status: int = 200, **context: Any) -> Any:
    app = runtime().app
    context.setdefault("errors", {})
    template = app.milestone_template()
    rows = context.pop("rows", None) or [
        {**n, "order": i + 1} for i, n in enumerate(template["nodes"])
    ]
    return render_template(
        "admin_milestones.html",
        template=template,
        rows=[*rows, *({"order": ""} for _ in range(ROWS_EXTRA))],
        history=app.milestone_template_history(),
        stages=NODE_STAGES,
        **context,
    ), status


def _submitted_rows() -> list[dict[str, Any]]:
    """The form's rows: code, name, stage and order; a blank or removed row drops."""
    rows = []
    count = int(request.form.get("rows") or 0)
    for i in range(min(count, 200)):
        code = (request.form.get(f"code_{i}") or "").strip()
        name = (request.form.get(f"name_{i}") or "").strip()
        if (not code and not name) or request.form.get(f"remove_{i}"):
            continue
        order = (request.form.get(f"order_{i}") or "").strip()
        rows.append(
            {
                "code": code,
                "name": name,
                "stage": request.form.get(f"stage_{i}") or "",
                "order": float(order) if order.replace(".", "", 1).isdigit() else 999,
            }
        )
    rows.sort(key=lambda r: r["order"])
    return rows


@bp.get("/admin/milestones")
@roles_required(Role.ADMIN)
def template_page() -> Any:
    """The node template in force and its earlier versions."""
    return _template_page()


@bp.post("/admin/milestones")
@roles_required(Role.ADMIN)
def change_template() -> Any:
    """Replace the node list, with a reason."""
    rows = _submitted_rows()
    try:
        runtime().app.change_milestone_template(
            current_actor(),
            [{k: r[k] for k in ("code", "name", "stage")} for r in rows],
            reason=request.form.get("reason", ""),
            expected_version=expected_version(),
        )
    except RuleViolationError as error:
        return _template_page(422, errors=field_errors(error), rows=rows)
    except ConflictError:
        return _template_page(409, conflict=STALE)
    return finish(N_("节点模板已更新"), "page_milestones.template_page")


# -- the yearly 工业投资 target ------------------------------------------------


@bp.app_template_global("investment_target")
def investment_target(year: int) -> str | None:
    """The year's 工业投资 target (万元), for the targets page."""
    return runtime().app.investment_target(year)


@bp.post("/targets/investment")
@roles_required(Role.ADMIN)
def set_investment_target() -> Any:
    """Set the yearly 工业投资 target (admin)."""
    year = request.form.get("year") or str(today().year)
    try:
        runtime().app.set_investment_target(
            current_actor(),
            year,
            request.form.get("amount", ""),
            request.form.get("reason", ""),
        )
    except RuleViolationError as error:
        return render_template(
            "error.html", status=422, title="目标未保存", message=error.message
        ), 422
    return finish(N_("年度工业投资目标已保存"), "page_targets.index", year=year)
