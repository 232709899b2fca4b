"""The 超期督办 section of the leaders' weekly digest.

Every 督办 not closed whose due date lies before the scan date is listed in the
leaders' mail: in its text, its HTML and as a sheet of the attached workbook.
"""

from __future__ import annotations

from html import escape
from typing import Any

OVERDUE_COLUMNS = (
    ("督办编号", "number"),
    ("项目名称", "project_name"),
    ("责任人", "officer"),
    ("牵头单位", "lead_unit"),
    ("办理期限", "due_on"),
    ("超期天数", "days_late"),
    ("状态", "status_label"),
)


def overdue_rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The overdue 督办 with how many days late each is."""
    return [{**i, "days_late": -i["days_left"]} for i in items]


def overdue_lines(items: list[dict[str, Any]]) -> list[str]:
    """The plain-text section (empty when nothing is overdue)."""
    if not items:
        return []
    lines = ["", f"【超期督办】以下 {len(items)} 件督办已超过办理期限："]
    for i in items:
        lines.append(
            f"- {i['number']}｜{i['project_name']}｜责任人 {i['officer']}"
            f"｜期限 {i['due_on']}（超期 {i['days_late']} 天）｜{i['status_label']}"
        )
    return lines


def overdue_html(items: list[dict[str, Any]]) -> str:
    """The HTML section, every value escaped (empty when nothing is overdue)."""
    if not items:
        return ""
    head = "".join(f"<th>{escape(t)}</th>" for t, _ in OVERDUE_COLUMNS)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{escape(str(i.get(k) if i.get(k) is not None else ''))}</td>"
            for _, k in OVERDUE_COLUMNS
        )
        + "</tr>"
        for i in items
    )
    return (
        f"<h3>超期督办</h3><p>以下 {len(items)} 件督办已超过办理期限：</p>"
        '<table border="1" cellpadding="4" cellspacing="0">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def add_overdue_sheet(book: Any, items: list[dict[str, Any]]) -> None:
    """A sheet 超期督办 in the digest workbook."""
    sheet = book.create_sheet("超期督办")
    sheet.append([t for t, _ in OVERDUE_COLUMNS])
    for i in items:
        sheet.append([i.get(k) for _, k in OVERDUE_COLUMNS])
    sheet.freeze_panes = "A2"
