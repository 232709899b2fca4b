"""Property-based run of the API against its own OpenAPI document: never a 5xx.

Schemathesis generates requests for every operation from /api/v1/openapi.json and
sends them to the Flask app in-process with an admin's bearer token. Path ids are
pointed at a real project and enterprise so that bodies reach the domain rules.
Deterministic (derandomized) and bounded so the run stays well under a minute.
"""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from domain.permissions import Actor
from domain.users import Role
from tests.web.api_fixtures import (  # noqa: F401 - fixtures
    API,
    api_app_fixture,
    api_runtime_fixture,
    days_ago,
    project_body,
    tokens_fixture,
)

EXAMPLES = 15  # per operation and mode: ~60 requests per operation in all


@pytest.fixture
def api_schema(api_app):
    """The app's own OpenAPI document, bound to the app (WSGI, in-process)."""
    return schemathesis.openapi.from_wsgi(f"{API}/openapi.json", api_app)


@pytest.fixture
def known_ids(api_runtime, tokens):
    """A real project and enterprise to aim the generated path ids at."""
    leader = Actor("leader1", Role.LEADER)
    body = {**project_body(), "stage_date": date.fromisoformat(days_ago(30))}
    project = api_runtime.app.register_project(leader, **body)
    enterprise = api_runtime.app.register_enterprise(
        leader, "91320506MA1MXXXX0X"[:17] + _check("91320506MA1MXXXX0"), "【示例】企业"
    )
    api_runtime.wait_for_read_models()
    return {"project_id": project["id"], "enterprise_id": enterprise["id"]}


def _check(first17: str) -> str:
    from domain.uscc import check_character

    return check_character(first17)


MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


@pytest.mark.slow
def test_no_server_errors(api_schema, tokens, known_ids):
    failures: list[tuple] = []
    headers = tokens["admin1"]
    for result in api_schema.get_all_operations():
        operation = result.ok()
        names = {p.name for p in operation.path_parameters}
        fixed = {k: v for k, v in known_ids.items() if k in names}
        for mode in MODES:
            strategy = operation.as_strategy(mode, path_parameters=fixed or None)

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
                if response.status_code >= 500:
                    failures.append(
                        (
                            case.method,
                            case.formatted_path,
                            case.query,
                            case.body,
                            response.status_code,
                            response.text[:300],
                        )
                    )

            check()
    assert not failures, failures[:5]
