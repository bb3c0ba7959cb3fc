"""What volunteers really type: French text dates, and a few percent of mistakes the consolidation must catch.

Each deliberate mistake is recorded as a :class:`Mistake` at the cell it is written to, with the
finding code the validation must report there, so that tests (and the demo's summary) can check
that the consolidation reports exactly them. Variations that are not mistakes (``15/03/2023`` or
``15 mars 2023`` typed as text, ``05/2023`` or ``mai 2023`` for a month, ``x`` for Oui) are
accepted by the validation and recorded nowhere.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from ..config import Referentiel
from ..schema import Sheet
from ..template import FIRST_DATA_ROW
from .plan import SPEC, VOCAB, Section

DATE_KEY = {"actions": "date", "meetings": "date", "referrals": "month", "trainings": "date",
            "communication": "date", "calls": "filed"}
"""The dated sheets and the column that dates their rows."""

MONTH_NAMES = dict(enumerate(("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                               "septembre", "octobre", "novembre", "décembre"), start=1))

MISSPELT = VOCAB.typos
"""(sheet, column) → {dropdown value: how it gets misspelt} (``data/demo_anvp_auxilia.toml``)."""
WITH_CODE = ("actions", "meetings", "referrals")
COUNTS = {"actions": "people_reached", "referrals": "informed", "trainings": "anvp_participants"}
RATE = 0.02
"""Share of event rows given a mistake."""


@dataclass(frozen=True)
class Mistake:
    """A deliberate mistake: where it is written and the finding the consolidation must report there."""

    file: str
    sheet: str
    cell: str
    code: str
    value: str
    kind: str
    """``liste``, ``code``, ``negatif``, ``annee`` or ``mandat``."""


Edit = tuple[str, object, str]
"""(column key, value typed, expected finding code)."""


def _misspelt(sheet: str, row: dict, rng: random.Random, ref: Referentiel) -> Edit | None:
    for (key, column), typos in MISSPELT.items():
        if key == sheet and row.get(column) in typos:
            return column, typos[row[column]], "valeur-hors-liste"
    return None


def _unknown_code(sheet: str, row: dict, rng: random.Random, ref: Referentiel) -> Edit | None:
    """The commune typed instead of the code (« Nanterre » for CP-NANTERRE)."""
    code = row.get("establishment")
    if sheet in WITH_CODE and code:
        return "establishment", ref[code].commune, "code-etablissement-inconnu"
    return None


def _negative(sheet: str, row: dict, rng: random.Random, ref: Referentiel) -> Edit | None:
    column = COUNTS.get(sheet)
    if column and isinstance(row.get(column), int):
        return column, -max(1, row[column]), "nombre-negatif"
    return None


def _year_typo(sheet: str, row: dict, rng: random.Random, ref: Referentiel) -> Edit | None:
    """A date typed with the year ten years off (2013 for 2023): outside the convention's period."""
    column = DATE_KEY.get(sheet)
    if column and column != "month" and isinstance(row.get(column), dt.date):
        day = row[column]
        return column, f"{day.day:02d}/{day.month:02d}/{day.year - 10}", "date-hors-periode"
    return None


def _mandate_swapped(sheet: str, row: dict, rng: random.Random, ref: Referentiel) -> Edit | None:
    if sheet == "volunteers" and row.get("mandate_start") and row.get("mandate_end"):
        start, end = row["mandate_start"], row["mandate_end"]
        row["mandate_start"] = end  # the two dates typed the wrong way round
        return "mandate_end", start, "mandat-fin-avant-debut"
    return None


KINDS: dict[str, Callable[[str, dict, random.Random, Referentiel], Edit | None]] = {
    "liste": _misspelt, "code": _unknown_code, "negatif": _negative, "annee": _year_typo,
    "mandat": _mandate_swapped,
}


def as_typed(day: dt.date, rng: random.Random, month: bool = False) -> object:
    """A date (or a month) as volunteers type it: mostly a real date, sometimes French text
    (``15/03/2023``, ``15 mars 2023``; ``03/2023``, ``mars 2023`` for a month)."""
    roll = rng.random()
    numeric, spelt = (0.10, 0.15) if month else (0.05, 0.07)
    prefix = "" if month else f"{day.day:02d}/"
    if roll < numeric:
        return f"{prefix}{day.month:02d}/{day.year}"
    if roll < spelt:
        return f"{'' if month else f'{day.day} '}{MONTH_NAMES[day.month]} {day.year}"
    return day


class Typist:
    """Turns a section's records into what is typed in its file, recording the deliberate mistakes."""

    def __init__(self, rng: random.Random, referentiel: Referentiel) -> None:
        self.rng, self.ref = rng, referentiel
        self.mistakes: list[Mistake] = []
        self.used: set[str] = set()

    def mistype(self, section: Section, file: str, rate: float = RATE) -> None:
        """Give about ``rate`` of the section's event rows a mistake of a kind that fits the row."""
        for sheet in SPEC.table_sheets:
            if sheet.key == "establishments":
                continue
            for index, row in enumerate(section.tables[sheet.key]):
                if self.rng.random() < rate and "_typed" not in row:
                    kinds = list(KINDS)
                    self.rng.shuffle(kinds)
                    for kind in kinds:
                        if self.apply(kind, sheet, index, row, file):
                            break

    def force(self, kind: str, candidates: list[tuple[Section, str]],
              when: Callable[[dict], bool] = lambda row: True) -> bool:
        """Make sure one mistake of ``kind`` exists: on the first row of ``candidates`` it fits."""
        for section, file in candidates:
            for sheet in SPEC.table_sheets:
                for index, row in enumerate(section.tables[sheet.key]):
                    if "_typed" not in row and when(row) and self.apply(kind, sheet, index, row, file):
                        return True
        return False

    def apply(self, kind: str, sheet: Sheet, index: int, row: dict, file: str) -> bool:
        edit = KINDS[kind](sheet.key, row, self.rng, self.ref)
        if edit is None:
            return False
        column, value, code = edit
        row[column] = value
        row["_typed"] = column
        position = [c.key for c in sheet.columns].index(column) + 1
        cell = f"{get_column_letter(position)}{FIRST_DATA_ROW + index}"
        shown = f"{value:%d/%m/%Y}" if isinstance(value, dt.date) else str(value)
        self.mistakes.append(Mistake(file, sheet.name, cell, code, shown, kind))
        self.used.add(kind)
        return True

    def render(self, rows: list[dict], sheet_key: str) -> list[dict]:
        """The rows as typed: dates sometimes as French text; mistakes kept; private keys dropped."""
        column = DATE_KEY.get(sheet_key)
        typed = []
        for row in rows:
            out = {k: v for k, v in row.items() if not k.startswith("_")}
            if column and row.get("_typed") != column and isinstance(out.get(column), dt.date):
                out[column] = as_typed(out[column], self.rng, month=column == "month")
            typed.append(out)
        return typed
