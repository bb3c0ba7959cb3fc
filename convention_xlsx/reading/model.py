"""What reading one file gives: the raw cells of every sheet, or the reason it failed.

Values are exactly what the file holds, not yet interpreted: ``None`` for an empty
cell, ``str``, ``int``, ``float``, ``bool``, ``datetime.date``/``datetime.datetime``/
``datetime.time``. ``RawSheet.rows[i][j]`` is the cell at Excel row ``i + 1`` and column
``j + 1`` (so positions are the ones the volunteer sees); rows may be ragged.
Everything here is picklable: it crosses the process boundary of the reading pool.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class RawSheet:
    name: str
    rows: list[list[object]]
    hidden: bool = False
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    """Merged ranges (first row, first column, last row, last column), 0-based and inclusive: the
    value sits in the first cell, the others read as empty."""
    formulas_without_value: list[str] = field(default_factory=list)
    """A1 references (``B12``) of formula cells saved without their result (a file written by a
    program, never opened in Excel or LibreOffice): their cell reads as None. xlsx/xlsm only."""
    unread: bool = False
    """A sheet whose cells nobody uses (the template's lists, référentiel, notice): listed, ``rows`` left empty."""


@dataclass
class FileInfo:
    """Facts about an input file, known before parsing (for the run manifest)."""

    path: str
    """Shown to the user: relative to the input folder, with ``/`` separators."""
    size: int = 0
    sha256: str = ""
    modified: dt.datetime | None = None
    format: str = ""
    """The sniffed format: ``xlsx``, ``xlsm``, ``ods``, ``xls``… (not the extension)."""


@dataclass
class RawWorkbook:
    info: FileInfo
    sheets: list[RawSheet]
    has_macros: bool = False
    properties: dict[str, str] = field(default_factory=dict)
    """Custom document properties when the reader gives them (e.g. ``Version du modèle``)."""
    notes: list[tuple[str, str]] = field(default_factory=list)
    """(finding code, French message) noticed while reading, for warnings such as macros."""


@dataclass
class ReadFailure:
    info: FileInfo
    code: str
    """A file-scope finding code of ``findings.CATALOGUE`` (``fichier-illisible``, ``fichier-chiffre``…)."""
    reason: str
    """French: what is wrong with the file and what to do."""
