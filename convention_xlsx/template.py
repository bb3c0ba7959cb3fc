"""The section workbook generated from the schema: blank or pre-filled for one section.

Everything the volunteer sees comes from :mod:`convention_xlsx.schema` (sheets, headers,
help, dropdown values) and from the configuration (période, référents, référentiel).
The dropdowns read their values from the hidden ``Listes`` sheet; the establishment's
name is shown next to its code by a formula on the same sheet.

Layout shared with the reader: table sheets have their headers on :data:`HEADER_ROW` and
data from :data:`FIRST_DATA_ROW`; the ``Section`` sheet has one field per row from
:data:`SECTION_FIRST_ROW` (label in A, value in B, help in C) in schema order.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import openpyxl
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from .atomic import atomic_path
from .config import Config
from .readme_text import readme_rows, version_label
from .schema import FIELDS, TEXT, Column, Kind, Sheet, Spec
from .text import closest, fold

HEADER_ROW = 1
FIRST_DATA_ROW = 2
SECTION_FIRST_ROW = 2
SECTION_HEADERS = ("Information", "Valeur", "Aide")
"""Name of the custom document property holding the template version."""

LAST_VALIDATED_ROW = 2000
"""Validations, formats and unlocked cells reach this row, well below the prepared rows."""
FIXED_TIMESTAMP = dt.datetime(2026, 1, 1)
"""Created/modified properties of every template: regenerating gives the same file."""

_FONT = "Calibri"
_WHITE_BOLD = Font(name=_FONT, bold=True, color="FFFFFF")
_REQUIRED_FILL = PatternFill("solid", fgColor="1F4E79")
_OPTIONAL_FILL = PatternFill("solid", fgColor="4F81BD")
_DERIVED_FILL = PatternFill("solid", fgColor="7F7F7F")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_LOCKED_FILL = PatternFill("solid", fgColor="D9D9D9")
_UNLOCKED = Protection(locked=False)
_WRAP = Alignment(wrap_text=True, vertical="top")

_FORMATS = {
    Kind.DATE: "dd/mm/yyyy",
    Kind.MONTH: "mm/yyyy",
    Kind.COUNT: "0",
    Kind.AMOUNT: '#,##0.00 "€"',
    Kind.TEXT: "@",
    Kind.CHOICE: "@",
    Kind.ESTABLISHMENT: "@",
    Kind.EMAIL: "@",
}


class TemplateError(ValueError):
    """A pre-fill value the template cannot use (unknown association or code); French message."""

    def __init__(self, message: str, suggestion: str = "", field: str = "") -> None:
        super().__init__(message)
        self.suggestion = suggestion
        self.field = field
        """What was refused: ``association`` or ``establishment``."""


# --------------------------------------------------------------------------- lists


def _list_columns(config: Config) -> list[tuple[str, tuple[str, ...]]]:
    """The columns of the ``Listes`` sheet: (header, values), référentiel first."""
    spec = config.spec
    sites = spec.sites
    code_label = next((c.label for s in spec.table_sheets for c in s.columns if c.kind is Kind.ESTABLISHMENT), "Code")
    name_label = next((c.label for c in sites.columns if c.derived), "Nom") if sites is not None else "Nom"
    ordered = sorted(config.referentiel.establishments, key=lambda e: e.code)
    columns = [
        (code_label, tuple(e.code for e in ordered)),
        (name_label, tuple(e.name for e in ordered)),
        (f"{code_label} · {name_label}", site_labels(config)),
    ]
    seen: set[tuple[str, ...]] = set()
    for sheet in spec.sheets:
        for col in sheet.columns:
            if col.allowed and col.allowed not in seen:
                seen.add(col.allowed)
                columns.append((Kind.BOOL.description if col.kind is Kind.BOOL else col.label, col.allowed))
    return columns


def _abs_range(sheet: str, index: int, count: int, last_index: int | None = None) -> str:
    first, last = get_column_letter(index), get_column_letter(last_index or index)
    return f"{quote_sheetname(sheet)}!${first}$2:${last}${count + 1}"


def _list_ranges(config: Config) -> dict[tuple[str, ...], str]:
    """Each list of values (choices, Oui/Non, establishment codes) → its absolute range."""
    name = config.spec.lists_sheet
    return {values: _abs_range(name, i, len(values)) for i, (_, values) in enumerate(_list_columns(config), 1)}


def _lookup_range(config: Config) -> str:
    """The (code, name) range the derived ``Établissement`` column looks up."""
    return _abs_range(config.spec.lists_sheet, 1, len(config.referentiel), 2)


def _write_referentiel(ws: Worksheet, config: Config) -> None:
    """The sites the dropdowns offer, by group (DISP) then name: visible, printable, locked."""
    ref = config.referentiel
    headers = (ref.group_label, "Code", ref.site_label[:1].upper() + ref.site_label[1:], "Type", "Commune",
               "Département")
    widths = (16, 22, 52, 8, 22, 14)
    for index, (text, width) in enumerate(zip(headers, widths, strict=True), 1):
        cell = ws.cell(HEADER_ROW, index, text)
        cell.font, cell.fill = _WHITE_BOLD, _REQUIRED_FILL
        ws.column_dimensions[get_column_letter(index)].width = width
    ordered = sorted(config.referentiel.establishments, key=lambda e: (e.disp, fold(e.name)))
    for row, e in enumerate(ordered, FIRST_DATA_ROW):
        for index, value in enumerate((e.disp, e.code, e.name, e.type, e.commune, e.departement), 1):
            ws.cell(row, index, value)
    last = FIRST_DATA_ROW + len(ordered) - 1
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 1).coordinate
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(headers))}{max(last, FIRST_DATA_ROW)}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _fit_width(ws, landscape=False)
    ws.protection.sheet = True
    ws.protection.autoFilter = ws.protection.sort = False


def _write_lists(ws: Worksheet, config: Config) -> None:
    for index, (header, values) in enumerate(_list_columns(config), 1):
        ws.cell(HEADER_ROW, index, header).font = Font(name=_FONT, bold=True)
        for row, value in enumerate(values, 2):
            ws.cell(row, index, value)
        ws.column_dimensions[get_column_letter(index)].width = max(14, min(60, max(map(len, values)) + 2))
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


# --------------------------------------------------------------------------- validations


def _help(col: Column) -> str:
    return col.help + (" Obligatoire." if col.required else "")


def _title(text: str) -> str:
    """Excel refuses validation titles longer than 32 characters."""
    return text if len(text) <= 32 else text[:31] + "…"


def _message(text: str) -> str:
    """Excel refuses validation messages longer than 255 characters."""
    return text if len(text) <= 255 else text[:254] + "…"


def _french_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def column_validation(col: Column, config: Config) -> DataValidation | None:
    """The data validation of one column (dropdown, date, number…), or None for free text."""
    label = f"« {col.label} »"
    kw: dict[str, object] = {}
    if col.kind is Kind.ESTABLISHMENT:
        kw = dict(
            type="list",
            formula1=_list_ranges(config)[site_labels(config)],
            errorStyle="warning",  # a bare code typed by hand is accepted too
            errorTitle="Code absent de la liste",
            error=f"{label} : choisissez dans la liste déroulante, ou tapez le code "
            f"(la liste complète des {config.referentiel.site_label}s est dans la feuille "
            f"« {config.spec.referentiel_sheet} »).",
        )
    elif col.allowed:
        kw = dict(
            type="list",
            formula1=_list_ranges(config)[col.allowed],
            errorTitle="Valeur non autorisée",
            error=f"{label} : choisissez une valeur dans la liste déroulante (" + ", ".join(col.allowed) + ").",
        )
    elif col.kind is Kind.DATE:
        start, end = (
            (config.period_start, config.period_end) if col.in_period else (dt.date(2000, 1, 1), dt.date(2099, 12, 31))
        )
        period = " (période de la convention)" if col.in_period else ""
        kw = dict(
            type="date",
            operator="between",
            formula1=_excel_date(start),
            formula2=_excel_date(end),
            errorTitle="Date attendue",
            error=f"{label} : saisissez une date au format jj/mm/aaaa, entre le "
            f"{_french_date(start)} et le {_french_date(end)}{period}.",
        )
    elif col.kind is Kind.MONTH:
        kw = dict(
            type="date",
            operator="between",
            formula1=_excel_date(config.period_start),
            formula2=_excel_date(config.period_end),
            errorStyle="warning",
            errorTitle="Mois attendu",
            error=f"{label} : saisissez un mois de la période de la convention, par exemple 05/2023.",
        )
    elif col.kind in (Kind.COUNT, Kind.AMOUNT, Kind.DECIMAL):
        whole = col.kind is Kind.COUNT
        unit = " en euros, sans le symbole €" if col.kind is Kind.AMOUNT else ""
        what = "un nombre entier positif ou nul (0, 1, 2…)" if whole else f"un nombre positif ou nul{unit}"
        kw = dict(
            type="whole" if whole else "decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            errorTitle="Nombre entier attendu" if whole else "Nombre attendu",
            error=f"{label} : saisissez {what}.",
        )
    if not kw:
        return None
    kw.setdefault("errorStyle", "stop")
    kw["error"] = _message(str(kw["error"]))
    return DataValidation(
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        promptTitle=_title(col.label),
        prompt=_message(_help(col)),
        **kw,
    )


def site_label(code: str, name: str) -> str:
    """What the establishment dropdown shows and writes: « CP-NANTERRE · Centre pénitentiaire de Nanterre »
    (the reader takes the code, this label, or a name that matches one establishment)."""
    return f"{code} · {name}"


def site_labels(config: Config) -> tuple[str, ...]:
    """The dropdown's labels, in the order of the ``Listes`` sheet (by code)."""
    return tuple(site_label(e.code, e.name) for e in sorted(config.referentiel.establishments, key=lambda e: e.code))


