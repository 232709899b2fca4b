"""The re-review section of the leaders' weekly digest (称号复核提醒).

Designations in force whose validity ends within 90 days of the scan date need a
re-review (复核) before they lapse; the leaders' mail lists them in its text, its
HTML and as a second sheet of the attached workbook.
"""

from __future__ import annotations

from gxtrack.app.digest_section import DigestSection

REVIEW_DAYS = 90

REVIEWS = DigestSection(
    title="称号复核提醒",
    sheet="待复核称号",
    columns=(
        ("企业名称", "name"),
        ("统一社会信用代码", "uscc"),
        ("称号", "designation_label"),
        ("认定日期", "certified_on"),
        ("有效期至", "expires_on"),
        ("剩余天数", "days_left"),
        ("证书编号", "document_no"),
    ),
    intro=lambda rows: (
        f"以下 {len(rows)} 项称号将在 {REVIEW_DAYS} 天内到期，请安排复核："
    ),
    line=lambda r: (
        f"- {r['name']}｜{r['designation_label']}｜有效期至 {r['expires_on']}"
        f"（剩余 {r['days_left']} 天）"
    ),
)
