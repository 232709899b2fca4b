"""The pool's .xlsx export started from the page: progress, then the file."""

from __future__ import annotations

import csv
import io
import time
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from domain.clock import today
from tests.web.pages_fixtures import (  # noqa: F401 - fixtures
    app_fixture,
    client_fixture,
    login,
    page_runtime_fixture,
    page_text,
    register,
)
from tests.web.test_pages_pool import HEADERS, pool_fixture  # noqa: F401 - fixture


def _follow(client: FlaskClient, location: str) -> str:
    for _ in range(500):
        page = page_text(client.get(location))
        if "正在导出" not in page:
            return page
        assert 'http-equiv="refresh"' in page and "<progress" in page
        time.sleep(0.02)
    raise AssertionError("the export did not finish")


def test_the_button_exports_in_the_background_with_progress(
    client: FlaskClient, pool: dict
) -> None:
    login(client, "viewer")
    pool_page = page_text(client.get("/projects?zone=&sort=-investment"))
    assert 'action="/projects/export-runs?sort=-investment"' in pool_page
    started = client.post("/projects/export-runs?sort=-investment")
    assert started.status_code == 303
    location = started.headers["Location"]
    page = _follow(client, location)
    assert "导出完成，共 3 行" in page and 'http-equiv="refresh"' not in page
    response = client.get(location + ".xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(
        load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
    )
    assert list(rows[0][: len(HEADERS)]) == HEADERS
    assert rows[1][:6] == (
        "【示例】乙项目",
        '\'=HYPERLINK("http://x")',
        "生物医药及大健康",
        "木渎镇",
        9000,
        "在谈",
    )
    # Dates stay real date cells.
    assert rows[3][5] == "签约" and rows[3][7].date() == today() - timedelta(days=1)


def test_the_csv_button_exports_in_the_background_too(
    client: FlaskClient, pool: dict
) -> None:
    login(client, "viewer")
    pool_page = page_text(client.get("/projects?sort=name"))
    assert 'id="export-csv"' in pool_page and 'name="kind" value="csv"' in pool_page
    started = client.post("/projects/export-runs?sort=name", data={"kind": "csv"})
    location = started.headers["Location"]
    page = _follow(client, location)
    assert "导出 CSV" in page and "导出完成，共 3 行" in page
    assert f'href="{location}.csv"' in page
    assert client.get(location + ".xlsx").status_code == 404
    response = client.get(location + ".csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert ".csv" in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][: len(HEADERS)] == HEADERS
    assert len(rows) == 4
    # The same rows, in the same order, as the direct download.
    direct = client.get("/projects/export.csv?sort=name").data.decode("utf-8-sig")
    assert rows == list(csv.reader(io.StringIO(direct)))
    assert {r[0]: r[1] for r in rows[1:]}[
        "【示例】乙项目"
    ] == '\'=HYPERLINK("http://x")'


def test_the_export_follows_the_filters(client: FlaskClient, pool: dict) -> None:
    login(client, "viewer")
    location = client.post("/projects/export-runs?zone=mudu").headers["Location"]
    _follow(client, location)
    data = client.get(location + ".xlsx").data
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["【示例】乙项目"]


def test_a_run_is_seen_only_by_who_started_it(client: FlaskClient, pool: dict) -> None:
    login(client, "viewer")
    location = client.post("/projects/export-runs").headers["Location"]
    _follow(client, location)
    client.post("/logout")
    login(client, "auditor")
    assert client.get(location).status_code == 404
    assert client.get(location + ".xlsx").status_code == 404
    assert client.get("/projects/export-runs/nope").status_code == 404


def test_bad_filters_are_refused_and_anonymous_sent_to_login(
    client: FlaskClient, pool: dict
) -> None:
    assert client.post("/projects/export-runs").status_code == 302
    login(client, "viewer")
    response = client.post("/projects/export-runs?sort=nonsense")
    assert response.status_code == 422
    assert "Traceback" not in page_text(response)
    response = client.post("/projects/export-runs", data={"kind": "pdf"})
    assert response.status_code == 422
    assert "导出格式只能是 xlsx 或 csv" in page_text(response)


@pytest.mark.parametrize(
    "query", ["", "?sort=name", "?zone=mudu", f"?as_of={today() - timedelta(days=3)}"]
)
def test_the_export_rows_are_the_columns_cells(app, pool: dict, query: str) -> None:
    from web.pages.pool import all_rows, export_chunks, export_columns

    leader = page_runtime_of(app).app.actor_for("leader")
    page_runtime_of(app).app.report_progress(
        leader, pool["c"]["id"], today(), "<设备>进场 & 调试"
    )
    page_runtime_of(app).wait_for_read_models()
    with app.test_request_context(f"/projects/export.xlsx{query}"):
        columns = export_columns()
        expected = [[get(item) for _, get in columns] for item in all_rows()]
        count, chunks = export_chunks()
        assert rows_of(chunks) == expected and count == len(expected)
    noted = any("<设备>进场 & 调试" in row for row in expected)
    assert expected and noted == ("zone" not in query)


def test_amounts_in_wan_are_the_exact_numbers_of_their_text() -> None:
    from gxtrack.readmodels.pool.queries import to_wan
    from web.pages.export import decimal_or_text
    from web.pages.pool import in_wan

    amounts = [0, None, 1, 9999, 10000, 12345678, 50000, -5000, -10001, 10**18 + 7]
    for amount, wan in zip(amounts, in_wan(amounts), strict=True):
        text = to_wan(amount)
        assert str(wan) == text and wan == decimal_or_text(text), amount


def rows_of(chunks) -> list[list]:
    """The export's rows, from its chunks of columns."""
    return [list(row) for chunk in chunks for row in zip(*chunk, strict=True)]


def page_runtime_of(app):
    """The Runtime behind the app (as the pages find it)."""
    return app.extensions["gxtrack"]


@pytest.mark.parametrize(
    "sort", ["-updated", "name", "-investment", "stage", "-stage_date"]
)
@pytest.mark.parametrize("limit", [2, 20000])
def test_the_export_keeps_the_lists_order_up_to_its_limit(
    app, pool: dict, sort: str, limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first `limit` matches in the pool list's order, whatever the sort."""
    from gxtrack.readmodels.pool.queries import PoolFilter, list_projects
    from web.pages import pool as pool_page

    monkeypatch.setattr(pool_page, "EXPORT_LIMIT", limit)
    db = page_runtime_of(app).db
    listed = [i["id"] for i in list_projects(db, PoolFilter(), sort, 1, 200)["items"]]
    with app.test_request_context(f"/projects/export.xlsx?sort={sort}"):
        count, chunks = pool_page.export_chunks()
        assert [row[-1] for row in rows_of(chunks)] == listed[:limit]
    assert count == min(limit, 3)
