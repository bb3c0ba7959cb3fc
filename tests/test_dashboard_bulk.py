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
    """One or two blocks (first row, first column, columns, heights), a row or more apart."""
    title = draw(st.booleans())
    blocks, row = [], draw(st.integers(1 if title else 0, 4))
    for _ in range(draw(st.integers(1, 2))):
        width, length = draw(st.integers(1, 5)), draw(st.integers(1, 12))
        columns = [draw(st.lists(cells, min_size=length, max_size=length)) for _ in range(width)]
        heights = draw(st.dictionaries(st.integers(0, length - 1), st.sampled_from([15, 28, 41.5]), max_size=3))
        blocks.append((row, draw(st.integers(0, 3)), columns, heights))
        row += length + draw(st.integers(1, 3))
    return title, blocks


def write(bulk: bool, title: bool, blocks) -> bytes:
    """A sheet with (or not) a title in row 1, blocks of columns with a note under each."""
    out = io.BytesIO()
    wb = Workbook(out, {**WORKBOOK_OPTIONS, "in_memory": True})
    ws = wb.add_worksheet("Feuille", worksheet_class=BulkWorksheet if bulk else None)
    bold, date, wrap = wb.add_format({"bold": True}), wb.add_format({"num_format": "dd/mm/yyyy"}), \
        wb.add_format({"text_wrap": True})
    for fmt in (bold, date, wrap):  # one numbering of the formats in both files (else assigned in order of use)
        fmt._get_xf_index()
    for col in range(6):  # a format or None set on the first six columns, none set on the others
        ws.set_column(col, col, 12, (date, wrap, None)[col % 3])
    if title:
        ws.write_string(0, 7, "Titre", bold)
    for first_row, first_col, columns, heights in blocks:
        if bulk:
            ws.write_columns(first_row, first_col, columns, heights)
        else:
            for i, record in enumerate(zip(*columns, strict=True)):
                ws.write_row(first_row + i, first_col, record)
            for i, height in heights.items():
                ws.set_row(first_row + i, height)
        ws.write_string(first_row + len(columns[0]), 0, "Note sous le tableau", bold)
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
    columns = [["é" * 40_000, "😀" * 20_000, "x" * 32_767, "y" * 16_383 + "😀"]]
    plain, bulk = write(False, False, [(2, 0, columns, {})]), write(True, False, [(2, 0, columns, {})])
    assert shared_strings(bulk) == shared_strings(plain)
    texts = [t.text for t in ElementTree.fromstring(shared_strings(bulk)).iterfind("m:si/m:t", NS)]
    assert [len(t.encode("utf-16-le")) // 2 for t in texts[:4]] == [32_767, 32_766, 32_767, 16_385]  # then the note


def test_errors_and_numbers_read_back():
    values = [math.nan, math.inf, -math.inf, 1e308, -0.0, 3.0]
    data = write(True, False, [(2, 0, [[None] * 6, [None] * 6, values], {})])  # the third column: no number format
    sheet = openpyxl.load_workbook(io.BytesIO(data), data_only=True).active
    assert [row[0] for row in sheet.iter_rows(min_row=3, max_row=8, min_col=3, values_only=True)] == [
        "#NUM!", "#DIV/0!", "#DIV/0!", 1e308, 0, 3]


def bulk_sheet(path, options: dict | None = None) -> tuple[Workbook, BulkWorksheet]:
    wb = Workbook(str(path / "f.xlsx"), WORKBOOK_OPTIONS if options is None else options)
    return wb, wb.add_worksheet("F", worksheet_class=BulkWorksheet)


def test_a_cell_written_inside_a_block_is_refused(tmp_path):
    wb, ws = bulk_sheet(tmp_path)
    ws.write_columns(1, 0, [["a", "b", "c"]])
    ws.write_string(2, 0, "écrit par-dessus")
    with pytest.raises(ValueError, match="row 3 written both"):
        wb.close()


@pytest.mark.parametrize("height", [None, 30])
def test_a_row_format_inside_a_block_is_refused(height, tmp_path):
    wb, ws = bulk_sheet(tmp_path)
    ws.write_columns(1, 0, [["a", "b", "c"]], {1: height} if height else {})
    ws.set_row(2, 30, wb.add_format({"bold": True}))
    with pytest.raises(ValueError, match="row 3 written both"):
        wb.close()


def test_a_column_format_changed_after_its_cells_is_refused(tmp_path):
    wb, ws = bulk_sheet(tmp_path)
    ws.write_columns(1, 0, [["a", "b"]])
    ws.set_column(0, 0, 20, wb.add_format({"bold": True}))
    with pytest.raises(ValueError, match="column A changed"):
        wb.close()


def test_only_text_numbers_and_none_under_the_dashboard_options(tmp_path):
    ws = bulk_sheet(tmp_path)[1]
    with pytest.raises(TypeError, match="bool"):
        ws.write_columns(0, 0, [[True]])
    with pytest.raises(ValueError, match="unequal"):
        ws.write_columns(0, 0, [["a"], ["b", "c"]])
    with pytest.raises(ValueError, match="options"):  # XlsxWriter's defaults turn « =1+1 » into a formula
        bulk_sheet(tmp_path, {})[1].write_columns(0, 0, [["=1+1"]])


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
    with zipfile.ZipFile(plain) as z:  # the plain file did take XlsxWriter's write_row (its rows have spans)
        names = z.namelist()
        assert all(b"spans=" in z.read(n) for n in names if n.startswith("xl/worksheets/sheet"))
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
        want = ours.get_sheet_by_name(name).to_python()
        got = theirs.get_sheet_by_name(name).to_python()
        assert len(got) == len(want) > 20, name
        for a, b in zip(got, want, strict=True):
            assert [_spaced(v) for v in a] == [_spaced(v) for v in b], name


def _spaced(value):
    """A text with its runs of spaces and line breaks as one space (LibreOffice's ods may rewrite them)."""
    return re.sub(r"\s+", " ", value) if isinstance(value, str) else value


@given(st.lists(st.none() | st.text(st.sampled_from("ab \n"), max_size=30), max_size=20), st.text(max_size=20))
def test_a_fitted_width_shows_the_longest_line(values, header):
    from convention_xlsx.dashboard.detail import fitted_width

    lines = [len(line) for v in values if v is not None for line in v.split("\n")]
    word = max((len(w) + 0.5 * sum(c in "mwMW" for c in w) for w in header.split()), default=4) + 2
    assert fitted_width(header, values, "text") == min(50, max(8, word, max(lines, default=0) + 1))
