"""The blank ledger template (.xlsx): the Chinese headers and one example row.

The example row is marked 示例 in its 序号 column; the import skips such rows,
so a bureau can fill the template in below it and upload it as it is.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from gxtrack.app.ledger.headers import label
from gxtrack.app.ledger.plan import EXAMPLE_MARK

TEMPLATE_FIELDS = (
    "name",
    "investor",
    "industry",
    "zone",
    "investment",
    "negotiating_on",
    "signed_on",
    "landed_on",
    "producing_on",
    "withdrawn_on",
    "withdraw_reason",
    "officer",
    "planned_signed",
    "planned_landed",
    "planned_producing",
    "priority",
    "land_area",
    "progress",
    "progress_on",
)
EXAMPLE = {
    "name": "【示例】工业机器人整机项目",
    "investor": "【示例】某某智能装备有限公司",
    "industry": "机器人与智能制造",
    "zone": "木渎镇",
    "investment": "12000",
    "negotiating_on": "2022-01-10",
    "signed_on": "2022-03-05",
    "landed_on": "2022-06-18",
    "priority": "区级重点",
    "land_area": "50",
    "progress": "厂房装修中（示例行，导入时自动跳过，可删除）",
    "progress_on": "2022-07-01",
}


def template_headers() -> list[str]:
    """The template's header row: 序号 then each field's Chinese name."""
    return ["序号", *(label(f) for f in TEMPLATE_FIELDS)]


def template_xlsx() -> bytes:
    """The template workbook as bytes."""
    book = Workbook()
    sheet = book.active
    sheet.title = "项目台账"
    sheet.append(template_headers())
    sheet.append([EXAMPLE_MARK, *(EXAMPLE.get(f) for f in TEMPLATE_FIELDS)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    grey = PatternFill("solid", fgColor="EEEEEE")
    for cell in sheet[2]:
        cell.fill = grey
        cell.font = Font(italic=True, color="666666")
    for column in sheet.columns:
        letter = column[0].column_letter
        sheet.column_dimensions[letter].width = max(10, len(str(column[0].value)) * 3)
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
