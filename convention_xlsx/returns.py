"""Annotated returns: for each workbook with anomalies, a copy that shows what to fix.

The copy (the original is never touched) has a first sheet ``À corriger`` listing every
anomaly with a link to its cell; each faulty cell is highlighted and carries a French
comment (message and suggestion). openpyxl drops the dropdowns that Excel stores as
extensions: they are restored from the schema, so the returned file is still the
template. A file openpyxl cannot edit (OpenDocument, old format, encrypted, unreadable)
gets the ``À corriger`` list alone.
"""

from __future__ import annotations

import contextlib
import io
import re
import warnings
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidationList
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from . import schema, template
from .atomic import atomic_path
from .config import Config
from .consolidate import Consolidation
from .findings import Finding
from .report import IGNORED
from .text import fold

TO_FIX = "À corriger"
SUFFIX = "_a_corriger.xlsx"
HEADERS = ("Gravité", "Feuille", "Cellule", "Colonne", "Valeur", "Anomalie", "Suggestion", "Code")
WIDTHS = (14, 18, 10, 24, 24, 70, 28, 26)
_ERROR_FILL = PatternFill("solid", fgColor="F4B6B6")
_WARNING_FILL = PatternFill("solid", fgColor="FCE4B6")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_EDITABLE = {"xlsx", "xlsm"}


def write_returns(cons: Consolidation, input_dir: Path, out_dir: Path) -> dict[str, Path]:
    """Write one annotated copy per input file with anomalies; return input file → copy written."""
    ignored = {f.path for f in cons.report.files if f.status == IGNORED}
    formats = {f.path: f.format for f in cons.report.files}
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in cons.report.findings:
        if finding.file not in ignored:
            by_file[finding.file].append(finding)
    written: dict[str, Path] = {}
    for path, findings in sorted(by_file.items()):
        target = out_dir / (str(Path(path).with_suffix("")) + SUFFIX)
        wb = None
        if formats.get(path) in _EDITABLE:
            wb = annotated_copy(input_dir / path, findings, cons.config)
        if wb is None:
            wb = openpyxl.Workbook()
            wb.remove(wb.active)
        add_to_fix_sheet(wb, findings, path, linked=len(wb.sheetnames) > 0)
        data = io.BytesIO()  # in memory first: a save that fails half-way leaves no half-written file
        try:
            with _quiet():
                wb.save(data)
        except Exception:  # a value openpyxl read but cannot write back (found by tests/fuzz.py)
            wb, data = openpyxl.Workbook(), io.BytesIO()
            wb.remove(wb.active)
            add_to_fix_sheet(wb, findings, path, linked=False)
            wb.save(data)
        with atomic_path(target) as tmp:
            tmp.write_bytes(data.getvalue())
        written[path] = target
    return written


