"""The demo of any convention described in data: plausible workbooks drawn from its description alone.

A convention with no demo world of its own (``data/demo_<extension>.toml``) still gets the whole loop on
fictitious data: its expected sections each send a workbook whose rows are drawn from the workbook's
description — a date in the convention's period for a dated sheet, a value of its dropdown, a code of a
site the section follows, a count, a fictitious name — with each party filling only its own columns, joint
records reported by both parties with the same key, periods whose end follows their start, and a few
deliberate mistakes recorded at their cell (a misspelt dropdown value, a negative count, a year ten years
off). A section sends nothing, one is late and one sends twice, as in real months. Pure: the seed decides.
"""

from __future__ import annotations

import datetime as dt
import random

from ..config import Config, ExpectedSection
from ..schema import Column, Kind, Sheet
from ..template import FIRST_DATA_ROW
from . import DemoPlan, DemoWorkbook, Mistake
from .people import person, random_date, slug

RATE = 0.03
"""Share of rows given a deliberate mistake."""
TEXTS = ("Séance de travail", "Point d'étape", "Rencontre avec les partenaires", "Bilan intermédiaire",
         "Atelier collectif", "Présentation du programme")
"""Free texts the fictitious volunteers write (they name nobody)."""


def plan_generic(config: Config, seed: int = 1, sections: int | None = None,
                 today: dt.date | None = None) -> DemoPlan:
    """Everything the demo of ``config``'s convention writes, decided from ``seed``."""
    today = today or dt.date.today()
    rng = random.Random(seed)
    spec = config.spec
    last = min(config.period_end, today)
    expected = list(config.sections) or [
        ExpectedSection(party, "National", (), f"national@{slug(party)}.example.org") for party in spec.party_names]
    if sections is not None:
        expected = expected[:max(sections, len(spec.party_names))]
    local = [s for s in expected if s.establishments]
    roles = rng.sample(local, 3) if len(local) >= 4 else []
    missing, late, twice = roles if roles else (None, None, None)
    drawer = _Drawer(rng, config, last)
    updated = {}
    for s in expected:
        updated[_label(s)] = random_date(rng, last.replace(day=1), min(last, last.replace(day=20)))
    if late is not None:
        updated[_label(late)] = last - dt.timedelta(days=rng.randint(95, 140))
    tables = {_label(s): {sheet.key: drawer.rows(sheet, s, updated[_label(s)]) for sheet in spec.table_sheets}
              for s in expected}
    drawer.share_joint_records(expected, tables)
    workbooks, mistakes = [], []
    twice_files = ("", "")
    for s in expected:
        if s is missing:
            continue
        file = f"{slug(s.association)}_{slug(s.name)}_{updated[_label(s)]:%Y-%m}.xlsx"
        if s is twice:
            older = updated[_label(s)].replace(day=1) - dt.timedelta(days=rng.randint(3, 25))
            older_file = f"{slug(s.association)}_{slug(s.name)}_{older:%Y-%m}.xlsx"
            older_tables = {k: [r for r in rows if _when(spec.sheet(k), r) <= older]
                            for k, rows in tables[_label(s)].items()}
            workbooks.append(_workbook(s, older_file, older, older_tables, rng))
            twice_files = (older_file, file)
        mistakes += drawer.mistype(tables[_label(s)], file)
        workbooks.append(_workbook(s, file, updated[_label(s)], tables[_label(s)], rng))
    return DemoPlan(seed, expected, workbooks, mistakes,
                    missing=_label(missing) if missing else "", late=_label(late) if late else "", twice=twice_files)


def _label(section: ExpectedSection) -> str:
    return f"{section.association} {section.name}"


def _when(sheet: Sheet, row: dict) -> dt.date:
    value = row.get(sheet.date_key) if sheet.date_key else None
    return value if isinstance(value, dt.date) else dt.date.min


def _workbook(section: ExpectedSection, file: str, updated: dt.date, tables: dict[str, list[dict]],
              rng: random.Random) -> DemoWorkbook:
    last, first = person(rng)
    return DemoWorkbook(file, section.association, section.name, section.establishments, section.email,
                        f"{first} {last}", updated,
                        {k: [{c: v for c, v in r.items() if not c.startswith("_")} for r in rows]
                         for k, rows in tables.items()})


