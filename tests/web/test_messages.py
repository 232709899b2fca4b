"""The message catalogue: refusals read in Chinese alone, every field at once.

A bureau user reads "日期不能晚于今天 …", not "… (date is in the future)"; the API
gives the catalogue's code beside the message; a form left empty names every
input it needs, not only the first one a command happened to check.
"""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path

from domain import messages
from domain.clock import today
from tests.web.api_fixtures import (  # noqa: F401 - fixtures
    API,
    api_app_fixture,
    api_runtime_fixture,
    client_fixture,
    days_ago,
    project_body,
    tokens_fixture,
)
from tests.web.helpers import give_passwords, login
from tests.web.pages_fixtures import USERS

ROOT = Path(__file__).resolve().parents[2]
# Where messages a bureau user reads are written (the CLI's help is bilingual).
SOURCES = ("domain", "gxtrack/app", "gxtrack/audit", "gxtrack/infra", "web", "jobs")
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_ASIDE = re.compile(
    r"[(（][^()（）\u4e00-\u9fff{}]*[A-Za-z]{2}[^()（）\u4e00-\u9fff]*[)）]\s*$"
)


def _mixed_literals() -> list[str]:
    found = []
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.JoinedStr):
                    parts = [
                        v.value
                        for v in node.values
                        if isinstance(v, ast.Constant) and isinstance(v.value, str)
                    ]
                    text = "{}".join(parts)
                elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                    text = node.value
                else:
                    continue
                if CJK.search(text) and ENGLISH_ASIDE.search(text):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text}")
    return found


def test_no_message_mixes_an_english_aside_into_chinese():
    assert _mixed_literals() == []


def test_a_future_date_is_refused_in_chinese_with_the_catalogue_code(client, tokens):
    tomorrow = (today() + timedelta(days=1)).isoformat()
    r = client.post(
        f"{API}/projects",
        json=project_body(stage_date=tomorrow),
        headers=tokens["officer1"],
    )
    assert r.status_code == 422
    assert r.json["errors"] == {"stage_date": [f"日期不能晚于今天 {today()}"]}
    assert r.json["reason"] == messages.FUTURE_DATE.code == "date_in_future"


def test_the_api_names_every_refused_field_of_a_registration(client, tokens):
    body = project_body(
        name="   ", industry="no-such", planned_investment="-5", stage_date=days_ago(1)
    )
    r = client.post(f"{API}/projects", json=body, headers=tokens["officer1"])
    assert r.status_code == 422
    assert r.json["errors"] == {
        "name": ["不能为空"],
        "industry": [r.json["errors"]["industry"][0]],
        "planned_investment": ["必须大于 0"],
    }
    assert r.json["errors"]["industry"][0].startswith("未知")


def test_an_empty_register_form_names_every_required_input(tmp_path):
    from domain.permissions import Actor
    from gxtrack.bootstrap import Runtime
    from gxtrack.settings import Settings
    from web.app import create_app

    runtime = Runtime.open(Settings(data_dir=tmp_path, database_url="memory://"))
    for name, role, zone in USERS:
        runtime.app.add_user(Actor.system(), name, role, zone)
    give_passwords(runtime, "officer")
    runtime.wait_for_read_models()
    app = create_app(runtime, {"TESTING": True, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    login(client, "officer")
    empty = dict.fromkeys(
        ("name", "investor", "industry", "zone", "planned_investment", "stage_date"),
        "",
    )
    r = client.post("/projects/new", data={**empty, "stage": "negotiating"})
    html = r.get_data(as_text=True)
    runtime.close()
    assert r.status_code == 422
    refused = re.findall(
        r'<div class="field has-error">\s*<label for="f-(\w+)"', html, re.S
    )
    assert set(refused) >= {
        "name",
        "investor",
        "industry",
        "zone",
        "planned_investment",
    }
    assert "(required)" not in html and "必填" not in html
    assert html.count("不能为空") >= 5
