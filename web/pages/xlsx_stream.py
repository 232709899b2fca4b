"""A one-sheet .xlsx written as it is sent: header row in bold, frozen below it.

openpyxl builds every cell as an object and the whole workbook in memory
before the first byte goes out (~3k rows/s for the pool export). An export
needs one sheet of plain values, so the sheet's XML is written row by row into
a zip that is streamed as it grows: the download starts at once, the browser
shows it progressing, and memory stays flat. Text goes as inline strings,
numbers as numbers; Excel, LibreOffice and openpyxl read it.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import repeat
from typing import Any
from xml.sax.saxutils import escape

from gxtrack.app.reports.cells import FORMULA_STARTS, cell_value
from web.pages.export import column_chunks

ROWS_PER_CHUNK = 2000
# Characters XML 1.0 cannot carry at all (openpyxl refuses them too).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)  # fmt: skip
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)  # fmt: skip
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)  # fmt: skip
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)  # fmt: skip
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


class _Sink(io.RawIOBase):
    """Where the zip writes; what it wrote so far is taken and sent."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out = b"".join(self.chunks)
        self.chunks.clear()
        return out


_EPOCH = datetime(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug included)


def _cell(value: Any, style: str = "") -> str:
    # Dates and instants as the export layer has them (gxtrack/app/reports/
    # cells.py): real date cells in bureau time, like the openpyxl exports.
    value = cell_value(value) if not style else value
    if isinstance(value, datetime):
        serial = (value - _EPOCH).total_seconds() / 86400
        # Ten decimals: six rounded an instant to a fraction of a second off.
        return f'<c s="3"><v>{serial:.10f}</v></c>'
    if isinstance(value, date):
        return f'<c s="2"><v>{(value - _EPOCH.date()).days}</v></c>'
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"{style}><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f"<c{style}><v>{value}</v></c>"
    text = escape(_CONTROL.sub("", str(value)))
    return f'<c t="inlineStr"{style}><is><t xml:space="preserve">{text}</t></is></c>'


# Typed columns (`kinds`): the exporter knows what each column holds, so each
# cell is written by one small function, without cell_value()'s guessing (a
# regex per text cell) or the generic type tests: about 4× the rows a second.
_CONTROLS = {c: None for c in range(32) if chr(c) not in "\t\n\r"}
_FORMULA = frozenset(FORMULA_STARTS)
_EPOCH_ORDINAL = _EPOCH.toordinal()


def _text_cell(value: Any) -> str:
    if value is None or value == "":
        return "<c/>"
    text = value if type(value) is str else str(value)
    if text[0] in _FORMULA:  # inert in a spreadsheet, as cells.neutralise()
        text = "'" + text
    # Tested before changed: most text has nothing to escape, and a test is
    # cheaper than a copy (str.translate with a table is ten times slower).
    if not text.isprintable():
        text = text.translate(_CONTROLS)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _date_cell(value: Any) -> str:
    """A day (a date, or the read models' ISO text) as a real date cell."""
    if not value:
        return "<c/>"
    if type(value) is str:
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return _text_cell(value)
    if isinstance(value, datetime):
        return _cell(value)
    return f'<c s="2"><v>{value.toordinal() - _EPOCH_ORDINAL}</v></c>'


def _number_cell(value: Any) -> str:
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return _text_cell(value)
    return f"<c><v>{value}</v></c>"


CELL_WRITERS = {"text": _text_cell, "date": _date_cell, "number": _number_cell}

# A chunk of typed rows is written a column at a time: one test of a text
# column's joined values tells whether any cell needs escaping (most columns
# need none), a date column's repeated days are converted once, and the rows'
# cells are joined in one call. Per-cell calls were three quarters of the time.
# A column is given as the runs of text its cells are made of, laid side by
# side in the rows: a plain text column as its cells' start, its values as
# they are and its cells' end, so no cell is put together on its own.
_INLINE = '<c t="inlineStr"><is><t>'
_KEPT = '<c t="inlineStr"><is><t xml:space="preserve">'  # spaces at an end kept
_INLINE_END = "</t></is></c>"
_NUMBERS = frozenset((int, float, Decimal))
Runs = tuple[Sequence[str], ...]


