"""Raw workbooks written as readable tables, for tests of the parsing without files.

``raw_workbook("a.xlsx", section={...}, sheets={"Actions": '''| Date | ... |'''})`` gives the
RawWorkbook the reader would give for a template filled that way: the ``Section`` sheet as
label/value pairs from row 2, each table with its header on row 1 and data from row 2.
Cells are kept as text unless the test passes Python values in ``rows``.
"""

from __future__ import annotations

import datetime as dt

from convention_xlsx.reading.model import FileInfo, RawSheet, RawWorkbook
from convention_xlsx.spec import default_spec

SPEC = default_spec()


def md_cells(table: str) -> list[list[object]]:
    """A markdown table → rows of cells (header row first); empty cells become None."""
    rows = []
    for line in table.strip().splitlines():
        line = line.strip()
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows.append([c if c else None for c in cells])
    return rows


def section_rows(values: dict[str, object]) -> list[list[object]]:
    rows: list[list[object]] = [["Information", "Valeur", "Aide"]]
    for col in SPEC.section.columns:
        rows.append([col.label, values.get(col.label, values.get(col.key)), col.help])
    return rows


def raw_workbook(
    path: str = "section.xlsx",
    association: str = "ANVP",
    section: str = "Nanterre",
    updated: object = dt.date(2023, 12, 4),
    sheets: dict[str, str | list[list[object]]] | None = None,
    extra_section: dict[str, object] | None = None,
    modified: dt.datetime | None = None,
    complete: bool = True,
) -> RawWorkbook:
    values = {"association": association, "section_name": section, "updated": updated,
              "email": "section@example.org", "template_version": SPEC.version,
              **(extra_section or {})}
    raw_sheets = [RawSheet(SPEC.section.name, section_rows(values))]
    given = dict(sheets or {})
    for sheet in SPEC.table_sheets if complete else ():  # untouched sheets: the template's header
        if not any(name.strip().casefold() == sheet.name.casefold() for name in given):
            given[sheet.name] = [[c.label for c in sheet.columns]]
    for name, table in given.items():
        raw_sheets.append(RawSheet(name, md_cells(table) if isinstance(table, str) else table))
    info = FileInfo(path=path, size=1, sha256="0" * 64, format="xlsx",
                    modified=modified or dt.datetime(2023, 12, 4, 10, 0))
    return RawWorkbook(info=info, sheets=raw_sheets)