def annotated_copy(source: Path, findings: Iterable[Finding], config: Config) -> openpyxl.Workbook | None:
    """The workbook at ``source`` with its faulty cells highlighted and commented, or None
    when openpyxl cannot open it (then the return is the list alone)."""
    try:
        data = source.read_bytes()
        if not data.startswith(b"PK"):  # encrypted (OLE) or not OOXML: never write a decrypted copy
            return None
        if _huge_merge(data):  # openpyxl makes one object per merged cell: a whole-sheet merge takes GBs
            return None
        with _quiet():
            wb = openpyxl.load_workbook(io.BytesIO(data), keep_vba=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds on files calamine could read: the list alone then
        return None
    try:
        _annotate(wb, findings, config)
    except Exception:  # a damaged workbook openpyxl opened but cannot annotate (found by tests/fuzz.py)
        return None
    return wb


def _annotate(wb: openpyxl.Workbook, findings: Iterable[Finding], config: Config) -> None:
    sheets = {fold(name): wb[name] for name in wb.sheetnames}
    for finding in findings:
        ws = sheets.get(fold(finding.sheet)) if finding.sheet else None
        if ws is None or not finding.cell:
            continue
        cell = ws[finding.cell]
        cell.fill = _ERROR_FILL if finding.is_error else _WARNING_FILL
        text = finding.message + (f"\nSuggestion : {finding.suggestion}" if finding.suggestion else "")
        if cell.comment is not None:
            text = cell.comment.text + "\n\n" + text
        comment = Comment(text, "convention-xlsx")
        comment.width, comment.height = 320, 140
        cell.comment = comment
    for sheet in schema.TABLE_SHEETS:
        ws = sheets.get(fold(sheet.name))
        if ws is not None and schema.LISTS_SHEET_NAME in wb.sheetnames:
            restore_validations(ws, sheet, config)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """openpyxl warns in English (stderr) and even prints (« 19 is out of range ») on a damaged file:
    none of it is for the référent, whose terminal shows the run's French report."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


_MERGE = re.compile(rb'<mergeCell\b[^>]*\bref="([^"]*)"')
_RANGE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?")
MAX_MERGED_CELLS = 100_000
EXCEL_ROWS = 1_048_576


def _huge_merge(data: bytes) -> bool:
    """Whether a sheet merges more than :data:`MAX_MERGED_CELLS` cells, or a range that is not one."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if not info.filename.startswith("xl/worksheets/") or info.file_size > 64 * 1024 * 1024:
                continue
            for ref in _MERGE.findall(zf.read(info)):
                match = _RANGE.fullmatch(ref.decode("ascii", "replace").replace("$", ""))
                if match is None:
                    return True
                first, top, last, bottom = match.groups()
                width = abs(column_index_from_string(last or first) - column_index_from_string(first)) + 1
                if width * (abs(int(bottom or top) - int(top)) + 1) > MAX_MERGED_CELLS:
                    return True
    return False


def restore_validations(ws: Worksheet, sheet: schema.Sheet, config: Config) -> None:
    """Put back the template's validations on the columns found by header name."""
    labels = {fold(c.label): c for c in sheet.columns}
    ws.data_validations = DataValidationList()
    last = min(max(ws.max_row, template.LAST_VALIDATED_ROW), EXCEL_ROWS)  # a damaged file may claim more
    for cell in ws[template.HEADER_ROW]:
        col = labels.get(fold(cell.value)) if isinstance(cell.value, str) else None
        validation = template.column_validation(col, config) if col is not None else None
        if validation is not None:
            letter = get_column_letter(cell.column)
            validation.add(f"{letter}{template.FIRST_DATA_ROW}:{letter}{last}")
            ws.add_data_validation(validation)


def add_to_fix_sheet(wb: openpyxl.Workbook, findings: list[Finding], path: str, linked: bool) -> None:
    """The first sheet: every anomaly of the file, with a link to its cell when there is one."""
    ws = wb.create_sheet(TO_FIX, 0)
    wb.active = 0
    for other in wb.worksheets[1:]:
        other.sheet_view.tabSelected = False
    ws["A1"] = f"Anomalies à corriger dans {Path(path).name}"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = ("Corrigez chaque cellule signalée (surlignée, avec un commentaire), puis renvoyez le classeur "
                "au référent. Les lignes en erreur ne sont pas comptées tant qu'elles ne sont pas corrigées.")
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A2:H2")
    ws.row_dimensions[2].height = 32
    for index, (header, width) in enumerate(zip(HEADERS, WIDTHS, strict=True), 1):
        cell = ws.cell(4, index, header)
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), _HEADER_FILL
        ws.column_dimensions[get_column_letter(index)].width = width
    for row, f in enumerate(findings, 5):
        values = (f.severity.value, f.sheet, f.cell, f.column, f.value, f.message, f.suggestion, f.code)
        for index, value in enumerate(values, 1):
            _text(ws.cell(row, index), value)
            ws.cell(row, index).alignment = Alignment(wrap_text=index == 6, vertical="top")
        ws.cell(row, 1).fill = _ERROR_FILL if f.is_error else _WARNING_FILL
        if linked and f.sheet in wb.sheetnames and f.cell:
            link = ws.cell(row, 3)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quote_sheetname(f.sheet)}!{f.cell}")
            link.font = Font(color="0563C1", underline="single")
    ws.freeze_panes = "A5"
    ws.auto_filter.ref = f"A4:H{max(4 + len(findings), 5)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _text(cell, value: str) -> None:
    """Write a volunteer's text as text: never a formula."""
    cell.value = value if value else None
    if value:
        cell.data_type = "s"
