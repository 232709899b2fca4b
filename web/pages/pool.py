"""The project pool: filters, search, sort, paging, and .xlsx / .csv exports."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, render_template, request

from domain.agreement import LISTS, STATUS_LABELS
from domain.clock import BUREAU_TZ, today
from domain.designations import LADDER
from domain.errors import RuleViolationError
from domain.stages import Priority, Stage
from gxtrack.app.reports.cells import attachment
from gxtrack.readmodels.pool.exports import all_projects, export_tuples
from gxtrack.readmodels.pool.queries import (
    LOOKUP_CHUNK,
    SORTS,
    PoolFilter,
    list_projects,
)
from gxtrack.readmodels.users.queries import responsible_names
from web.i18n import N_, priority_label, stage_label
from web.pages import export
from web.pages.common import (
    args_without,
    parse_date,
    parse_int,
    people,
    reference,
    register_page_errors,
    runtime,
)
from web.pages.xlsx_stream import stream_xlsx_columns

bp = Blueprint("page_pool", __name__)
register_page_errors(bp)

PAGE_SIZES = (20, 50, 100, 200)
CSV = "text/csv; charset=utf-8"
EXPORT_LIMIT = 20000
STALL_LABELS = {"yellow": N_("黄色预警"), "red": N_("红色预警")}


def pool_filter() -> PoolFilter:
    """The filter from the query string; unknown values are 422s naming the field."""
    args = request.args
    stalled = {"true": True, "false": False, "": None}.get(args.get("stalled", ""))
    if args.get("stalled", "") not in ("true", "false", ""):
        raise RuleViolationError("stalled 只能是 true 或 false", "stalled")
    return PoolFilter(
        stage=args.get("stage") or None,
        industry=args.get("industry") or None,
        zone=args.get("zone") or None,
        officer=args.get("officer") or None,
        stalled=stalled,
        q=(args.get("q") or "").strip() or None,
        as_of=parse_date(args.get("as_of"), "as_of", required=False),
        tier=args.get("tier") or None,
        overdue_node={"true": True, "false": False}.get(args.get("overdue_node", "")),
        ids=_compliance_ids(args.get("compliance"), args.get("compliance_list")),
    )


def _compliance_ids(status: str | None, listed: str | None) -> list[str]:
    """履约: the projects with this status or on this list ("-" matches none)."""
    if not status and not listed:
        return []
    if status not in (None, "", *STATUS_LABELS) or listed not in (None, "", *LISTS):
        raise RuleViolationError("未知的履约状态或清单", "compliance")
    items = runtime().app.compliance_items(status or None, listed or None)
    return [i["id"] for i in items] or ["-"]


def officers() -> list[str]:
    """Names of everyone who can be responsible for a project."""
    return responsible_names(runtime().db)


@bp.get("/projects")
def index() -> Any:
    """One page of the pool."""
    f = pool_filter()
    sort = request.args.get("sort") or "-updated"
    page = parse_int(request.args.get("page"), "page")
    size = parse_int(request.args.get("page_size"), "page_size")
    page = 1 if page is None else page
    size = 50 if size is None else size
    result = list_projects(
        runtime().db, f, sort, page, size, terms_for=runtime().app.stall_terms_on
    )
    if f.as_of is not None:  # nodes and investment as known on that day
        runtime().app.with_as_of_facts(result["items"], f.as_of)
    pages = max(1, -(-result["total"] // size))
    return render_template(
        "pool.html",
        f=f,
        result=result,
        sort=sort,
        sorts=SORTS,
        page=page,
        pages=pages,
        page_size=size,
        page_sizes=PAGE_SIZES,
        officers=officers(),
        ref=reference(),
        args_without=args_without,
        stall_labels=STALL_LABELS,
        ladder=LADDER,
    )


def export_columns() -> list[export.Column]:
    """The exported columns, headed in Chinese (kinds: EXPORT_KINDS).

    The labels are looked up once per export, not per row: a streamed export
    writes its rows after the view returns, outside the request's context, and
    per-row translation was a fifth of the time.
    """
    ref = reference()
    stages = {s.value: stage_label(s.value) for s in Stage}
    priorities = {p.value: priority_label(p.value) for p in Priority}
    names = people()
    return [
        ("项目名称", lambda p: p["name"]),
        ("投资方", lambda p: p["investor"]),
        ("产业类别", lambda p: ref.industries.get(p["industry"], p["industry"])),
        ("落户板块", lambda p: ref.zones.get(p["zone"], p["zone"])),
        ("总投资（万元）", lambda p: export.decimal_or_text(p["planned_investment"])),
        ("当前阶段", lambda p: stages.get(p["stage"], p["stage"] or "")),
        ("阶段日期", lambda p: p["stage_date"]),
        ("签约日期", lambda p: p["stage_dates"].get("signed")),
        ("开工日期", lambda p: p["stage_dates"].get("landed")),
        ("投产日期", lambda p: p["stage_dates"].get("producing")),
        ("责任人", lambda p: names(p["officer"])),
        ("重点级别", lambda p: priorities.get(p["priority"], p["priority"] or "")),
        ("停滞预警", lambda p: STALL_LABELS.get((p["stall"] or {}).get("level"), "")),
        ("最近推进情况", lambda p: (p["last_progress"] or {}).get("note", "")),
        ("项目编号", lambda p: p["id"]),
        *(AS_OF_COLUMNS if pool_filter().as_of else []),
    ]


# What each export column holds, for the streamed .xlsx (xlsx_stream.CELL_WRITERS).
EXPORT_KINDS = ["text"] * 4 + ["number", "text"] + ["date"] * 4 + ["text"] * 5
# As of a day, the export also shows what the page does then: the completed
# investment and the nodes as known at the end of that day.
AS_OF_COLUMNS: list[export.Column] = [
    (
        "累计完成投资（万元）",
        lambda p: export.decimal_or_text(p["completed_investment"]),
    ),
    ("逾期节点数", lambda p: p["overdue_nodes"]),
    ("待办节点", lambda p: (p["next_node"] or {}).get("name", "")),
    ("待办节点计划日期", lambda p: (p["next_node"] or {}).get("planned_on")),
]
AS_OF_KINDS = ["number", "number", "text", "date"]


def export_kinds() -> list[str]:
    """EXPORT_KINDS, and the as-of columns' kinds when the export is as of a day."""
    return EXPORT_KINDS + (AS_OF_KINDS if pool_filter().as_of else [])


