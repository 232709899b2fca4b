"""Every page × every role: who may read it, who gets 403, who must log in."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from gxtrack.bootstrap import Runtime
from tests.web.pages_fixtures import (  # noqa: F401 - fixtures
    app_fixture,
    client_fixture,
    login,
    page_runtime_fixture,
    register,
)

ROLES = ("admin", "leader", "officer", "officer_mudu", "viewer", "auditor")
CHANGERS = {"admin", "leader", "officer", "officer_mudu"}
# page → the roles that may open it (everyone else gets 403).
PAGES = {
    "/": set(ROLES),
    "/projects": set(ROLES),
    "/projects/export.xlsx": set(ROLES),
    "/projects/export.csv": set(ROLES),
    "/projects/{pid}": set(ROLES),
    "/projects/new": CHANGERS,
    "/projects/{pid}/edit": {"admin", "leader", "officer"},
    "/enterprises": set(ROLES),
    "/admin/users": {"admin"},
    "/admin/reference": {"admin"},
}


@pytest.mark.parametrize("role", ROLES)
def test_page_access_by_role(
    client: FlaskClient, page_runtime: Runtime, role: str
) -> None:
    pid = register(page_runtime)["id"]
    login(client, role)
    for template, allowed in PAGES.items():
        url = template.format(pid=pid)
        expected = 200 if role in allowed else 403
        assert client.get(url).status_code == expected, (role, url)


def test_every_page_needs_login(client: FlaskClient, page_runtime: Runtime) -> None:
    pid = register(page_runtime)["id"]
    for template in PAGES:
        response = client.get(template.format(pid=pid))
        assert response.status_code == 302, template
        assert response.headers["Location"].startswith("/login")
