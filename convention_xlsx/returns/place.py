"""Where each finding goes in the return: the cell of the rebuilt workbook that holds the value it is about.

The return is the template refilled with the section's data: its columns are in the template's order
and its rows start under the template's header, so a finding at ``E7`` of a workbook whose volunteer
inserted a column and two title rows is placed at ``D5`` of the return. A finding the rebuild itself
settles (a retyped header, a renamed sheet, a merged cell, an old template version) is listed as
such. Pure: findings and the parse's layout in, placements out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..cells import cell_ref
from ..findings import Finding
from ..parse import ParsedWorkbook
from ..schema import Spec
from ..template import HEADER_ROW, SECTION_FIRST_ROW

TO_FIX, CHECK, SETTLED, TODO = "à corriger", "à vérifier", "réglé dans ce classeur", "à faire"
"""The state of a line of « À corriger »: an error at a cell (a live formula turns it into « corrigé »),
a warning, something the rebuilt workbook already settles, an error with no cell (see its message)."""

SETTLED_CODES = frozenset({
    "en-tete-modifie", "colonne-en-double", "feuille-renommee", "feuille-manquante", "colonne-facultative-manquante",
    "cellules-fusionnees", "version-modele", "version-modele-inconnue", "formule-sans-valeur", "macros-ignorees",
})
"""What rebuilding the workbook from the current template settles by itself."""

_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


@dataclass(frozen=True)
class Placed:
    finding: Finding
    sheet: str
    """The sheet of the return it is about (its template name), "" for the whole file."""
    cell: str
    """The cell of the return, "" when it is about no single cell."""
    state: str


def _index(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def place(findings: list[Finding], parsed: ParsedWorkbook | None, spec: Spec) -> list[Placed]:
    """Each finding with its sheet and cell in the return, errors first, then by sheet, row and column."""
    by_name = {name: key for key, name in (parsed.sheet_names.items() if parsed else ())}
    order = {s.key: i for i, s in enumerate(spec.sheets)}
    placed = []
    for finding in findings:
        key = by_name.get(finding.sheet)
        sheet = spec.sheet(key).name if key else ""
        cell = _cell(finding, key, parsed, spec) if key and parsed is not None else ""
        if finding.code in SETTLED_CODES:
            state = SETTLED
        elif not finding.is_error:
            state = CHECK
        else:
            state = TO_FIX if cell else TODO
        placed.append(Placed(finding, sheet or finding.sheet, cell, state))

    def sort_key(p: Placed) -> tuple:
        match = _REF.match(p.cell)
        row, col = (int(match.group(2)), _index(match.group(1))) if match else (0, 0)
        key = by_name.get(p.finding.sheet)
        return (not p.finding.is_error, p.state == SETTLED, order.get(key, -1), row, col)

    return sorted(placed, key=sort_key)


def _cell(finding: Finding, key: str, parsed: ParsedWorkbook, spec: Spec) -> str:
    match = _REF.match(finding.cell or "")
    if match is None:
        return ""
    sheet = spec.sheet(key)
    if sheet is spec.section:
        field = next((k for k, ref in parsed.section_cells.items() if ref == finding.cell), None)
        if field is None:
            return ""
        return cell_ref(SECTION_FIRST_ROW + [c.key for c in sheet.columns].index(field), 2)
    letters, row = match.group(1), int(match.group(2))
    header = parsed.header_rows.get(key)
    column = next((k for k, letter in parsed.columns.get(key, {}).items() if letter == letters), None)
    if header is None or column is None or row <= header:
        return ""
    return cell_ref(return_row(row, header), [c.key for c in sheet.columns].index(column) + 1)


def return_row(row: int, header_row: int) -> int:
    """The row of the return that holds the original's data row ``row`` (header at ``header_row``)."""
    return row - header_row + HEADER_ROW
