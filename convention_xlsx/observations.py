"""The référents' observations, carried over from the previous dashboard so that nothing they wrote is lost.

In the ``Bilan`` sheet each indicator and each recommendation has an observation cell; the
cell just right of it, in a hidden column, holds a key ``obs:<year>:<kind>:<id>|<label>``.
The next run finds the keys wherever rows were moved, and writes every non-empty
observation back beside the same indicator or recommendation — or, when that one is gone
(a recommendation no longer applies, another bilan year), in a list of earlier observations.
The free box is the workbook's defined name ``Observations`` (its top-left cell).

Reading the previous dashboard is the only file access here (openpyxl, read-only); problems
become French notes for the référent, never a failed run.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from .errors import describe_os_error
from .reading.decrypt import is_encrypted
from .text import fold

PREFIX = "obs:"
SHEET = "Bilan"
SHEETS = ("Bilan", "Recommandations")
"""The sheets whose hidden key cells are read (the bilan's indicators, its recommendations)."""
FREE_BOX = "Observations"
MONTHLY = re.compile(r"^tableau_de_bord_\d{4}-\d{2}\.xlsx$")
"""The default names of monthly dashboards (not the demo's, not the members' edition)."""


@dataclass(frozen=True)
class Observation:
    key: str
    label: str
    text: str


@dataclass
class CarriedObservations:
    """What the référents wrote in a previous dashboard."""

    items: dict[str, Observation] = field(default_factory=dict)
    free: str = ""
    source: Path | None = None
    notes: list[str] = field(default_factory=list)
    """French messages for the référent (encrypted or unreadable previous dashboard)."""

    def __len__(self) -> int:
        return len(self.items) + bool(self.free)


def key_for(year: int, kind: str, ident: str) -> str:
    """``obs:2023:reco:mandats-a-renouveler``: stable across runs and layouts."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(ident).lower()).strip("-")
    return f"{PREFIX}{year}:{kind}:{slug}"


def key_cell(key: str, label: str) -> str:
    """The hidden cell's text: the key, then the label shown if the observation is orphaned."""
    return f"{key}|{label}"


def find_previous(folder: Path, target: Path) -> Path | None:
    """The newest monthly dashboard in ``folder`` (by modification time), the target itself
    included: it is read before it is replaced, so observations typed into it survive a rerun."""
    if not folder.is_dir():
        return None
    candidates = [p for p in folder.iterdir() if p.is_file() and (MONTHLY.match(p.name) or p == target)]
    return max(candidates, key=lambda p: p.stat().st_mtime, default=None)


def read_observations(path: Path, password: str | None = None) -> CarriedObservations:
    """The observations of the dashboard at ``path`` (empty, with a note, when it cannot be read)."""
    out = CarriedObservations(source=path)
    try:
        data = path.read_bytes()
    except OSError as err:
        out.notes.append(f"Tableau de bord précédent {path} illisible ({describe_os_error(err)}) : "
                         "ses observations ne sont pas reprises.")
        return out
    if is_encrypted(data):
        if not password:
            out.notes.append(f"Le tableau de bord précédent {path.name} est chiffré : ses observations ne sont pas "
                             "reprises (donnez le même mot de passe avec --chiffrer, ou indiquez un autre "
                             "fichier avec --precedent).")
            return out
        from .reading.decrypt import decrypt
        from .reading.limits import ReadProblem

        try:
            data = decrypt(data, password, "xlsx")
        except ReadProblem:
            out.notes.append(f"Le mot de passe ne déchiffre pas le tableau de bord précédent {path.name} : "
                             "ses observations ne sont pas reprises.")
            return out
    try:
        _read(io.BytesIO(data), out)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as err:
        out.notes.append(f"Le tableau de bord précédent {path.name} n'a pas pu être lu ({err}) : ses "
                         "observations ne sont pas reprises.")
    return out


def _read(stream: io.BytesIO, out: CarriedObservations) -> None:
    wb = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    try:
        box = _box_cell(wb)
        for name in (s for s in SHEETS if s in wb.sheetnames):
            ws = wb[name]
            for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
                for c, value in enumerate(row):
                    if name == SHEET and box == (r, c) and _text(value):
                        out.free = _text(value)
                    if isinstance(value, str) and value.startswith(PREFIX) and c >= 1:
                        key, _, label = value.partition("|")
                        text = _text(row[c - 1])
                        if text:
                            out.items[key] = Observation(key, label, text)
    finally:
        wb.close()


def _box_cell(wb) -> tuple[int, int] | None:
    """(row, 0-based column) of the free box's top-left cell, from its defined name."""
    name = wb.defined_names.get(FREE_BOX)
    if name is None:
        return None
    for sheet, ref in name.destinations:
        if sheet == SHEET:
            match = re.match(r"\$?([A-Z]+)\$?(\d+)", ref)
            if match:
                return int(match.group(2)), openpyxl.utils.column_index_from_string(match.group(1)) - 1
    return None


def _text(value: object) -> str:
    if value is None:
        return ""
    return str(value).strip()