EXPORT_CHUNK_ROWS = 2000  # rows shaped and sent at a time (a piece of the file)


def export_chunks() -> tuple[int, Iterator[list[Sequence[Any]]]]:
    """How many rows the export has, and its rows EXPORT_CHUNK_ROWS at a time,
    each chunk given as its columns: the cells export_columns() makes.

    The same cells as the columns' getters give (a test holds the two to it),
    made a column at a time from bare tuples: a label is looked up once per
    code in the export, not once a cell. Chunks are made as the file is
    sent, so the labels are looked up here, in the request.
    """
    if pool_filter().as_of is not None:
        # Each row with its nodes and investment as known then: the items the
        # page shows, made into the columns' cells.
        items = all_rows()
        getters = [get for _, get in export_columns()]

        def as_of_chunks() -> Iterator[list[Sequence[Any]]]:
            for start in range(0, len(items), EXPORT_CHUNK_ROWS):
                part = items[start : start + EXPORT_CHUNK_ROWS]
                yield [[get(i) for i in part] for get in getters]

        return len(items), as_of_chunks()
    ref = reference()
    industries, zones = ref.industries, ref.zones
    stages = {s.value: stage_label(s.value) for s in Stage}
    priorities = {p.value: priority_label(p.value) for p in Priority}
    names = people()
    sort = request.args.get("sort") or "-updated"
    found = export_tuples(runtime().db, pool_filter(), sort, EXPORT_LIMIT)
    stage_of = _labelled(lambda v: stages.get(v, v or ""))
    officer_of = _labelled(names)
    priority_of = _labelled(lambda v: priorities.get(v, v or ""))
    stall_of = _labelled(lambda v: STALL_LABELS.get(v, ""))

    def shaped(part: list[tuple[Any, ...]]) -> list[Sequence[Any]]:
        (
            name, investor, industry, zone, investment, stage, day, signed,
            landed, producing, officer, priority, stall, noted_on, note, pid,
        ) = zip(*part, strict=True)  # fmt: skip
        return [
            name,
            investor,
            list(map(industries.get, industry, industry)),
            list(map(zones.get, zone, zone)),
            in_wan(investment),
            stage_of(stage),
            day,
            signed,
            landed,
            producing,
            officer_of(officer),
            priority_of(priority),
            stall_of(stall),
            [n if on else "" for on, n in zip(noted_on, note, strict=True)],
            pid,
        ]

    def chunks() -> Iterator[list[Sequence[Any]]]:
        for start in range(0, len(found), EXPORT_CHUNK_ROWS):
            yield shaped(found[start : start + EXPORT_CHUNK_ROWS])

    return len(found), chunks()


_WAN = Decimal(10000)


def in_wan(amounts: Sequence[int | None]) -> list[Decimal]:
    """Whole 元 as exact 万元 numbers: each the Decimal of to_wan()'s text (a
    test holds the two to it), at a fifth of the cost of making and parsing it."""
    return [Decimal(v or 0) / _WAN for v in amounts]


def _labelled(label: Callable[[Any], Any]) -> Callable[[Sequence[Any]], list[Any]]:
    """A column's values as labels, each distinct value labelled once."""
    seen: dict[Any, Any] = {}

    def labels(values: Sequence[Any]) -> list[Any]:
        for value in set(values).difference(seen):
            seen[value] = label(value)
        return list(map(seen.__getitem__, values))

    return labels


def all_rows() -> list[dict[str, Any]]:
    """Every project the export's filter matches (up to EXPORT_LIMIT); as of a
    day, with their nodes and investment as known then (as the page)."""
    sort = request.args.get("sort") or "-updated"
    f = pool_filter()
    items = all_projects(runtime().db, f, sort, EXPORT_LIMIT)
    if f.as_of is not None:
        for start in range(0, len(items), LOOKUP_CHUNK):
            runtime().app.with_as_of_facts(items[start : start + LOOKUP_CHUNK], f.as_of)
    return items


def pool_download(body: Any, kind: str, mimetype: str) -> Response:
    """An export as an attachment named by today's date and time."""
    stamp = datetime.now(BUREAU_TZ).strftime("%Y%m%d-%H%M")
    name = f"项目池-{today().isoformat()}-{stamp}.{kind}"
    fallback = f"project-pool-{today().isoformat()}-{stamp}.{kind}"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": attachment(name, fallback)},
    )


@bp.get("/projects/export.xlsx")
def export_xlsx() -> Response:
    """Every matching project as an Excel workbook."""
    headers = [header for header, _ in export_columns()]
    _count, chunks = export_chunks()
    # Streamed as it is written (web/pages/xlsx_stream.py): the download
    # starts at once and shows its progress.
    return pool_download(
        stream_xlsx_columns("项目池", headers, chunks, export_kinds()),
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@bp.get("/projects/export.csv")
def export_csv() -> Response:
    """Every matching project as CSV (UTF-8 with BOM), streamed as it is written."""
    headers = [header for header, _ in export_columns()]
    _count, chunks = export_chunks()
    return pool_download(export.stream_csv_columns(headers, chunks), "csv", CSV)
