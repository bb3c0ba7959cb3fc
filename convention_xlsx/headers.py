"""Finding a table's header row as a volunteer left it: columns moved, headers retyped, columns added.

A header cell matches a column by its label (case, accents, spaces and a trailing ``*`` ignored),
by a former label of the template (read silently for a workbook made before the rename), by an
alias the spec declares (« Type d action »), or by the same letters without punctuation. Anything
but the exact label is flagged, so the volunteer restores it. Pure: raw cells in, matches out.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from .migrations import ReadingPlan
from .reading.model import RawSheet
from .schema import Column, Sheet
from .text import fold

HEADER_SEARCH_ROWS = 30
EXACT, SILENT, ALIAS, FORMER, LOOSE = "exact", "ancien", "alias", "ancien-signale", "approché"


@functools.lru_cache(maxsize=1 << 14)
def loose(text: str) -> str:
    """Letters and digits only: « Type d action », « Type-d'action » and « Type d’action » agree."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


@dataclass
class Header:
    row: int
    """1-based row of the header."""
    found: dict[int, Column] = field(default_factory=dict)
    """0-based column index → its column (derived ones included)."""
    retyped: list[tuple[int, str, Column]] = field(default_factory=list)
    """(index, header as typed, column) for a header that is not the template's exact label."""
    duplicated: list[int] = field(default_factory=list)
    unknown: list[tuple[int, str]] = field(default_factory=list)
    """(index, text) of header cells that are no column of the template."""

    @property
    def positions(self) -> dict[str, int]:
        """Column key → index, for the columns read (derived ones excluded)."""
        return {col.key: i for i, col in self.found.items() if not col.derived}


def spellings(sheet: Sheet, plan: ReadingPlan) -> dict[str, tuple[Column, str]]:
    """Every accepted spelling (folded, or loose) of each column's header, with how it matches."""
    table: dict[str, tuple[Column, str]] = {}
    rank = {EXACT: 0, SILENT: 1, ALIAS: 2, FORMER: 3, LOOSE: 4}

    def put(text: str, col: Column, how: str) -> None:
        for key, kind in ((fold(text), how), ("~" + loose(text), LOOSE if how != SILENT else SILENT)):
            known = table.get(key)
            if known is None or rank[kind] < rank[known[1]]:
                table[key] = (col, kind)

    for col in sheet.columns:
        put(col.label, col, EXACT)
        for old in plan.silent_headers.get((sheet.key, col.key), ()):
            put(old, col, SILENT)
        for alias in col.aliases:
            put(alias, col, ALIAS)
        for old in plan.old_headers.get((sheet.key, col.key), ()):
            put(old, col, FORMER)
    return table


def match(cell: object, table: dict[str, tuple[Column, str]]) -> tuple[Column, str] | None:
    if not isinstance(cell, str) or not cell.strip():
        return None
    return table.get(fold(cell)) or table.get("~" + loose(cell)) if loose(cell) else table.get(fold(cell))


def find_header(sheet: Sheet, raw_sheet: RawSheet, plan: ReadingPlan) -> Header | None:
    """The row among the first ones with the most columns of ``sheet`` (at least two), or None."""
    table = spellings(sheet, plan)
    removed = plan.removed.get(sheet.key, frozenset())
    best: Header | None = None
    for r, cells in enumerate(raw_sheet.rows[:HEADER_SEARCH_ROWS], start=1):
        header = Header(row=r)
        for c, cell in enumerate(cells):
            hit = match(cell, table)
            if hit is None:
                if isinstance(cell, str) and cell.strip() and fold(cell) not in removed:
                    header.unknown.append((c, cell.strip()))
                continue
            col, how = hit
            if col in header.found.values():
                header.duplicated.append(c)
                continue
            header.found[c] = col
            if how not in (EXACT, SILENT):
                header.retyped.append((c, cell.strip(), col))
        if len(header.found) >= 2 and (best is None or len(header.found) > len(best.found)):
            best = header
    return best
