"""Long tables written column-wise straight into the sheet's XML, beside XlsxWriter's own cells.

At national scale the detail tables hold 95 % of the dashboard's cells (≈ 540,000 at 1,000 workbooks).
XlsxWriter's general cell path costs about 13 µs a cell: ``write_row`` makes a cell object per value
and stores it in a dict (type dispatch, bounds and string checks), then ``close`` turns each back into
XML (reference, style looked up, every attribute escaped). A table's columns are each of one kind,
already converted (:func:`.detail.cell_values`: text, float or None), so its rows can be rendered in
one pass at about 1 µs a cell.

:class:`BulkWorksheet` is XlsxWriter's worksheet (``add_worksheet(name, worksheet_class=...)``) with
one more method, :meth:`~BulkWorksheet.write_columns`. Under the dashboard's workbook options (no
string turned into a formula, a link or a number; NaN and infinities as error cells; not
``constant_memory``: ``write_columns`` refuses other options) it gives the cells ``write_row`` gives:
text through the workbook's shared-string table, numbered row by row (the same ``t="s"`` cells, so XML
escaping stays XlsxWriter's) and cut as XlsxWriter cuts it, numbers as ``{:.16G}``, the column's format
as the cell's style, None and ``""`` left out, NaN and infinities as XlsxWriter's error cells, row
heights through ``set_row``, the same dimension. Only the rows' optional ``spans`` hint is left out.
The rows are spliced into ``<sheetData>`` between the rows XlsxWriter writes itself, above and below
the block (a title, a grid, a table's header, notes under it). A cell or a row format that XlsxWriter
would write inside a block, or a column's format changed after its cells were rendered, is a programming
error, refused when the workbook is closed rather than written wrong. What reads a sheet's cells back
before ``close`` (``autofit``, a chart's cached data) does not see a block's: the detail sheets use neither.

It leans on XlsxWriter 3.3's internals, hence the ``XlsxWriter>=3.3,<3.4`` requirement: the
worksheet's ``_write_sheet_data``, ``_write_rows`` (which writes the rows of ``dim_rowmin``..
``dim_rowmax``), ``_write_row``/``_write_empty_row`` (row, spans, row info), ``_check_dimensions``,
``_xml_start_tag``/``_xml_end_tag`` and ``fh``; its ``table``, ``row_info`` (``RowInfo``) and
``col_info`` (``ColumnInfo.column_format``); ``xls_rowmax``/``xls_colmax``; the options
``strings_to_*``, ``nan_inf_to_errors``, ``constant_memory``; ``Format._get_xf_index`` and the
shared-string table's ``_get_shared_string_index``. ``tests/test_dashboard_bulk.py`` writes the same
tables both ways and compares the sheet's XML rows and cells, the shared strings and a whole dashboard
read back, so an XlsxWriter release that changed them fails there first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

MAX_STRING = 32767
"""Excel's limit on a cell's text, in UTF-16 code units (XlsxWriter 3.3 cuts a text to it, so do we)."""


class BulkWorksheet(Worksheet):
    """A worksheet that also takes whole tables column-wise (see the module's docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self._blocks: list[tuple[int, int, dict[int, str]]] = []  # (first row, last row, row → its <c> elements)
        self._heights: set[int] = set()  # the rows whose height write_columns set
        self._styled: dict[int, object] = {}  # column → the format its rendered cells carry

    def write_columns(self, first_row: int, first_col: int, columns: Sequence[Sequence[str | float | None]],
                      heights: Mapping[int, float] | None = None) -> None:
        """Write ``columns[j][i]`` at (``first_row + i``, ``first_col + j``), each cell styled by its column's
        format (``set_column`` first, as for ``write_row``). ``heights``: row offset → height in points."""
        rows = max((len(c) for c in columns), default=0)
        if rows == 0 or not columns:
            return
        if any(len(c) != rows for c in columns):
            raise ValueError("write_columns: columns of unequal length")
        last_row, last_col = first_row + rows - 1, first_col + len(columns) - 1
        if first_row < 0 or first_col < 0 or last_row >= self.xls_rowmax or last_col >= self.xls_colmax:
            raise ValueError(f"write_columns: rows {first_row + 1}–{last_row + 1} fall outside the sheet")
        if any(not (last_row < a or first_row > b) for a, b, _ in self._blocks):
            raise ValueError("write_columns: blocks overlap")
        if self.strings_to_formulas or self.strings_to_urls or self.strings_to_numbers or not self.nan_inf_to_errors \
                or self.constant_memory:
            raise ValueError("write_columns: the workbook's options must be the dashboard's (WORKBOOK_OPTIONS)")
        cells = [self._column_cells(first_col + j, column) for j, column in enumerate(columns)]
        index = self.str_table._get_shared_string_index  # row by row, as write_row numbers the strings
        rendered: dict[int, str] = {}
        for offset, row_cells in enumerate(zip(*cells, strict=True)):
            number = first_row + offset + 1
            row = "".join([cell % number if cell.__class__ is str else cell[0] % (number, index(cell[1]))
                           for cell in row_cells if cell is not None])
            if row:  # a row of empty cells is no row, as XlsxWriter writes it
                rendered[number - 1] = row
        if rendered:  # the dimension XlsxWriter's writes would leave: its extremes are the extreme cells
            used = [first_col + j for j, column in enumerate(cells) if any(c is not None for c in column)]
            self._check_dimensions(min(rendered), used[0])
            self._check_dimensions(max(rendered), used[-1])
        for offset, height in sorted((heights or {}).items()):  # XlsxWriter's own rows: its units and rounding
            if 0 <= offset < rows:
                self.set_row(first_row + offset, height)
                self._heights.add(first_row + offset)
        self._blocks.append((first_row, last_row, rendered))
        self._blocks.sort(key=lambda block: block[0])

    def _column_cells(self, col: int, values: Sequence[str | float | None]) -> list[str | tuple[str, str] | None]:
        """Each value's ``<c>`` element with ``%d`` for its row number; for a text, the element with
        ``%d`` for its shared string's index too, and the text (None: no cell)."""
        info = self.col_info.get(col)
        fmt = info.column_format if info is not None else None
        if self._styled.get(col, fmt) is not fmt:
            raise ValueError(f"write_columns: column {xl_col_to_name(col)} has changed format since its last block")
        self._styled[col] = fmt
        style = f' s="{fmt._get_xf_index()}"' if fmt is not None else ""
        ref = xl_col_to_name(col)
        text = f'<c r="{ref}%d"{style} t="s"><v>%d</v></c>'
        number = f'<c r="{ref}%d"{style}><v>{{:.16G}}</v></c>'
        error = f'<c r="{ref}%d"{style} t="e"><f>{{}}</f><v>{{}}</v></c>'
        cells: list[str | tuple[str, str] | None] = []
        for value in values:
            kind = value.__class__
            if value is None or value == "":
                cells.append(None)
            elif kind is str:
                cells.append((text, _within_limit(value)))
            elif kind is float or kind is int:
                if math.isfinite(value):
                    cells.append(number.format(value))
                else:  # what the workbook's nan_inf_to_errors option writes
                    formula, shown = ("#NUM!", "#NUM!") if math.isnan(value) else (
                        ("1/0", "#DIV/0!") if value > 0 else ("-1/0", "#DIV/0!"))
                    cells.append(error.format(formula, shown))
            else:
                raise TypeError(f"write_columns: {kind.__name__} is not text, a number or None")
        return cells

    def _write_sheet_data(self) -> None:
        if not self._blocks or self.dim_rowmin is None:
            super()._write_sheet_data()
            return
        own_rows = self.row_info
        for col, fmt in self._styled.items():  # a cell takes its column's format as it is at close
            info = self.col_info.get(col)
            if (info.column_format if info is not None else None) is not fmt:
                raise ValueError(f"sheet {self.name!r}: the format of column {xl_col_to_name(col)} changed after "
                                 "write_columns")
        for first, last, _ in self._blocks:
            clash = next((r for r in range(first, last + 1) if self.table.get(r) or (
                r in own_rows and (r not in self._heights or own_rows[r].row_format is not None))), None)
            if clash is not None:
                raise ValueError(f"sheet {self.name!r}: row {clash + 1} written both by XlsxWriter and by "
                                 "write_columns")
        low, high = self.dim_rowmin, self.dim_rowmax
        self._xml_start_tag("sheetData")
        start = low
        try:
            for first, last, rendered in self._blocks:
                self._own_rows(start, first - 1)
                self._block_rows(first, last, rendered, own_rows)
                start = last + 1
            self._own_rows(start, high)
        finally:
            self.dim_rowmin, self.dim_rowmax = low, high
        self._xml_end_tag("sheetData")

    def _block_rows(self, first: int, last: int, rendered: dict[int, str], own_rows: Mapping) -> None:
        """A block's rows; a row of a set height opened by XlsxWriter's own row writer."""
        write = self.fh.write
        for r in range(first, last + 1):
            cells = rendered.get(r)
            if r in self._heights:
                if cells is None:
                    self._write_empty_row(r, None, own_rows[r])
                    continue
                self._write_row(r, None, own_rows[r])
                write(cells)
                write("</row>")
            elif cells is not None:
                write(f'<row r="{r + 1}">{cells}</row>')

    def _own_rows(self, first: int, last: int) -> None:
        """XlsxWriter's own rows between ``first`` and ``last`` (its ``_write_rows`` on that range)."""
        if first > last:
            return
        self.dim_rowmin, self.dim_rowmax = first, last
        self._write_rows()


def _within_limit(text: str) -> str:
    """``text`` cut to Excel's limit as XlsxWriter cuts it (UTF-16 code units, a pair kept whole)."""
    if len(text) <= MAX_STRING // 2:
        return text
    units = 0
    for i, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > MAX_STRING:
            return text[:i]
    return text
