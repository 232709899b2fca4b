"""Commands, each parsed by one schema and run by one use case.

The JSON API and the project pages both go through here: a command's shape is
checked by the same marshmallow schema whether it arrives as JSON or as a
submitted form, and the same call reaches the application. A form spells a
nested field flat (`planned_signed` for `planned_dates.signed`); a schema says
so with `metadata={"form_prefix": ...}` on the Nested field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from domain.errors import RuleViolationError, RuleViolationsError
from web.api.schemas.milestones import (
    InvestmentReportSchema,
    MilestoneUpdateSchema,
    PromisesSchema,
    ResultsSchema,
)
from web.api.schemas.projects import (
    MergeSchema,
    PlanSchema,
    ProgressReportSchema,
    ProjectCreateSchema,
    ReassignSchema,
    RedateSchema,
    ReinstateSchema,
    ReviseSchema,
    StageMoveSchema,
)
from web.api.schemas.stalled import AnswerSchema, EscalateSchema, ExemptSchema
from web.errors import flatten

# (actor, application, project id, loaded body) -> the project as the API returns it
Call = Callable[[Any, Any, str, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Command:
    """A command on one project: its schema and the use case it runs."""

    schema: type[Schema]
    call: Call


def _move(actor: Any, app: Any, pid: str, body: dict[str, Any]) -> Any:
    return app.move_project(
        actor,
        pid,
        body["to"],
        body["date"],
        reason=body.get("reason", ""),
        expected_version=body["expected_version"],
    )


def _reinstate(actor: Any, app: Any, pid: str, body: dict[str, Any]) -> Any:
    return app.reinstate_project(
        actor,
        pid,
        body["reason"],
        expected_version=body["expected_version"],
        on=body.get("date"),
    )


def _progress(actor: Any, app: Any, pid: str, body: dict[str, Any]) -> Any:
    return app.report_progress(
        actor,
        pid,
        body["date"],
        body["note"],
        expected_version=body.get("expected_version"),
    )


def _revise(actor: Any, app: Any, pid: str, body: dict[str, Any]) -> Any:
    return app.revise_project(
        actor,
        pid,
        dict(body["changes"]),
        body["reason"],
        expected_version=body["expected_version"],
    )


def _reassign(actor: Any, app: Any, pid: str, body: dict[str, Any]) -> Any:
    return app.reassign_project(
        actor,
        pid,
        body["officer"],
        reason=body.get("reason", ""),
        expected_version=body["expected_version"],
    )


def _plan(actor: Any, app: Any, pid: str, body: dict[str, Any]) -> Any:
    return app.revise_plan(
        actor,
        pid,
        dict(body["planned_dates"]),
        reason=body.get("reason", ""),
        expected_version=body["expected_version"],
    )


def _redate(actor: Any, app: Any, pid: str, body: dict[str, Any]) -> Any:
    return app.redate_stage(
        actor,
        pid,
        body["stage"],
        body["date"],
        body["reason"],
        expected_version=body["expected_version"],
    )


def _answer(actor: Any, app: Any, pid: str, body: dict[str, Any]) -> Any:
    return app.answer_stall(
        actor,
        pid,
        body["cause"],
        body["plan"],
        body["checkpoint"],
        expected_version=body["expected_version"],
    )


def _escalate(actor: Any, app: Any, pid: str, body: dict[str, Any]) -> Any:
    return app.escalate_stall(
        actor, pid, body["reason"], expected_version=body["expected_version"]
    )


def _milestone(actor: Any, app: Any, pid: str, body: dict[str, Any]) -> Any:
    given = {k: body[k] for k in ("planned_on", "done_on", "unit", "note") if k in body}
    return app.update_milestone(
        actor,
        pid,
        body["code"],
        given,
        reason=body.get("reason", ""),
        expected_version=body["expected_version"],
    )


def _investment(actor: Any, app: Any, pid: str, body: dict[str, Any]) -> Any:
    return app.report_investment(
        actor,
        pid,
        body["month"],
        body["amount"],
        note=body.get("note", ""),
        expected_version=body["expected_version"],
    )


def _promises(actor: Any, app: Any, pid: str, body: dict[str, Any]) -> Any:
    given = {
        k: body[k]
        for k in ("intensity", "tax_per_mu", "annual_output", "producing_by")
        if k in body
    }
    return app.record_promises(
        actor,
        pid,
        given,
        reason=body.get("reason", ""),
        expected_version=body["expected_version"],
    )


def _results(actor: Any, app: Any, pid: str, body: dict[str, Any]) -> Any:
    given = {k: body[k] for k in ("output", "tax", "investment") if k in body}
    return app.report_results(
        actor,
        pid,
        body["year"],
        given,
        note=body.get("note", ""),
        expected_version=body["expected_version"],
    )


def _exempt(actor: Any, app: Any, pid: str, body: dict[str, Any]) -> Any:
    return app.exempt_stall(
        actor,
        pid,
        body["reason"],
        body["until"],
        expected_version=body["expected_version"],
    )


def _merge(actor: Any, app: Any, pid: str, body: dict[str, Any]) -> Any:
    return app.merge_project(
        actor,
        pid,
        body["into"],
        body["reason"],
        expected_version=body.get("expected_version"),
    )


PROJECT_COMMANDS: dict[str, Command] = {
    "stage": Command(StageMoveSchema, _move),
    "reinstate": Command(ReinstateSchema, _reinstate),
    "progress": Command(ProgressReportSchema, _progress),
    "revise": Command(ReviseSchema, _revise),
    "reassign": Command(ReassignSchema, _reassign),
    "plan": Command(PlanSchema, _plan),
    "redate": Command(RedateSchema, _redate),
    "answer": Command(AnswerSchema, _answer),
    "escalate": Command(EscalateSchema, _escalate),
    "milestone": Command(MilestoneUpdateSchema, _milestone),
    "investment": Command(InvestmentReportSchema, _investment),
    "promises": Command(PromisesSchema, _promises),
    "results": Command(ResultsSchema, _results),
    "exempt": Command(ExemptSchema, _exempt),
    "merge": Command(MergeSchema, _merge),
}


def register(actor: Any, app: Any, body: dict[str, Any]) -> dict[str, Any]:
    """Register a project from a loaded ProjectCreateSchema body."""
    return app.register_project(actor, **body)


REGISTER_SCHEMA = ProjectCreateSchema


def load_form(
    schema: type[Schema], form: Mapping[str, str], **given: Any
) -> dict[str, Any]:
    """A submitted form loaded by a command's schema; errors as RuleViolationError.

    A blank input means "not given", except where the value itself speaks: a
    blank value that may be null is null (a planned date removed), and free text
    is passed on as typed (the domain says whether it may be empty).
    """
    instance = schema()
    data: dict[str, Any] = {}
    for name, field in instance.load_fields.items():
        key = field.data_key or name
        if key in given:
            continue
        if isinstance(field, fields.Nested):
            prefix = field.metadata.get("form_prefix")
            if prefix is not None:
                nested = _flat_fields(field.schema.load_fields, form, prefix)
                if nested or field.required:
                    data[key] = nested
            continue
        value = _form_value(field, form, key)
        if value is not _ABSENT:
            data[key] = value
    data.update(given)
    try:
        return instance.load(data)
    except ValidationError as error:
        raise FormError(form_errors(schema, error.messages)) from None


class FormError(RuleViolationsError):
    """Every field of a form that its schema refused, each with its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__([RuleViolationError(m, f) for f, m in errors.items()])


