"""Property-based run of the API against its own OpenAPI document.

Schemathesis generates requests for every operation from /api/v1/openapi.json and
sends them to the Flask app in-process with an admin's bearer token. Path ids are
pointed at real records, and each valid (positive) case is given what a schema
cannot state (tests/web/schemathesis_cases.py: real ids and codes, current
versions, dates on the right side of today), so that bodies reach the domain
rules.
Each response is checked: never a 5xx, only documented statuses and content
types, bodies that match their schema; and no operation refuses (400/422) all of
the data its document says is valid (schemathesis' "schema validation mismatch"
warning). Deterministic (derandomized) and bounded so the run stays well under
a minute.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.web.api_fixtures import (  # noqa: F401 - fixtures
    API,
    api_app_fixture,
    api_runtime_fixture,
    tokens_fixture,
)
from tests.web.schemathesis_cases import Seeds

EXAMPLES = 15  # per operation and mode: ~60 requests per operation in all


@pytest.fixture
def api_schema(api_app):
    """The app's own OpenAPI document, bound to the app (WSGI, in-process)."""
    return schemathesis.openapi.from_wsgi(f"{API}/openapi.json", api_app)


@pytest.fixture
def seeds(api_runtime, tokens):
    """The records the generated cases are aimed at (tests/web/schemathesis_cases)."""
    return Seeds(api_runtime)


MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Operations whose valid-looking data the API still refuses every time: none.
# A new one is to be stated in its document (or given its real data in
# schemathesis_cases) rather than listed here; the test fails on any not
# listed, and on one listed that no longer needs to be.
KNOWN_MISMATCH: set[str] = set()
# Statuses that say nothing about whether the data was acceptable (as
# schemathesis counts them for its "schema validation mismatch" warning).
NOT_ABOUT_DATA = {401, 403, 404, 409, 429}


def validation_mismatch(statuses: list[int]) -> bool:
    """schemathesis' warning: every valid case refused, >= 10% of them as 4xx
    about the data (400, 422, …) rather than a missing record or a conflict."""
    if not statuses or any(s < 400 for s in statuses):
        return False
    about_data = [s for s in statuses if 400 <= s < 500 and s not in NOT_ABOUT_DATA]
    refused = about_data + [s for s in statuses if s == 404]
    return bool(refused) and len(about_data) / len(refused) >= 0.1


def run_cases(strategy, headers, positive: list[int] | None, failures: list) -> None:
    """Send the generated cases; note failed checks (and, if given, statuses)."""

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        response = case.call(headers=headers)
        if positive is not None:
            positive.append(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, BaseExceptionGroup) as error:
            found = getattr(error, "exceptions", None) or [error]
            titles = "; ".join(getattr(f, "title", str(f)) for f in found)
            failures.append(
                (
                    case.operation.label,
                    response.status_code,
                    titles,
                    case.query,
                    case.body,
                    response.text[:200],
                )
            )

    check()


@pytest.mark.slow
def test_the_api_keeps_to_its_document(api_schema, tokens, seeds):
    failures: list[tuple] = []
    mismatched: list[str] = []
    headers = tokens["admin1"]
    for result in api_schema.get_all_operations():
        operation = result.ok()
        names = {p.name for p in operation.path_parameters}
        fixed = seeds.path_parameters(operation.label, names)
        positive: list[int] = []
        for mode in MODES:
            strategy = operation.as_strategy(mode, path_parameters=fixed or None)
            statuses = None
            if mode is GenerationMode.POSITIVE:
                strategy, statuses = strategy.map(seeds.fix), positive
            run_cases(strategy, headers, statuses, failures)
        if validation_mismatch(positive):
            mismatched.append(operation.label)
    summary = sorted({f[:3] for f in failures})
    assert not failures, (summary, failures[:3])
    assert set(mismatched) == KNOWN_MISMATCH, (
        sorted(set(mismatched) - KNOWN_MISMATCH),
        sorted(KNOWN_MISMATCH - set(mismatched)),
    )