class _Drawer:
    """Draws the rows of one section's sheets from the workbook's description."""

    def __init__(self, rng: random.Random, config: Config, last: dt.date) -> None:
        self.rng, self.config, self.spec = rng, config, config.spec
        self.start, self.last = config.period_start, last
        self.codes = list(config.referentiel.codes)

    def rows(self, sheet: Sheet, section: ExpectedSection, updated: dt.date) -> list[dict]:
        rng = self.rng
        if sheet is self.spec.sites:
            return [self.row(sheet, section, updated, site=code) for code in section.establishments]
        low, high = sheet.demo_rows or (2, 5)
        if sheet.date_key is None:
            return [self.row(sheet, section, updated) for _ in range(rng.randint(int(low), int(high)))]
        out = []
        for year in range(self.start.year, updated.year + 1):
            for _ in range(rng.randint(int(low), int(high)) + (0 if sheet.demo_rows else
                                                               len(section.establishments) // 2)):
                out.append(self.row(sheet, section, updated, year=year))
        return sorted(out, key=lambda r: _when(sheet, r))

    def row(self, sheet: Sheet, section: ExpectedSection, updated: dt.date, year: int | None = None,
            site: str | None = None) -> dict:
        row: dict[str, object] = {}
        for col in sheet.data_columns:
            if col.party and col.party != section.association:
                continue  # the other party's own column: it fills it in its own workbook
            row[col.key] = self.value(sheet, col, section, updated, year, site)
        for span in sheet.spans:
            if row.get(span.start) is not None:
                start = row[span.start]
                row[span.end] = start + dt.timedelta(days=self.rng.choice((365, 730)))
            else:
                row[span.end] = None
        for col in sheet.columns:
            if col.requires is not None and row.get(col.requires[0]) != col.requires[1]:
                row[col.key] = None
        return row

    def value(self, sheet: Sheet, col: Column, section: ExpectedSection, updated: dt.date, year: int | None,
              site: str | None) -> object:
        rng = self.rng
        optional = not sheet.is_identity(col) and not col.required
        if optional and rng.random() < 0.15:
            return None  # volunteers leave optional cells empty
        if col.kind is Kind.ESTABLISHMENT:
            if site is not None:
                return site
            if section.establishments:
                return rng.choice(section.establishments)
            return rng.choice(self.codes) if not optional else None
        if col.kind in (Kind.DATE, Kind.MONTH):
            first = dt.date(year, 1, 1) if year else self.start
            end = min(dt.date(year, 12, 31) if year else self.last, updated)
            day = random_date(rng, max(first, self.start), max(max(first, self.start), end))
            return day.replace(day=1) if col.kind is Kind.MONTH else day
        low, high = col.demo_range or (0, {Kind.COUNT: 25, Kind.AMOUNT: 50_000}.get(col.kind, 40))
        if col.kind is Kind.COUNT:
            return rng.randint(int(low), int(high))
        if col.kind is Kind.AMOUNT:
            return float(round(rng.uniform(low, high), -2))
        if col.kind is Kind.DECIMAL:
            return round(rng.uniform(max(low, 0.5), high), 1)
        if col.kind is Kind.BOOL:  # demo_valeurs of a yes/no column: the share of « yes »
            return self.spec.yes if rng.random() < (col.demo_range[0] if col.demo_range else 0.6) else self.spec.no
        if col.kind is Kind.CHOICE:
            if set(col.allowed) == set(self.spec.party_names):
                return section.association
            return rng.choice(col.allowed)
        if col.kind is Kind.EMAIL:
            return f"{slug(person(rng)[1])}.{slug(section.name)}@example.org"
        if col.personal:
            last, first = person(rng)
            return last if "prenom" not in col.key and "first" not in col.key else first
        return f"{rng.choice(TEXTS)} {rng.randint(1, 99)}"

    def share_joint_records(self, sections: list[ExpectedSection], tables: dict[str, dict[str, list[dict]]]
                            ) -> None:
        """Some records of each sheet with a joint key are reported by a section of the other party too, with
        the same key: the figures count them once. Each party's own columns are its own."""
        rng = self.rng
        for sheet in self.spec.table_sheets:
            if not sheet.joint_key or sheet is self.spec.sites:
                continue
            for section in sections:
                partners = [s for s in sections if s.association != section.association]
                if not partners:
                    continue
                for row in list(tables[_label(section)][sheet.key]):
                    if row.get("_shared") or rng.random() > 0.12:
                        continue  # a record received from the other party is not passed on again
                    near = [p for p in partners if set(p.establishments) & set(section.establishments)]
                    partner = rng.choice(near or partners)
                    copy = {k: v for k, v in row.items()
                            if not sheet.has(k) or not sheet.column(k).party}
                    for col in sheet.data_columns:
                        if col.party == partner.association:
                            copy[col.key] = self.value(sheet, col, partner, self.last, None, None)
                    if sheet.joint_when is not None:
                        row[sheet.joint_when[0]] = copy[sheet.joint_when[0]] = sheet.joint_when[1]
                    copy["_shared"] = row["_shared"] = True
                    tables[_label(partner)][sheet.key].append(copy)

    def mistype(self, tables: dict[str, list[dict]], file: str) -> list[Mistake]:
        """A few rows typed wrong, each recorded at its cell with the finding the validation must give."""
        rng, out = self.rng, []
        for sheet in self.spec.table_sheets:
            for index, row in enumerate(tables[sheet.key]):
                if rng.random() > RATE:
                    continue
                choices = [c for c in sheet.data_columns if c.kind is Kind.CHOICE and len(c.allowed) > 1
                           and isinstance(row.get(c.key), str) and len(row[c.key]) > 5]
                counts = [c for c in sheet.data_columns if c.kind is Kind.COUNT and isinstance(row.get(c.key), int)]
                dated = sheet.date_key if isinstance(row.get(sheet.date_key or ""), dt.date) else None
                options = ([("liste", c) for c in choices] + [("negatif", c) for c in counts]
                           + ([("annee", sheet.column(dated))] if dated and sheet.column(dated).in_period else []))
                if not options:
                    continue
                kind, col = rng.choice(options)
                if kind == "liste":
                    value: object = row[col.key][:-3].rstrip()
                    code = "valeur-hors-liste"
                elif kind == "negatif":
                    value, code = -max(1, row[col.key]), "nombre-negatif"
                else:
                    day = row[col.key]
                    shown = day.strftime("%m/%Y") if col.kind is Kind.MONTH else day.strftime("%d/%m/%Y")
                    value, code = shown.replace(str(day.year), str(day.year - 10)), "date-hors-periode"
                row[col.key] = value
                position = [c.key for c in sheet.columns].index(col.key) + 1
                cell = f"{_letter(position)}{FIRST_DATA_ROW + index}"
                out.append(Mistake(file, sheet.name, cell, code, str(value), kind))
        return out


def _letter(position: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(position)
