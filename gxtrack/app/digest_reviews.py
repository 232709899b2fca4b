"""The re-review section of the leaders' weekly digest (称号复核提醒).

Designations in force whose validity ends within 90 days of the scan date need a
re-review (复核) before they lapse; the leaders' mail lists them in its text, its
HTML and as a second sheet of the attached workbook.
"""

from __future__ import annotations

from html import escape
from typing import Any

REVIEW_DAYS = 90
REVIEW_COLUMNS = (
    ("企业名称", "name"),
    ("统一社会信用代码", "uscc"),
    ("称号", "designation_label"),
    ("认定日期", "certified_on"),
    ("有效期至", "expires_on"),
    ("剩余天数", "days_left"),
    ("证书编号", "document_no"),
)


def review_intro(reviews: list[dict[str, Any]]) -> str:
    """The section's first line."""
    return f"以下 {len(reviews)} 项称号将在 {REVIEW_DAYS} 天内到期，请安排复核："


def review_lines(reviews: list[dict[str, Any]]) -> list[str]:
    """The plain-text section (empty when nothing is due)."""
    if not reviews:
        return []
    lines = ["", "【称号复核提醒】" + review_intro(reviews)]
    for r in reviews:
        lines.append(
            f"- {r['name']}｜{r['designation_label']}｜有效期至 {r['expires_on']}"
            f"（剩余 {r['days_left']} 天）"
        )
    return lines


def review_html(reviews: list[dict[str, Any]]) -> str:
    """The HTML section, every value escaped (empty when nothing is due)."""
    if not reviews:
        return ""
    head = "".join(f"<th>{escape(title)}</th>" for title, _ in REVIEW_COLUMNS)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{escape(str(r.get(key) if r.get(key) is not None else ''))}</td>"
            for _, key in REVIEW_COLUMNS
        )
        + "</tr>"
        for r in reviews
    )
    return (
        f"<h3>称号复核提醒</h3><p>{escape(review_intro(reviews))}</p>"
        '<table border="1" cellpadding="4" cellspacing="0">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def add_review_sheet(book: Any, reviews: list[dict[str, Any]]) -> None:
    """A second sheet 待复核称号 in the digest workbook."""
    sheet = book.create_sheet("待复核称号")
    sheet.append([title for title, _ in REVIEW_COLUMNS])
    for r in reviews:
        sheet.append([r.get(key) for _, key in REVIEW_COLUMNS])
    sheet.freeze_panes = "A2"