def _excel_date(day: dt.date) -> str:
    return f"DATE({day.year},{day.month},{day.day})"


def add_validations(ws: Worksheet, sheet: Sheet, config: Config, first_row: int, last_row: int) -> None:
    """Add the dropdowns and date/number validations of ``sheet`` on rows ``first_row..last_row``."""
    for index, col in enumerate(sheet.columns, 1):
        dv = column_validation(col, config)
        if dv is not None:
            letter = get_column_letter(index)
            dv.add(f"{letter}{first_row}:{letter}{last_row}")
            ws.add_data_validation(dv)


def _header_prompt(ws: Worksheet, cell: str, col: Column) -> None:
    dv = DataValidation(showInputMessage=True, promptTitle=_title(col.label), prompt=_message(_help(col)))
    dv.add(cell)
    ws.add_data_validation(dv)


# --------------------------------------------------------------------------- sheets


def _protect(ws: Worksheet) -> None:
    """Protect without password: headers locked, rows may be inserted, deleted, sorted, filtered."""
    p = ws.protection
    p.sheet = True
    p.insertRows = p.deleteRows = p.sort = p.autoFilter = False
    p.formatColumns = p.formatRows = False


def _fit_width(ws: Worksheet, landscape: bool) -> None:
    """Print on pages one sheet wide."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _write_table(ws: Worksheet, sheet: Sheet, config: Config) -> None:
    last_prepared = FIRST_DATA_ROW + max(sheet.prepared_rows, 1) - 1
    for index, col in enumerate(sheet.columns, 1):
        letter = get_column_letter(index)
        cell = ws.cell(HEADER_ROW, index, col.label)
        cell.font = _WHITE_BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.fill = _DERIVED_FILL if col.derived else _REQUIRED_FILL if col.required else _OPTIONAL_FILL
        _header_prompt(ws, cell.coordinate, col)
        dim = ws.column_dimensions[letter]
        dim.width = col.width
        dim.protection = _UNLOCKED  # derived cells too: sorting a protected sheet needs every cell unlocked
        if not col.derived:
            dim.number_format = _FORMATS.get(col.kind, "General")
    lines = max(-(-len(c.label) // max(c.width - 2, 1)) for c in sheet.columns)
    ws.row_dimensions[HEADER_ROW].height = 15 * max(lines, 2)
    _write_derived(ws, sheet, config, FIRST_DATA_ROW, last_prepared)
    add_validations(ws, sheet, config, FIRST_DATA_ROW, LAST_VALIDATED_ROW)
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 1).coordinate
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(sheet.columns))}{last_prepared}"
    _fit_width(ws, landscape=True)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _protect(ws)


def _write_derived(ws: Worksheet, sheet: Sheet, config: Config, first_row: int, last_row: int) -> None:
    """The establishment's name looked up from its code, on every prepared row."""
    letters = {c.kind: get_column_letter(i) for i, c in enumerate(sheet.columns, 1)}
    code = letters.get(Kind.ESTABLISHMENT)
    for index, col in enumerate(sheet.columns, 1):
        if not col.derived or code is None:
            continue
        lookup = _lookup_range(config)
        for row in range(first_row, last_row + 1):
            # The code alone, or the dropdown's « CODE · Nom »: the name either way.
            key = f'TRIM(LEFT(${code}{row},FIND(" · ",${code}{row}&" · ")-1))'
            cell = ws.cell(row, index, f'=IF(${code}{row}="","",IFERROR(VLOOKUP({key},{lookup},2,FALSE),""))')
            cell.protection = _UNLOCKED  # unlocked: the rows can be sorted on a protected sheet


