"""Completed investment by zone and industry in the monthly report: as reported
then and as corrected since, on the page (table and chart), in the API and in
the .xlsx; and the as-of pool page's node and investment columns."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from eventsourcing.domain import CanCreateTimestamp
from flask.testing import FlaskClient
from openpyxl import load_workbook

from gxtrack.app.reports.monthly import monthly_report
from gxtrack.bootstrap import Runtime
from tests.web.pages_fixtures import (  # noqa: F401 - fixtures
    app_fixture,
    client_fixture,
    login,
    page_runtime_fixture,
    page_text,
)

NAMES = {"zone": {"mudu": "木渎镇", "luzhi": "甪直镇"}, "industry": {}}


@pytest.fixture(name="clock")
def clock_fixture(monkeypatch):
    """Event timestamps from a settable instant, for bitemporal scenarios."""
    moment = {"now": datetime.now(UTC)}
    monkeypatch.setattr(
        CanCreateTimestamp, "create_timestamp", staticmethod(lambda: moment["now"])
    )
    return lambda text: moment.update(now=datetime.fromisoformat(text))


def _project(app, name, zone, industry):
    return app.register_project(
        app.actor_for("leader"),
        name=name,
        investor="投资方",
        industry=industry,
        zone=zone,
        planned_investment="1000",
        stage="signed",
        stage_date=date(2024, 1, 2),
    )["id"]


@pytest.fixture(name="scenario")
def scenario_fixture(page_runtime: Runtime, clock) -> tuple[str, str]:
    """March 2025 reported by 2 April; B's March corrected on 20 April, then
    B withdrawn (its months still count)."""
    app = page_runtime.app
    actor = app.actor_for("leader")
    clock("2025-04-02T10:00:00+08:00")
    a = _project(app, "【示例】甲", "mudu", "ngit")
    b = _project(app, "【示例】乙", "luzhi", "green")
    for pid, month, amount in (
        (a, "2024-03", "8"),
        (a, "2025-01", "10"),
        (a, "2025-03", "50"),
        (b, "2025-03", "20"),
    ):
        app.report_investment(actor, pid, month, amount)
    clock("2025-04-20T10:00:00+08:00")
    app.report_investment(actor, b, "2025-03", "35", note="统计局核定")
    app.move_project(actor, b, "withdrawn", date(2025, 4, 20), reason="撤资")
    page_runtime.wait_for_read_models()
    return a, b


def _sums(rows):
    return {
        r["key"]: (
            tuple(r["known"][k] for k in ("month", "year", "last_year", "cumulative")),
            tuple(r["now"][k] for k in ("month", "year", "last_year", "cumulative")),
            r["changed"],
        )
        for r in rows
    }


def test_the_report_breaks_investment_down_as_reported_and_corrected(
    page_runtime: Runtime, scenario
) -> None:
    report = monthly_report(page_runtime.db, "2025-03", date(2025, 4, 5), NAMES)
    zone = _sums(report["investment_by"]["zone"])
    assert zone["mudu"] == (("50", "60", "8", "68"), ("50", "60", "8", "68"), False)
    assert zone["luzhi"] == (("20", "20", "0", "20"), ("35", "35", "0", "35"), True)
    assert zone["total"] == (("70", "80", "8", "88"), ("85", "95", "8", "103"), True)
    assert report["investment_by"]["zone"][-1]["key"] == "total"
    labels = {r["key"]: r["label"] for r in report["investment_by"]["zone"]}
    assert labels["mudu"] == "木渎镇"
    industry = _sums(report["investment_by"]["industry"])
    assert industry["green"][1] == ("35", "35", "0", "35")
    assert industry["ngit"][0] == ("50", "60", "8", "68")
    # Known before anything was reported: zeros, all changed since.
    early = monthly_report(page_runtime.db, "2025-03", date(2025, 4, 1), NAMES)
    assert _sums(early["investment_by"]["zone"])["total"][0] == ("0",) * 4


def test_the_report_page_api_and_xlsx_show_the_breakdown(
    client: FlaskClient, scenario
) -> None:
    login(client, "leader")
    query = "month=2025-03&as_known_on=2025-04-05"
    page = page_text(client.get(f"/reports/monthly?{query}"))
    assert "分板块完成投资" in page and "分产业完成投资" in page
    assert 'id="report-investment-zone"' in page
    assert '<svg class="chart hbar"' in page and "木渎镇" in page and "甪直镇" in page
    assert 'class="changed" data-key="luzhi"' in page
    r = client.get(f"/reports/monthly.xlsx?{query}")
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.data))
    sheet = book["分板块完成投资"]
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["甪直镇"][:4] == (20, 35, 20, 35)
    assert rows["合计"][5:] == (88, 103, "是")
    assert "分产业完成投资" in book.sheetnames


def test_the_as_of_pool_page_shows_nodes_and_investment_known_then(
    client: FlaskClient, page_runtime: Runtime, scenario
) -> None:
    a, _b = scenario
    login(client, "leader")
    page = page_text(client.get("/projects?as_of=2025-04-05"))
    assert "累计完成投资（万元）" in page and "待办节点" in page
    # 甲: 8 + 10 + 50 as known on 5 April.
    assert 'class="num as-of-investment">68<' in page
    plain = page_text(client.get("/projects"))
    assert "待办节点" not in plain


def test_as_known_at_an_instant_within_the_day_of_a_correction(
    page_runtime: Runtime, clock
) -> None:
    """The instant's own day is read from its rows: a figure reported before
    the instant counts, its correction an hour after it does not yet."""
    app = page_runtime.app
    actor = app.actor_for("leader")
    clock("2025-04-01T09:00:00+08:00")  # the day before: in the kept changes
    a = _project(app, "【示例】丙", "mudu", "ngit")
    app.report_investment(actor, a, "2025-03", "7")
    clock("2025-04-02T10:00:00+08:00")
    app.report_investment(actor, a, "2025-03", "20")
    clock("2025-04-02T12:00:00+08:00")
    app.report_investment(actor, a, "2025-03", "35")
    page_runtime.wait_for_read_models()
    at = datetime.fromisoformat("2025-04-02T11:00:00+08:00")
    zone = _sums(
        monthly_report(page_runtime.db, "2025-03", at, NAMES)["investment_by"]["zone"]
    )
    assert zone["mudu"][0] == ("20", "20", "0", "20")
    assert zone["mudu"][1] == ("35", "35", "0", "35")
    before = datetime.fromisoformat("2025-04-02T09:00:00+08:00")
    zone = _sums(
        monthly_report(page_runtime.db, "2025-03", before, NAMES)["investment_by"][
            "zone"
        ]
    )
    assert zone["mudu"][0] == ("7", "7", "0", "7")
    # Moved to another zone since: every figure, then and now, counts it there.
    app.revise_project(actor, a, {"zone": "luzhi"}, "迁址")
    page_runtime.wait_for_read_models()
    zone = _sums(
        monthly_report(page_runtime.db, "2025-03", at, NAMES)["investment_by"]["zone"]
    )
    assert zone["mudu"] == (("0",) * 4, ("0",) * 4, False)
    assert zone["luzhi"][0] == ("20", "20", "0", "20")


def test_the_as_of_export_has_the_pages_node_and_investment_columns(
    client: FlaskClient, page_runtime: Runtime, scenario, clock
) -> None:
    """As of 5 April: 乙's March as reported then (20, corrected to 35 on the
    20th), 甲's 立项备案 overdue then (done on the 20th, back-dated)."""
    a, b = scenario
    app = page_runtime.app
    actor = app.actor_for("leader")
    clock("2025-04-02T11:00:00+08:00")
    app.update_milestone(actor, a, "filing", {"planned_on": date(2025, 2, 1)})
    clock("2025-04-20T11:00:00+08:00")
    app.update_milestone(actor, a, "filing", {"done_on": date(2025, 4, 1)})
    page_runtime.wait_for_read_models()
    login(client, "leader")
    r = client.get("/projects/export.csv?as_of=2025-04-05&sort=name")
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    head = rows[0]
    assert head[-4:] == [
        "累计完成投资（万元）",
        "逾期节点数",
        "待办节点",
        "待办节点计划日期",
    ]
    found = {row[head.index("项目编号")]: row[-4:] for row in rows[1:]}
    assert found[a] == ["68", "1", "立项备案", "2025-02-01"]
    assert found[b][:2] == ["20", "0"]
    book = load_workbook(
        io.BytesIO(client.get("/projects/export.xlsx?as_of=2025-04-05").data)
    )
    cells = {
        row[14]: row[15:] for row in book.active.iter_rows(min_row=2, values_only=True)
    }
    assert cells[a][:3] == (68, 1, "立项备案")
    # Without a day the export is as before: no such columns.
    plain = client.get("/projects/export.csv").data.decode("utf-8-sig")
    assert "待办节点" not in plain
