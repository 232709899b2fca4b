"""One digest section writes its text, HTML and sheet from one definition."""

from __future__ import annotations

from openpyxl import Workbook

from gxtrack.app.digest_section import DigestSection

SECTION = DigestSection(
    title="测试分节",
    sheet="测试表",
    columns=(("名称", "name"), ("天数", "days")),
    intro=lambda rows: f"共 {len(rows)} 项：",
    line=lambda r: f"- {r['name']}（{r['days']} 天）",
)
ROWS = [{"name": "<b>甲</b>", "days": 3}, {"name": "乙", "days": None}]


def test_an_empty_section_writes_nothing_in_text_or_html() -> None:
    assert SECTION.lines([]) == []
    assert SECTION.html([]) == ""


def test_text_has_the_title_intro_and_a_line_per_row() -> None:
    assert SECTION.lines(ROWS) == [
        "",
        "【测试分节】共 2 项：",
        "- <b>甲</b>（3 天）",
        "- 乙（None 天）",
    ]


def test_html_escapes_every_value_and_leaves_missing_cells_empty() -> None:
    html = SECTION.html(ROWS)
    assert "<h3>测试分节</h3><p>共 2 项：</p>" in html
    assert "&lt;b&gt;甲&lt;/b&gt;" in html and "<b>甲" not in html
    assert "<td>乙</td><td></td>" in html


def test_the_sheet_has_the_headers_frozen_and_a_row_each() -> None:
    book = Workbook()
    SECTION.add_sheet(book, ROWS)
    sheet = book["测试表"]
    assert list(sheet.iter_rows(values_only=True)) == [
        ("名称", "天数"),
        ("<b>甲</b>", 3),
        ("乙", None),
    ]
    assert sheet.freeze_panes == "A2"