_ABSENT = object()


def _flat_fields(
    nested: Mapping[str, fields.Field], form: Mapping[str, str], prefix: str
) -> dict[str, Any]:
    values = {}
    for name, field in nested.items():
        value = _form_value(field, form, prefix + name)
        if value is not _ABSENT:
            values[name] = value
    return values


def _form_value(field: fields.Field, form: Mapping[str, str], key: str) -> Any:
    if key not in form:
        return _ABSENT
    value = (form.get(key) or "").strip()
    if value and isinstance(field, fields.Integer) and value.isdigit():
        return int(value)  # a form's numbers are text; JSON's are strict integers
    if value:
        return value
    if field.allow_none:
        return None
    if field.required:
        return _ABSENT  # a required input left blank is missing, said per field
    if _is_free_text(field):
        return ""
    return _ABSENT


def _is_free_text(field: fields.Field) -> bool:
    return isinstance(field, fields.String) and not any(
        isinstance(v, validate.OneOf) for v in field.validators
    )


def form_errors(schema: type[Schema], messages: Any) -> dict[str, str]:
    """Schema errors keyed by the form's own input names, first message each."""
    renames = {
        name: field.metadata["form_prefix"]
        for name, field in schema().load_fields.items()
        if isinstance(field, fields.Nested) and "form_prefix" in field.metadata
    }
    errors = {}
    for key, texts in flatten(messages).items():
        head, _, rest = key.partition(".")
        if rest and head in renames:
            key = renames[head] + rest
        errors[key] = texts[0]
    return errors
