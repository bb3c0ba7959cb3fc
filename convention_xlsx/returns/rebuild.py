"""The return is the volunteer's next workbook: the current template, refilled with the section's data as read.

Whatever format the section sent (``.xlsx``, ``.xlsm``, ``.ods``, ``.xls``, encrypted), it gets back the
template with its dropdowns, header help, protection and current version, holding its data at the same
rows under the header: a value that was read is written typed (a date as a date, « oui » as « Oui », an
establishment as « CODE · Nom »); a value that could not be read is written back as the text the volunteer
typed, so they see and correct it in place. A merged value is written on each row it covered; a free text
that names a detainee is not copied. Runs in the reading pool's children (see :mod:`.child`).
"""

from __future__ import annotations

import datetime as dt
import math

import openpyxl

from .. import normalize as norm
from ..config import Config
from ..headers import find_header
from ..migrations import reading_plan
from ..parse import Context, ParsedWorkbook
from ..parse_table import typed_value, with_merges
from ..reading.model import RawWorkbook
from ..rules import MASKED, looks_like_detainee_identification
from ..schema import Column, Kind, Sheet
from ..template import build_template, extend_rows, put, section_cell, site_label
from ..text import UNWRITABLE
from .place import return_row

_EXCEL_DAYS = (dt.date(1900, 3, 1), dt.date(9999, 12, 31))


def rebuild(raw: RawWorkbook | None, parsed: ParsedWorkbook | None, ctx: Context, config: Config) -> openpyxl.Workbook:
    """The blank template (no data could be read), or the template holding the workbook's data."""
    wb = build_template(config)
    if raw is None or parsed is None:
        return wb
    spec = config.spec
    by_name = {s.name: s for s in raw.sheets}
    fields = spec.section
    source = by_name.get(parsed.sheet_names.get(fields.key, ""))
    if source is not None:
        for key, ref in parsed.section_cells.items():
            if key == "template_version":
                continue  # the return is the current template
            value = _cell_value(source.rows, ref)
            if not norm.is_blank(value):
                col = fields.column(key)
                put(section_cell(wb[fields.name], fields, key), _shown(fields, col, value, ctx, parsed), col)
    plan = reading_plan(spec, parsed.template_version)
    for sheet in spec.table_sheets:
        raw_sheet = by_name.get(parsed.sheet_names.get(sheet.key, ""))
        if raw_sheet is None:
            continue
        header = find_header(sheet, raw_sheet, plan)
        if header is None:
            continue
        grid = with_merges(raw_sheet, header, lambda *a, **k: None)
        ws = wb[sheet.name]
        index = {c.key: i for i, c in enumerate(sheet.columns, 1)}
        last = 0
        for r, cells in enumerate(grid[header.row:], start=header.row + 1):
            target = return_row(r, header.row)
            for key, c in header.positions.items():
                value = cells[c] if c < len(cells) else None
                if norm.is_blank(value):
                    continue
                col = sheet.column(key)
                put(ws.cell(target, index[key]), _shown(sheet, col, value, ctx, parsed, plan), col)
                last = target
        extend_rows(ws, sheet, config, last)
    return wb


def _cell_value(rows: list[list[object]], ref: str) -> object:
    letters = ref.rstrip("0123456789")
    row = int(ref[len(letters):]) - 1
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return rows[row][col - 1] if row < len(rows) and col - 1 < len(rows[row]) else None


def _shown(sheet: Sheet, col: Column, raw: object, ctx: Context, parsed: ParsedWorkbook, plan=None) -> object:
    """What to write for one value: typed when it was read, the text typed when it could not be."""
    plan = plan or reading_plan(ctx.spec, parsed.template_version)
    value = typed_value(sheet, col, raw, ctx, plan)
    if isinstance(value, norm.Problem):
        return _text(norm.as_typed(raw))
    if isinstance(value, bool):
        return ctx.spec.yes if value else ctx.spec.no
    if isinstance(value, dt.date):
        return value if _EXCEL_DAYS[0] <= value <= _EXCEL_DAYS[1] else _text(norm.as_typed(raw))
    if isinstance(value, float) and (math.isnan(value) or abs(value) > 1e15):
        return _text(norm.as_typed(raw))
    if col.kind is Kind.ESTABLISHMENT and isinstance(value, str) and value in ctx.referentiel:
        return site_label(value, ctx.referentiel[value].name)
    if isinstance(value, str):
        if col.free_text and looks_like_detainee_identification(value):
            return MASKED
        return _text(value)
    return value


def _text(text: str) -> str:
    """Text openpyxl can store (control characters dropped) within Excel's cell limit."""
    return UNWRITABLE.sub("", text)[: norm.MAX_TEXT]
