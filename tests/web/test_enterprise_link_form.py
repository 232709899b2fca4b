"""A project registered on the web is linked to its enterprise by credit code,
as the API links it by id: the tier filter and the enterprise page then see it."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import today
from domain.uscc import check_character
from tests.web.pages_fixtures import (  # noqa: F401 - fixtures
    app_fixture,
    client_fixture,
    login,
    page_runtime_fixture,
    page_text,
)

FIRST17 = "91320506MA0000002"
USCC = FIRST17 + check_character(FIRST17)


def test_a_web_registration_links_the_enterprise_by_credit_code(client, page_runtime):
    app = page_runtime.app
    leader = app.actor_for("leader")
    enterprise = app.register_enterprise(leader, USCC, "【示例】精密科技有限公司")
    app.award_designation(
        leader, enterprise["id"], "srdi", today() - timedelta(days=30)
    )
    page_runtime.wait_for_read_models()
    login(client, "officer")
    form = page_text(client.get("/projects/new"))
    assert f'<option value="{USCC}">【示例】精密科技有限公司</option>' in form
    reply = client.post(
        "/projects/new",
        data={
            "name": "【示例】精密部件扩产项目",
            "investor": "【示例】精密科技有限公司",
            "industry": "robotics",
            "zone": "wzedz",
            "planned_investment": "3000",
            "stage": "negotiating",
            "enterprise_id": USCC.lower(),
        },
    )
    assert reply.status_code == 302, page_text(reply)
    project_id = reply.headers["Location"].rsplit("/", 1)[-1]
    assert app.get_project(project_id)["enterprise_id"] == enterprise["id"]
    assert "【示例】精密部件扩产项目" in page_text(
        client.get(f"/enterprises/{enterprise['id']}")
    )
    assert "【示例】精密部件扩产项目" in page_text(client.get("/projects?tier=srdi"))
    edit = page_text(client.get(f"/projects/{project_id}/edit"))
    assert f'value="{USCC}"' in edit


def test_an_unknown_credit_code_is_refused_on_its_field(client, page_runtime):
    login(client, "officer")
    unknown = "91320506MA0000003"
    reply = client.post(
        "/projects/new",
        data={
            "name": "【示例】项目",
            "investor": "【示例】公司",
            "industry": "robotics",
            "zone": "wzedz",
            "planned_investment": "3000",
            "enterprise_id": unknown + check_character(unknown),
        },
    )
    html = page_text(reply)
    assert reply.status_code == 422
    assert "找不到该企业" in html
    assert '<div class="field has-error">\n  <label for="f-enterprise_id"' in html