def _text_column(values: Sequence[Any]) -> Runs:
    try:
        joined = "".join(values)
    except TypeError:  # blanks, or not all text
        values = [("" if v is None else v) for v in values]
        try:
            joined = "".join(values)
        except TypeError:  # not all text: each cell on its own
            return ([_text_cell(v) for v in values],)
    if "&" in joined or "<" in joined or ">" in joined or not joined.isprintable():
        return ([_text_cell(v) for v in values],)
    start = _KEPT if " " in joined else _INLINE
    n = len(values)
    if any(c in joined for c in FORMULA_STARTS) and any(
        map(str.startswith, values, repeat(FORMULA_STARTS, n))
    ):
        return ([_text_cell(v) if v and v[0] in _FORMULA else
                 (start + v + _INLINE_END if v else "<c/>") for v in values],)  # fmt: skip
    if "" in values:
        return ([start + v + _INLINE_END if v else "<c/>" for v in values],)
    return ([start] * n, values, [_INLINE_END] * n)


def _number_column(values: Sequence[Any]) -> Runs:
    if set(map(type, values)) <= _NUMBERS:  # every cell a number: no test each
        n = len(values)
        return (["<c><v>"] * n, list(map(str, values)), ["</v></c>"] * n)
    return (
        [f"<c><v>{v}</v></c>" if type(v) in _NUMBERS else _number_cell(v)
         for v in values],
    )  # fmt: skip


def _column_writer(kind: str) -> Callable[[Sequence[Any]], Runs]:
    """How one column of a chunk is written; a date column remembers its days."""
    if kind == "text":
        return _text_column
    if kind == "number":
        return _number_column
    if kind != "date":
        raise ValueError(f"unknown column kind: {kind}")
    seen: dict[Any, str] = {}  # this export's days: bounded by its rows

    def dates(values: Sequence[Any]) -> Runs:
        return (
            [seen[v] if v in seen else seen.setdefault(v, _date_cell(v))
             for v in values],
        )  # fmt: skip

    return dates


def _typed_chunk(
    writers: list[Callable[[Sequence[Any]], Runs]],
    columns: Sequence[Sequence[Any]],
) -> str:
    """The XML of some rows given as their columns, written column by column."""
    if not columns or not len(columns[0]):
        return ""
    runs = [
        run
        for write, column in zip(writers, columns, strict=True)
        for run in write(column)
    ]
    n, width = len(columns[0]), len(runs) + 2
    # The runs laid out row by row (by slices, in C) and joined in one call.
    flat = ["<row>"] * (n * width)
    for at, run in enumerate(runs, 1):
        flat[at::width] = run
    flat[width - 1 :: width] = ["</row>"] * n
    return "".join(flat)


def _widths(headers: list[str]) -> str:
    cols = "".join(
        f'<col min="{n}" max="{n}" width="{max(10, len(h) * 2 + 2)}" customWidth="1"/>'
        for n, h in enumerate(headers, start=1)
    )
    return f"<cols>{cols}</cols>"


def stream_xlsx(
    title: str,
    headers: list[str],
    rows: Iterable[Sequence[Any]],
    kinds: list[str] | None = None,
) -> Iterator[bytes]:
    """The workbook's bytes, a chunk every ROWS_PER_CHUNK rows.

    `kinds` ("text", "date", "number" per column) writes each column's cells
    by its kind; without it every cell is judged by its value (cell_value).
    """
    chunks = column_chunks(rows, ROWS_PER_CHUNK)
    return stream_xlsx_columns(title, headers, chunks, kinds)


def stream_xlsx_columns(
    title: str,
    headers: list[str],
    chunks: Iterable[Sequence[Sequence[Any]]],
    kinds: list[str] | None = None,
) -> Iterator[bytes]:
    """stream_xlsx() for rows given a chunk at a time as columns (a piece each)."""
    if kinds is None:

        def to_xml(columns: Sequence[Sequence[Any]]) -> str:
            return "".join(map(_generic_row, zip(*columns, strict=True)))

    else:
        writers = [_column_writer(kind) for kind in kinds]

        def to_xml(columns: Sequence[Sequence[Any]]) -> str:
            return _typed_chunk(writers, columns)

    sink = _Sink()
    name = escape(title[:31], {'"': "&quot;"})
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _RELS)
        book.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook {_NS} {_R_NS}><sheets><sheet name="{name}" sheetId="1"'
            ' r:id="rId1"/></sheets></workbook>',
        )
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/styles.xml", _STYLES)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            head = "".join(_cell(h, ' s="1"') for h in headers)
            sheet.write(
                (
                    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    f'<worksheet {_NS}><sheetViews><sheetView workbookViewId="0">'
                    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft"'
                    ' state="frozen"/></sheetView></sheetViews>'
                    f"{_widths(headers)}<sheetData><row>{head}</row>"
                ).encode()
            )
            for chunk in chunks:
                sheet.write(to_xml(chunk).encode())
                yield sink.take()
            sheet.write(b"</sheetData></worksheet>")
    yield sink.take()


def _generic_row(row: Sequence[Any]) -> str:
    return "<row>" + "".join(map(_cell, row)) + "</row>"
