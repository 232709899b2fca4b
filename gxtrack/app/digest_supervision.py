"""The 超期督办 section of the leaders' weekly digest.

Every 督办 not closed whose due date lies before the scan date is listed in the
leaders' mail: in its text, its HTML and as a sheet of the attached workbook.
"""

from __future__ import annotations

from typing import Any

from gxtrack.app.digest_section import DigestSection

OVERDUE = DigestSection(
    title="超期督办",
    sheet="超期督办",
    columns=(
        ("督办编号", "number"),
        ("项目名称", "project_name"),
        ("责任人", "officer"),
        ("牵头单位", "lead_unit"),
        ("办理期限", "due_on"),
        ("超期天数", "days_late"),
        ("状态", "status_label"),
    ),
    intro=lambda rows: f"以下 {len(rows)} 件督办已超过办理期限：",
    line=lambda i: (
        f"- {i['number']}｜{i['project_name']}｜责任人 {i['officer']}"
        f"｜期限 {i['due_on']}（超期 {i['days_late']} 天）｜{i['status_label']}"
    ),
)


def overdue_rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The overdue 督办 with how many days late each is."""
    return [{**i, "days_late": -i["days_left"]} for i in items]
