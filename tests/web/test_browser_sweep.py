"""Every page as every role in real Chromium: what a bureau user reads is right.

The pages come from the Flask url_map (GET routes outside the API), their path
parameters filled with ids from the sample data, so a new page is swept without
editing this test. Each role (officer, leader, auditor, admin) visits each page
and gets it (200) or the proper 403 page; the visible text must not hold a raw
code (a stage, zone, level or rule code: anything the domain gives a label;
an event type),
English left over from the catalogue, a login name where a display name
belongs, 'None', 'nan' or a traceback.

Same setup as the other browser tests (tests/web/helpers.py).
"""

from __future__ import annotations

import enum
import importlib
import pkgutil
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

import domain
from domain.clock import today
from gxtrack.app.demo import SAMPLE_USERS, load_demo
from gxtrack.bootstrap import Runtime
from gxtrack.settings import Settings
from tests.web.helpers import (  # noqa: F401 - fixture
    PASSWORD,
    browser_fixture,
    serving,
    sign_in,
)
from tests.web.import_sheets import ledger
from web.app import create_app

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
# One sample user of each role that reads pages (the viewer reads a subset).
ROLES = ("officer_mudu", "leader", "auditor", "admin")
# Routes that are not pages to read, and why.
EXCLUDED = {
    "static": "the app's CSS and scripts",
    "healthz": "a plain-text probe for the load balancer",
    "page_auth.switch_language": "switches the language and redirects back",
    "page_auth.login": "the sign-in form: every visit starts there",
}
DOWNLOADS = (".xlsx", ".csv", ".jsonl")  # files: test_readable_exports.py reads them
# The page whose job is to show login names: the accounts an admin manages.
SHOWS_LOGINS = {"page_admin.users"}
# The page where an admin keeps the codes of the reference lists.
SHOWS_CODES = {"page_admin.reference_data"}
# Pages that need a query to show anything: the version to look at.
QUERIES = {"page_audit.project_as_of": "?version=1"}
# A page's other states worth reading too: the groupings, a draft rule tried.
VARIANTS = {
    "page_forecast.slippage": ("?by=zone", "?by=industry"),
    "page_scorecard.index": ("?period=quarter",),
    "page_admin_policy.policy": (
        "?thresholds.negotiating=120&red_factor=2&from={half_year_ago}&to={today}",
    ),
}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
NOT_FOUND_TOKEN = "x" * 32  # an upload token for roles that cannot upload
NO_RUN = "y" * 32  # an export run: each user's own, started in the sweep
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
EVENT = re.compile(r'\bevent\("(\w+)"\)')  # @event("X") and event("X")(f)
LEFTOVERS = re.compile(r"\bNone\b|\bnan\b|\bNaN\b|Traceback|\bnull\b|\bundefined\b")


def domain_codes() -> set[str]:
    """Every code the domain gives a label or an enum value: none is for reading."""
    codes: set[str] = set()
    for info in pkgutil.walk_packages(domain.__path__, "domain."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, enum.Enum):
                codes.update(e.value for e in value if isinstance(e.value, str))
            elif name.endswith("LABELS") and isinstance(value, dict):
                codes.update(k for k in value if isinstance(k, str))
    return codes


def event_types() -> set[str]:
    """Every event type the domain records (shown by its label, never by name)."""
    found: set[str] = set()
    for path in (ROOT / "domain").rglob("*.py"):
        found.update(EVENT.findall(path.read_text(encoding="utf-8")))
    return found


def catalogue_english() -> set[str]:
    """The English of every page message of two words or more."""
    path = ROOT / "web" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {
        m.string.strip()
        for m in catalog
        if m.id and isinstance(m.string, str) and len(m.string.split()) >= 2
    }


