"""A form and a JSON body are read by the same command schema, to the same answer."""

from __future__ import annotations

from datetime import date

import pytest
from marshmallow import ValidationError

from domain.errors import RuleViolationError
from web.api.schemas.enterprises import ReviewSchema
from web.api.schemas.tiers import CandidateCreateSchema
from web.commands import (
    PROJECT_COMMANDS,
    REGISTER_SCHEMA,
    FormError,
    form_errors,
    load_form,
)


def api_errors(schema: type, body: dict) -> dict[str, str]:
    """What the API answers for `body`: {field: first message}."""
    try:
        schema().load(body)
    except ValidationError as error:
        return form_errors(schema, error.messages)
    return {}


@pytest.mark.parametrize(
    ("command", "form", "body", "field"),
    [
        (
            "stage",
            {"to": "signed", "date": "2999-01-01"},
            {"to": "signed", "date": "2999-01-01"},
            "date",
        ),
        ("stage", {"to": "signed"}, {"to": "signed"}, "date"),
        ("stage", {"to": "up", "date": "2024-01-02"}, {"to": "up"}, "to"),
        ("progress", {"date": "2024-01-02", "note": "x" * 2001}, None, "note"),
        (
            "plan",
            {"planned_signed": "01/02/2025"},
            {"planned_dates": {"signed": "01/02/2025"}},
            "planned_signed",
        ),
    ],
)
def test_the_page_reads_a_command_as_the_api_does(
    command: str, form: dict, body: dict | None, field: str
) -> None:
    schema = PROJECT_COMMANDS[command].schema
    body = {**(form if body is None else body), "expected_version": 1}
    expected = api_errors(schema, body)
    with pytest.raises(RuleViolationError) as caught:
        load_form(schema, form, expected_version=1)
    assert caught.value.field == field
    assert expected[field] == caught.value.message


def test_a_form_reaches_the_use_case_with_typed_values() -> None:
    body = load_form(
        PROJECT_COMMANDS["plan"].schema,
        {"planned_signed": "2030-01-02", "planned_landed": "", "reason": ""},
        expected_version=3,
    )
    # A blank planned date clears it; blank free text is passed on as typed.
    assert body == {
        "planned_dates": {"signed": date(2030, 1, 2), "landed": None},
        "reason": "",
        "expected_version": 3,
    }


def test_register_form_leaves_blank_choices_to_their_defaults() -> None:
    form = {
        "name": "项目",
        "investor": "投资方",
        "industry": "green",
        "zone": "mudu",
        "planned_investment": "100",
        "priority": "",
        "stage": "",
        "stage_date": "",
    }
    body = load_form(REGISTER_SCHEMA, form, officer="officer")
    assert "priority" not in body and "stage" not in body
    assert "stage_date" not in body and body["officer"] == "officer"


def test_every_refused_field_is_reported_at_once() -> None:
    with pytest.raises(FormError) as caught:
        load_form(ReviewSchema, {"reviewed_on": "", "document_no": "x"})
    assert caught.value.errors == {
        "reviewed_on": "请填写日期",
        "passed": "请选择复核结论",
    }


def test_a_form_number_is_read_as_the_json_integer() -> None:
    body = load_form(
        CandidateCreateSchema,
        {"designation": "srdi", "year": "2026", "officer": "", "note": ""},
        enterprise="e1",
        expected_version=2,
    )
    assert body["year"] == 2026 and body["enterprise"] == "e1"
