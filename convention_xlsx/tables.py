"""The consolidated tables' shape: one pandas DataFrame per table sheet.

Columns are the schema's column keys (derived columns excluded) followed by the
provenance of every row and the ``joint_duplicate`` flag. Types follow the column's kind:

- DATE, MONTH → ``datetime64[ns]`` (a month is its first day);
- COUNT → nullable ``Int64``; AMOUNT, DECIMAL → ``Float64``;
- BOOL → nullable ``boolean``;
- everything else (text, choice, establishment code, e-mail) → ``object`` holding
  ``str`` or ``None`` (choices hold the canonical dropdown value).

Both the consolidation (which fills the tables) and the indicators (which read them)
go through :func:`build_frame`, so tests can build tables without files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from .schema import Kind, Sheet

PROVENANCE: tuple[str, ...] = ("source_file", "section", "association", "sheet", "excel_row")
"""Where each consolidated row comes from: file name, section name, association of the
section (``ANVP``/``Auxilia``), sheet name, and the Excel row number the volunteer sees."""

COPY = "copy_duplicate"
"""Consolidation flag: True on a record identical in every column to one of another workbook of the
same association (pasted rows). The row stays in the detail sheets; figures skip it."""

JOINT_DUPLICATE = "joint_duplicate"
"""Consolidation flag: True on the second report of a joint record (same joint key,
reported by the other association). The row stays in the detail sheets; figures skip it."""

_DTYPES = {
    Kind.DATE: "datetime64[ns]",
    Kind.MONTH: "datetime64[ns]",
    Kind.COUNT: "Int64",
    Kind.AMOUNT: "Float64",
    Kind.DECIMAL: "Float64",
    Kind.BOOL: "boolean",
}


def columns(sheet: Sheet) -> list[str]:
    """The columns of a consolidated table: data columns then provenance."""
    return [c.key for c in sheet.data_columns] + list(PROVENANCE) + [JOINT_DUPLICATE, COPY]


def build_frame(sheet: Sheet, records: Iterable[Mapping[str, object]]) -> pd.DataFrame:
    """Build the typed table of ``sheet`` from dict records (missing keys become empty)."""
    names = columns(sheet)
    frame = pd.DataFrame.from_records(list(records), columns=names)
    for col in sheet.data_columns:
        frame[col.key] = frame[col.key].astype(_DTYPES.get(col.kind, "object"))
    frame["excel_row"] = frame["excel_row"].astype("Int64")
    for flag in (JOINT_DUPLICATE, COPY):
        frame[flag] = frame[flag].astype("object").fillna(False).astype(bool)
    for key in ("source_file", "section", "association", "sheet"):
        frame[key] = frame[key].astype("object")
    for col in sheet.data_columns:
        if col.kind not in _DTYPES:
            frame[col.key] = frame[col.key].astype("object").where(frame[col.key].notna(), None)
    return frame