def pages(flask_app: Any, seeds: dict[str, str]) -> list[tuple[str, str]]:
    """(endpoint, path) of every HTML page in the url_map, parameters filled."""
    found = []
    for rule in sorted(flask_app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in (rule.methods or ()) or rule.endpoint in EXCLUDED:
            continue
        if rule.rule.startswith("/api") or rule.rule.endswith(DOWNLOADS):
            continue
        missing = sorted(a for a in rule.arguments if a not in seeds)
        assert not missing, f"{rule.rule}: give the sweep a seed for {missing}"
        _, path = rule.build({a: seeds[a] for a in rule.arguments})
        found.append((rule.endpoint, path + QUERIES.get(rule.endpoint, "")))
        days = {
            "today": today().isoformat(),
            "half_year_ago": (today() - timedelta(weeks=26)).isoformat(),
        }
        for query in VARIANTS.get(rule.endpoint, ()):
            found.append((rule.endpoint, path + query.format(**days)))
    return found


@pytest.fixture(scope="module", name="site")
def site_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The sample data plus a 督办, a 暂缓, a postponed plan and promises, served."""
    runtime = Runtime.open(Settings(data_dir=tmp_path_factory.mktemp("sweep") / "v"))
    load_demo(runtime, PASSWORD)
    app = runtime.app
    leader = app.actor_for("leader")
    project = runtime.db.fetchone(
        "SELECT id FROM rm_projects WHERE officer = 'officer_mudu'"
        " AND stage = 'negotiating' ORDER BY name LIMIT 1"
    )["id"]
    due = today() + timedelta(days=14)
    issued = app.issue_supervision(leader, project, "示例：两周内落实用地。", due)
    until = today() + timedelta(days=60)
    app.exempt_stall(leader, project, "示例：等待规划调整。", until)
    signed = runtime.db.fetchone(
        "SELECT id FROM rm_projects WHERE stage = 'signed' ORDER BY name LIMIT 1"
    )["id"]
    for late in (60, 150):  # a postponed plan: the slippage page groups by officer
        app.revise_plan(leader, signed, {"landed": today() + timedelta(late)}, "示例")
    promises = {"intensity": "400", "producing_by": today() + timedelta(days=200)}
    app.record_promises(leader, signed, promises, "示例：投资协议第五条")
    wecom = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=example"
    app.add_channel(app.actor_for("admin"), "zone-robot", "wecom", wecom, None, "mudu")
    runtime.wait_for_read_models()
    enterprise = runtime.db.fetchone("SELECT id FROM rm_enterprises LIMIT 1")["id"]
    seeds = {
        "project_id": str(project),
        "enterprise_id": str(enterprise),
        "supervision_id": str(issued["id"]),
        "message_id": str(app.mail_messages(limit=1)[0]["id"]),
        "token": NOT_FOUND_TOKEN,
        "run_id": NO_RUN,
    }
    reference = app.reference()
    logins = {name for name, *_ in SAMPLE_USERS}
    flask_app = create_app(runtime)
    with serving(runtime, flask_app) as base:
        yield {
            "base": base,
            "pages": pages(flask_app, seeds),
            # Role codes are the sample users' login names: checked as those.
            "codes": (
                domain_codes()
                | event_types()
                | set(reference.industries)
                | set(reference.zones)
            )
            - logins,
            # 'system' is who the scheduler acts as: people read 系统.
            "logins": logins | {"system"},
            "english": catalogue_english(),
        }
    runtime.close()


def upload_token(page: Any, base: str, folder: Path) -> str | None:
    """Upload a ledger as this user (leaders and admins may): its preview token."""
    response = page.goto(f"{base}/imports/ledger")
    if response.status != 200:
        return None
    sheet = folder / "台账.xlsx"
    sheet.write_bytes(ledger([[1, "【示例】巡检项目", "某公司", "新一代信息技术"]]))
    page.set_input_files("input[type=file]", str(sheet))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_url(re.compile(r"/imports/ledger/[^/]+$"))
    return page.url.rsplit("/", 1)[-1]


def export_run(page: Any, base: str) -> str:
    """Start a pool export as this user (a run only its starter may see)."""
    page.goto(f"{base}/projects")
    page.click("#export-xlsx")
    page.wait_for_url(re.compile(r"/projects/export-runs/[^/.]+$"))
    return page.url.rsplit("/", 1)[-1]


def problems(text: str, site: dict, endpoint: str) -> list[str]:
    """What a bureau user should not read in this page's visible text."""
    found = [f"leftover {m!r}" for m in set(LEFTOVERS.findall(text))]
    # An e-mail address is shown as it is (where a digest goes).
    words = set(WORD.findall(EMAIL.sub(" ", text)))
    if endpoint not in SHOWS_CODES:
        found += [f"raw code {w!r}" for w in sorted(words & site["codes"])]
    if endpoint not in SHOWS_LOGINS:
        found += [f"login name {w!r}" for w in sorted(words & site["logins"])]
    found += [f"English {e!r}" for e in sorted(site["english"]) if e in text]
    return found


def test_every_page_as_every_role_reads_right(
    site: dict, browser: Any, tmp_path: Path
) -> None:
    base = site["base"]
    failures: list[str] = []
    seen = 0
    for user in ROLES:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        sign_in(page, base, user)
        token = upload_token(page, base, tmp_path)
        run = export_run(page, base)
        for endpoint, path in site["pages"]:
            if token:
                path = path.replace(NOT_FOUND_TOKEN, token)
            path = path.replace(NO_RUN, run)
            # The server's HTML is what is checked: no need to wait for fonts.
            response = page.goto(base + path, wait_until="domcontentloaded")
            seen += 1
            where = f"{user} {path}"
            status = response.status
            if status not in (200, 403) or "/login" in page.url:
                failures.append(f"{where}: HTTP {status} at {page.url}")
                continue
            if status == 403 and "无权访问" not in page.inner_text("h1"):
                failures.append(f"{where}: a 403 without the 403 page")
            text = page.inner_text("body")
            failures += [f"{where}: {p}" for p in problems(text, site, endpoint)]
        context.close()
    assert seen >= 4 * 30, seen  # the url_map has ~37 pages
    assert not failures, "\n".join(failures)