def _write_section(ws: Worksheet, config: Config) -> None:
    for index, text in enumerate(SECTION_HEADERS, 1):
        cell = ws.cell(HEADER_ROW, index, text)
        cell.font, cell.fill = _WHITE_BOLD, _REQUIRED_FILL
    fields = config.spec.section
    for row, col in enumerate(fields.columns, SECTION_FIRST_ROW):
        ws.cell(row, 1, col.label).font = Font(name=_FONT, bold=col.required)
        value = ws.cell(row, 2)
        value.number_format = _FORMATS.get(col.kind, "General")
        if col.locked:
            value.fill = _LOCKED_FILL
        else:
            value.fill, value.protection = _INPUT_FILL, _UNLOCKED
        ws.cell(row, 3, _help(col)).alignment = _WRAP
        dv = column_validation(col, config)
        if dv is not None:
            dv.add(value.coordinate)
            ws.add_data_validation(dv)
    _section_cell(ws, fields, "template_version").value = config.spec.version
    for letter, width in zip("ABC", (26, 36, 80), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(SECTION_FIRST_ROW, 1).coordinate
    _fit_width(ws, landscape=True)
    _protect(ws)


def _section_cell(ws: Worksheet, fields: Sheet, key: str):
    keys = [c.key for c in fields.columns]
    return ws.cell(SECTION_FIRST_ROW + keys.index(key), 2)


def _write_readme(ws: Worksheet, config: Config) -> None:
    styles = {
        "title": Font(name=_FONT, bold=True, size=16, color="1F4E79"),
        "heading": Font(name=_FONT, bold=True, size=12, color="1F4E79"),
        "label": Font(name=_FONT, bold=True),
    }
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 28, 100
    for row, (style, left, right) in enumerate(readme_rows(config), 1):
        a, b = ws.cell(row, 1, left or None), ws.cell(row, 2, right or None)
        a.font = styles.get(style, Font(name=_FONT))
        a.alignment = b.alignment = Alignment(vertical="top") if style in ("title", "heading") else _WRAP
        lines = max(-(-len(right) // 95), -(-len(left) // 26), 1)
        ws.row_dimensions[row].height = 21 if style == "title" else 15 * lines + 2
    _fit_width(ws, landscape=False)
    ws.protection.sheet = True


# --------------------------------------------------------------------------- public API


def _check_association(association: str | None, parties: tuple[str, ...]) -> str | None:
    if association is None:
        return None
    for name in parties:
        if fold(name) == fold(association):
            return name
    hint = closest(association, parties)
    raise TemplateError(
        f"Association inconnue « {association} » : attendu {' ou '.join(parties)}"
        + (f" (vouliez-vous dire {hint} ?)" if hint else "")
        + ".",
        hint,
        "association",
    )


def _check_code(config: Config, code: str) -> str:
    canonical = config.referentiel.canonical(code)
    if canonical:
        return canonical
    hint = config.referentiel.suggest(code)
    raise TemplateError(
        f"Code inconnu « {code} » : il n'est pas dans le référentiel des {config.referentiel.site_label}s"
        + (f" (vouliez-vous dire {hint} ?)" if hint else "")
        + ".",
        hint,
        "establishment",
    )


def build_template(
    config: Config,
    association: str | None = None,
    section: str | None = None,
    establishments: Sequence[str] = (),
    email: str | None = None,
) -> openpyxl.Workbook:
    """The section workbook, blank or pre-filled (association, section, e-mail, establishments).

    Raises :class:`TemplateError` for an unknown association or establishment code.
    """
    spec = config.spec
    association = _check_association(association, spec.party_names)
    codes = [_check_code(config, c) for c in establishments]
    if email is None and association and section:
        expected = config.expected(association, section)
        email = expected.email if expected and expected.email else None
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet in spec.sheets:
        ws = wb.create_sheet(sheet.name)
        if sheet.layout == TEXT:
            _write_readme(ws, config)
        elif sheet.layout == FIELDS:
            _write_section(ws, config)
        else:
            _write_table(ws, sheet, config)
    _write_referentiel(wb.create_sheet(spec.referentiel_sheet), config)
    _write_lists(wb.create_sheet(spec.lists_sheet), config)
    wb.active = 0
    wb.security = WorkbookProtection(lockStructure=True)
    props = wb.properties
    props.created = props.modified = FIXED_TIMESTAMP
    props.creator = props.lastModifiedBy = "convention-xlsx"
    props.title = f"Rapport de section – {config.title}"
    wb.custom_doc_props.append(StringProperty(name=version_label(spec), value=spec.version))
    fill_workbook(
        wb,
        spec,
        section={k: v for k, v in (("association", association), ("section_name", section), ("email", email)) if v},
        tables={"establishments": [{"establishment": c} for c in codes]} if codes else {},
    )
    return wb


def fill_workbook(
    wb: openpyxl.Workbook,
    spec: Spec,
    section: Mapping[str, object] = {},  # noqa: B006 (read only)
    tables: Mapping[str, Sequence[Mapping[str, object]]] = {},
) -> None:  # noqa: B006
    """Write values as a volunteer would type them, mistakes included.

    ``section`` is keyed by ``Section`` field key; ``tables`` by sheet key, each a list of
    rows keyed by column key, written from :data:`FIRST_DATA_ROW` down after clearing
    the sheet's data cells (derived formulas are kept). Values are written as given;
    a string starting with ``=`` is stored as text, never as a formula.
    """
    fields = spec.section
    for key, value in section.items():
        put(_section_cell(wb[fields.name], fields, key), value, fields.column(key))
    for sheet_key, rows in tables.items():
        sheet = spec.sheet(sheet_key)
        ws = wb[sheet.name]
        positions = {c.key: i for i, c in enumerate(sheet.columns, 1)}
        for line in ws.iter_rows(min_row=FIRST_DATA_ROW):
            for cell in line:
                if cell.column <= len(sheet.columns) and not sheet.columns[cell.column - 1].derived:
                    cell.value = None
        for row, record in enumerate(rows, FIRST_DATA_ROW):
            for key, value in record.items():
                if key not in positions:
                    raise KeyError(f"{key!r} is not a column of sheet {sheet_key!r}: {sorted(positions)}")
                put(ws.cell(row, positions[key]), value, sheet.column(key))


def put(cell, value: object, col: Column) -> None:
    """Write ``value`` into ``cell`` with its column's style: unlocked (unless the field is locked) and
    its number format, so a cell written by the tool is edited like any other; text stays text."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    if col.kind in (Kind.DATE, Kind.MONTH, Kind.COUNT, Kind.AMOUNT) and not isinstance(value, str):
        cell.number_format = _FORMATS[col.kind]
    if not col.locked:
        cell.protection = _UNLOCKED


def prepare_cell(cell, col: Column) -> None:
    """Give a cell the tool creates (to comment or highlight it) its column's style and protection."""
    cell.number_format = _FORMATS.get(col.kind, "General")
    if not col.locked:
        cell.protection = _UNLOCKED


def section_cell(ws: Worksheet, fields: Sheet, key: str):
    """The value cell of field ``key`` in the template's fields sheet."""
    return _section_cell(ws, fields, key)


def extend_rows(ws: Worksheet, sheet: Sheet, config: Config, last_row: int) -> None:
    """Validations and derived formulas down to ``last_row`` when data goes beyond the prepared rows."""
    last_prepared = FIRST_DATA_ROW + max(sheet.prepared_rows, 1) - 1
    if last_row > last_prepared:
        _write_derived(ws, sheet, config, last_prepared + 1, last_row)
    if last_row > LAST_VALIDATED_ROW:
        add_validations(ws, sheet, config, LAST_VALIDATED_ROW + 1, last_row)


def template_version(wb: openpyxl.Workbook, spec: Spec) -> str:
    """The template version of a workbook: the ``Section`` cell, else the custom property, else ``""``."""
    label = version_label(spec)
    if spec.section.name in wb.sheetnames:
        ws = wb[spec.section.name]
        for row in ws.iter_rows(min_row=SECTION_FIRST_ROW, max_col=2):
            if row[0].value is not None and fold(str(row[0].value)) == fold(label):
                return "" if row[1].value is None else str(row[1].value).strip()
    for prop in wb.custom_doc_props:
        if prop.name == label:
            return str(prop.value)
    return ""


class _FixedTimeZip(ZipFile):
    """A zip whose members all carry the same timestamp, so the same workbook gives the same bytes."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = ZipInfo(zinfo_or_arcname, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            zinfo_or_arcname.compress_type = ZIP_DEFLATED
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        """openpyxl writes worksheets through temporary files: store their bytes, not their mtime."""
        self.writestr(arcname or os.path.basename(filename), Path(filename).read_bytes())


def save_workbook(wb: openpyxl.Workbook, path: Path) -> None:
    """Save atomically (temporary file in the same folder, then rename), keeping fixed properties."""
    with atomic_path(Path(path)) as tmp, _FixedTimeZip(tmp, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()


def write_template(path: Path, config: Config, **prefill: object) -> None:
    """Build the template (see :func:`build_template` for ``prefill``) and save it atomically at ``path``."""
    save_workbook(build_template(config, **prefill), path)  # type: ignore[arg-type]
