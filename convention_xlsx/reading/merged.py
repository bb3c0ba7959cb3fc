"""Merged cells: where each sheet's merged ranges are, so the parse applies a merged value to every row
it covers, as the volunteer sees it.

python-calamine gives the ranges of ``.xlsx`` and ``.xls`` sheets; for ``.ods`` it gives none, so
``content.xml`` is streamed here (``table:number-rows-spanned`` / ``number-columns-spanned`` on a
cell), counting repeated rows and columns arithmetically so that a sheet declaring a million
repeated rows costs nothing. Best effort: an unreadable part gives no ranges, never a failure.
"""

from __future__ import annotations

import io
import zipfile

from defusedxml import ElementTree

Range = tuple[int, int, int, int]
"""(first row, first column, last row, last column), 0-based, inclusive."""

MAX_RANGES = 10_000
"""A section workbook has a handful; beyond this, the rest are ignored (a hostile file)."""

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_T = f"{{{_TABLE}}}"


def calamine_ranges(sheet: object) -> list[Range]:
    """The merged ranges python-calamine reports for one sheet (``[]`` when it reports none)."""
    try:
        found = getattr(sheet, "merged_cell_ranges", None) or []
        return [(int(a[0]), int(a[1]), int(b[0]), int(b[1])) for a, b in list(found)[:MAX_RANGES]]
    except Exception:  # noqa: BLE001 - an odd range list must not refuse the workbook
        return []


def ods_ranges(zf: zipfile.ZipFile, limit: int) -> dict[str, list[Range]]:
    """Sheet name → merged ranges of an OpenDocument spreadsheet (``content.xml`` streamed)."""
    try:
        info = zf.getinfo("content.xml")
        if info.file_size > limit:
            return {}
        with zf.open(info) as member:
            return _scan(io.BufferedReader(member))
    except Exception:  # noqa: BLE001 - best effort, see the module docstring
        return {}


def _scan(stream: io.BufferedReader) -> dict[str, list[Range]]:
    out: dict[str, list[Range]] = {}
    sheet: str | None = None
    row = col = 0
    row_repeat = 1
    count = 0
    for event, element in ElementTree.iterparse(stream, events=("start", "end"), forbid_dtd=True):
        tag = element.tag
        if event == "start":
            if tag == _T + "table":
                sheet, row = element.get(_T + "name", ""), 0
                out.setdefault(sheet, [])
            elif tag == _T + "table-row":
                col, row_repeat = 0, _int(element.get(_T + "number-rows-repeated"), 1)
            elif tag in (_T + "table-cell", _T + "covered-table-cell") and sheet is not None:
                rows = _int(element.get(_T + "number-rows-spanned"), 1)
                cols = _int(element.get(_T + "number-columns-spanned"), 1)
                if tag == _T + "table-cell" and (rows > 1 or cols > 1) and count < MAX_RANGES:
                    out[sheet].append((row, col, row + rows - 1, col + cols - 1))
                    count += 1
            continue
        if tag in (_T + "table-cell", _T + "covered-table-cell"):
            col += _int(element.get(_T + "number-columns-repeated"), 1)
            element.clear()
        elif tag == _T + "table-row":
            row += row_repeat
            element.clear()
        elif tag == _T + "table":
            sheet = None
            element.clear()
    return out


def _int(text: str | None, default: int) -> int:
    try:
        return max(1, min(int(text), 1 << 20)) if text else default
    except ValueError:
        return default
