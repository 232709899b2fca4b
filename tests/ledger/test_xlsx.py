"""The xlsx value reader on a workbook shaped like Excel's own output."""

from __future__ import annotations

import io
import zipfile

import pytest

from gxtrack.app.ledger.reading import LedgerFileError, read_table
from gxtrack.app.ledger.xlsx import Workbook, XlsxError, column_index

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
STRINGS = [
    "项目名称",
    "投资方",
    "产业类别",
    "落户板块",
    "总投资（万元）",
    "签约日期",
    "【示例】甲项目",
    "【示例】甲公司",
    "新一代信息技术",
    "木渎镇",
]


def excel_like() -> bytes:
    """Shared strings (one rich, one with phonetics), gaps, a formula, a date."""
    sis = "".join(f"<si><t>{s}</t></si>" for s in STRINGS[:-1])
    sis += f"<si><r><t>{STRINGS[-1][:2]}</t></r><r><t>{STRINGS[-1][2:]}</t></r>"
    sis += "<rPh sb='0' eb='1'><t>ム</t></rPh></si>"
    header = "".join(
        f'<c r="{col}1" t="s"><v>{i}</v></c>' for i, col in enumerate("ABCDEF")
    )
    data = (
        '<row r="3"><c r="A3" t="s"><v>6</v></c><c r="B3" t="s"><v>7</v></c>'
        '<c r="C3" t="s"><v>8</v></c><c r="D3" t="s"><v>9</v></c>'
        '<c r="E3"><f>1000*12</f><v>12000</v></c><c r="F3" s="1"><v>44625</v></c>'
        '<c r="H3" t="b"><v>1</v></c></row>'
    )
    sheet = (
        f'<worksheet {NS}><sheetData><row r="1">{header}</row>{data}</sheetData>'
        '<mergeCells count="1"><mergeCell ref="G1:H1"/></mergeCells></worksheet>'
    )
    files = {
        "xl/workbook.xml": f"<workbook {NS} {RNS}><sheets>"
        '<sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        'Target="worksheets/sheet1.xml" Type="worksheet"/></Relationships>',
        "xl/sharedStrings.xml": f"<sst {NS}>{sis}</sst>",
        "xl/worksheets/sheet1.xml": sheet,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_excel_like_workbook():
    book = Workbook(excel_like())
    assert book.sheetnames == ["台账"]
    rows, merges = book.read("台账")
    assert rows[0] == STRINGS[:6]
    assert rows[1] == []  # row 2 is absent from the XML: kept as a blank row
    assert rows[2] == [*STRINGS[6:], 12000, 44625, None, True]
    assert merges == [(0, 6, 0, 7)]


def test_table_from_excel_like_workbook_keeps_row_numbers():
    table = read_table(excel_like(), "台账.xlsx")
    assert table.header_row == 1
    assert [number for number, _ in table.rows] == [3]


def test_column_letters():
    assert [column_index(c) for c in ("A", "Z", "AA", "AZ", "BA")] == [
        0,
        25,
        26,
        51,
        52,
    ]


def test_not_a_workbook():
    with pytest.raises(XlsxError):
        Workbook(b"PK\x05\x06" + b"\0" * 18)
    with pytest.raises(LedgerFileError, match="不是有效的 xlsx"):
        read_table(b"not a zip", "a.xlsx")
