"""The detail tables' rows rendered column-wise (``dashboard/bulk.py``) against XlsxWriter's own path.

The same table written both ways must give the same sheet: the same XML rows and cells (styles,
types, values, heights), the same shared strings, the same dimension; a whole dashboard the same cells
read back with openpyxl; LibreOffice must read the rendered rows.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from xml.etree import ElementTree

import openpyxl
import pytest
import python_calamine as calamine
from factories import sample
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

import convention_xlsx.dashboard as dashboard
from convention_xlsx.dashboard import WORKBOOK_OPTIONS, write_dashboard
from convention_xlsx.dashboard.bulk import BulkWorksheet

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}

texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["", " espace devant", "fin ", "a\nb", "=1+1", "http://x.org", "<&>\"'", "\x01\x1f", "\ufffe", "😀" * 3])
numbers = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-10**12, 10**12).map(float)
cells = st.none() | texts | numbers


@st.composite
def tables(draw):
    width = draw(st.integers(1, 5))
    length = draw(st.integers(1, 12))
    columns = [draw(st.lists(cells, min_size=length, max_size=length)) for _ in range(width)]
    heights = draw(st.dictionaries(st.integers(0, length - 1), st.sampled_from([15, 28, 41.5]), max_size=3))
    return draw(st.integers(0, 5)), draw(st.integers(0, 3)), columns, heights


def write(bulk: bool, first_row: int, first_col: int, columns, heights) -> bytes:
    """A sheet with a title above the table, a note below it and a format per column."""
    out = io.BytesIO()
    wb = Workbook(out, {**WORKBOOK_OPTIONS, "in_memory": True})
    ws = wb.add_worksheet("Feuille", worksheet_class=BulkWorksheet if bulk else None)
    bold, date, wrap = wb.add_format({"bold": True}), wb.add_format({"num_format": "dd/mm/yyyy"}), \
        wb.add_format({"text_wrap": True})
    for fmt in (bold, date, wrap):  # one numbering of the formats in both files (else assigned in order of use)
        fmt._get_xf_index()
    formats = [date, wrap, None]
    for j in range(len(columns)):
        ws.set_column(first_col + j, first_col + j, 12, formats[j % 3])
    ws.write_string(0, 0, "Titre", bold)
    if bulk:
        ws.write_columns(first_row + 1, first_col, columns, heights)
    else:
        for i, record in enumerate(zip(*columns, strict=True)):
            ws.write_row(first_row + 1 + i, first_col, record)
        for i, height in heights.items():
            ws.set_row(first_row + 1 + i, height)
    ws.write_string(first_row + len(columns[0]) + 2, 0, "Note sous le tableau", bold)
    wb.close()
    return out.getvalue()


def sheet_rows(data: bytes) -> tuple[str, list]:
    """The dimension and each row's (number, height, cells) with each cell's attributes and content."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in root.iterfind("m:sheetData/m:row", NS):
        found = [(c.get("r"), c.get("s"), c.get("t"), c.findtext("m:v", None, NS), c.findtext("m:f", None, NS))
                 for c in row.iterfind("m:c", NS)]
        rows.append((row.get("r"), row.get("ht"), row.get("customHeight"), found))
    return root.find("m:dimension", NS).get("ref"), rows


def shared_strings(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in z.namelist() else b""


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_rendered_rows_are_the_rows_xlsxwriter_writes(table):
    plain, bulk = write(False, *table), write(True, *table)
    assert sheet_rows(bulk) == sheet_rows(plain)
    assert shared_strings(bulk) == shared_strings(plain)


def test_a_long_text_is_cut_where_xlsxwriter_cuts_it():
    columns = [["é" * 40_000, "😀" * 20_000, "x" * 32_767]]
    plain = write(False, 2, 0, columns, {})
    assert shared_strings(write(True, 2, 0, columns, {})) == shared_strings(plain)
    assert len(shared_strings(plain)) < 3 * 32_767 * 4  # XlsxWriter did cut them


def test_errors_and_numbers_read_back():
    values = [math.nan, math.inf, -math.inf, 1e308, -0.0, 3.0]
    data = write(True, 1, 0, [[None] * 6, [None] * 6, values], {})  # the third column has no number format
    sheet = openpyxl.load_workbook(io.BytesIO(data), data_only=True).active
    assert [row[0] for row in sheet.iter_rows(min_row=3, max_row=8, min_col=3, values_only=True)] == [
        "#NUM!", "#DIV/0!", "#DIV/0!", 1e308, 0, 3]


def test_a_cell_written_inside_a_block_is_refused():
    wb = Workbook(io.BytesIO(), {"in_memory": True})
    ws = wb.add_worksheet("F", worksheet_class=BulkWorksheet)
    ws.write_columns(1, 0, [["a", "b", "c"]])
    ws.write_string(2, 0, "écrit par-dessus")
    with pytest.raises(ValueError, match="row 3 written both"):
        wb.close()


def test_only_text_numbers_and_none():
    ws = Workbook(io.BytesIO(), {"in_memory": True}).add_worksheet("F", worksheet_class=BulkWorksheet)
    with pytest.raises(TypeError, match="bool"):
        ws.write_columns(0, 0, [[True]])
    with pytest.raises(ValueError, match="unequal"):
        ws.write_columns(0, 0, [["a"], ["b", "c"]])


# --------------------------------------------------------------------------- a whole dashboard


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The national sample's dashboard written with the detail rows rendered, and with XlsxWriter's path."""
    folder = tmp_path_factory.mktemp("bulk")
    cons = sample()
    rendered, plain = folder / "rendu.xlsx", folder / "xlsxwriter.xlsx"
    write_dashboard(cons, rendered)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dashboard, "BulkWorksheet", Worksheet)  # every sheet a plain XlsxWriter worksheet
        write_dashboard(cons, plain)
    return rendered, plain


def cells_and_heights(path):
    book = openpyxl.load_workbook(path)
    out = {}
    for ws in book.worksheets:
        out[ws.title] = ([(c.coordinate, c.value, c.number_format, c.font.b, c.alignment.wrap_text)
                          for row in ws.iter_rows() for c in row if c.value is not None],
                         {r: d.height for r, d in ws.row_dimensions.items() if d.height},
                         [t.ref for t in ws.tables.values()])
    return out


def test_a_whole_dashboard_reads_back_the_same(both):
    rendered, plain = both
    got, want = cells_and_heights(rendered), cells_and_heights(plain)
    assert list(got) == list(want)
    detail = [name for name in got if name in ("Actions", "Réunions", "Orientations")]
    assert detail and all(len(got[name][0]) > 100 for name in detail)  # the sample fills the detail sheets
    for name in want:
        assert got[name] == want[name], name


def test_libreoffice_reads_the_rendered_rows(both, soffice, tmp_path):
    from conftest import libreoffice_convert

    rendered, _ = both
    again = libreoffice_convert(rendered, "ods", tmp_path)
    ours, theirs = calamine.CalamineWorkbook.from_path(str(rendered)), calamine.CalamineWorkbook.from_path(str(again))
    for name in ("Actions", "Réunions", "Orientations"):
        want = [[v for v in row] for row in ours.get_sheet_by_name(name).to_python()]
        got = [[v for v in row] for row in theirs.get_sheet_by_name(name).to_python()]
        assert len(got) == len(want) > 20, name
        for a, b in zip(got, want, strict=True):
            assert [_plain(v) for v in a] == [_plain(v) for v in b], name


def _plain(value):
    """Compare a value across readers: LibreOffice's ods gives whole numbers as floats like xlsx does."""
    return re.sub(r"\s+", " ", value) if isinstance(value, str) else value
