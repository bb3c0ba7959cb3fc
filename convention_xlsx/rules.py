"""The rules of DOMAINE.md, as generators of issues. No file access, no Excel library.

Row rules look at one typed row of one sheet (here: they run in the reading pool's children, which
need not import pandas); the rules between rows, over the consolidated tables, are in
:mod:`convention_xlsx.table_rules`. They yield :class:`RowIssue` values (a code of the catalogue,
the column concerned, a French message); the caller turns them into findings
placed at the volunteer's cell.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from . import conventions
from .schema import Column, Kind, Sheet, Span, Spec

MASKED = "(texte masqué : données personnelles)"
"""What replaces a free text that seems to identify a detainee."""

_DETAINEE_PATTERNS = (
    re.compile(r"[ée]crou\W{0,6}(?:n[°o]\W{0,3})?\d{3,}", re.IGNORECASE),
    re.compile(r"\bn[°o]\s*d\W?[ée]crou", re.IGNORECASE),
    re.compile(r"\bd[ée]tenue?s?\s+(?:(?:m\.|mme|mr|monsieur|madame)\s+)?[A-ZÀ-Ý][a-zà-ÿ\-]+"),
)


@dataclass(frozen=True)
class RowIssue:
    code: str
    column: str
    """The column key the issue is placed at."""
    message: str
    suggestion: str = ""
    left_out: tuple[str, ...] = ()
    """For an erreur outside the record's identity: the values left out (default: ``column``)."""


@dataclass(frozen=True)
class Period:
    """The convention period, the day of the run (no date may be after it) and the arrêté
    (what is "current", e.g. a mandate, is judged at the arrêté; by default the day of the run)."""

    start: dt.date
    end: dt.date
    today: dt.date
    arrete: dt.date | None = None

    @property
    def as_of(self) -> dt.date:
        return self.arrete or self.today


def looks_like_detainee_identification(text: str) -> bool:
    """True when a free text seems to identify a detainee (an écrou number, « détenu » + a name)."""
    return any(p.search(text) for p in _DETAINEE_PATTERNS)


def row_issues(sheet: Sheet, row: Mapping[str, object], period: Period, spec: Spec,
               extension: str = "") -> Iterator[RowIssue]:
    """Every rule of one typed row (values already normalised; missing ones are None): the declared ones
    (dates, periods, columns that require a value elsewhere), then the convention's own (``extension``)."""
    for col in sheet.data_columns:
        value = row.get(col.key)
        if value is None:
            continue
        if col.kind in (Kind.DATE, Kind.MONTH):
            yield from _date_rules(col, value, period)
        elif col.free_text and isinstance(value, str) and looks_like_detainee_identification(value):
            yield RowIssue(
                "donnees-personnelles", col.key,
                "Ce texte semble identifier une personne détenue (numéro d'écrou, nom) : il n'est pas "
                "repris dans le tableau de bord. Retirez-le du classeur : aucune personne détenue ne "
                "doit y être nommée.",
            )
    for span in sheet.spans:
        yield from _span_rules(sheet, span, row)
    for col in sheet.columns:
        if col.requires is not None and row.get(col.key) not in (None, "", 0):
            other, value = sheet.column(col.requires[0]), col.requires[1]
            if row.get(other.key) != value:
                yield RowIssue(
                    "montant-sans-acceptation", col.key,
                    f"« {col.label} » est saisi alors que « {other.label} » n'est pas « {value} » : corrigez "
                    f"« {other.label} » ou videz « {col.label} ».", value,
                )
    yield from conventions.load(extension).row_rules(sheet, row, period, spec)


def _date_rules(col: Column, value: object, period: Period) -> Iterator[RowIssue]:
    if not isinstance(value, dt.date):
        return
    shown = value.strftime("%m/%Y" if col.kind is Kind.MONTH else "%d/%m/%Y")
    last = value
    if col.kind is Kind.MONTH:  # a month is in the period when any of its days is
        last = (value.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    if col.in_period and (last < period.start or value > period.end):
        yield RowIssue(
            "date-hors-periode", col.key,
            f"{shown} est hors de la période de la convention (du {period.start:%d/%m/%Y} au "
            f"{period.end:%d/%m/%Y}) : vérifiez l'année.",
        )
    elif col.not_future and value > period.today:
        yield RowIssue(
            "date-future", col.key,
            f"{shown} est postérieure au jour du traitement ({period.today:%d/%m/%Y}) : vérifiez la date.",
        )


def _span_rules(sheet: Sheet, span: Span, row: Mapping[str, object]) -> Iterator[RowIssue]:
    """A period of fixed duration (a mandate): both dates or neither, the end not before the start; a
    faulty period leaves both dates out (the rest of the row is kept)."""
    start, end = row.get(span.start), row.get(span.end)
    first, last = sheet.column(span.start).label, sheet.column(span.end).label
    both = (span.start, span.end)
    if start is not None and end is None:
        yield RowIssue("mandat-sans-fin", span.end,
                       f"« {first} » est saisi sans « {last} » : la période est à durée déterminée, saisissez sa "
                       "date de fin.", left_out=both)
    elif end is not None and start is None:
        yield RowIssue("mandat-sans-debut", span.start, f"« {last} » est saisi sans « {first} » : saisissez la date "
                       "de début.", left_out=both)
    elif isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        yield RowIssue(
            "mandat-fin-avant-debut", span.end,
            f"« {last} » ({end:%d/%m/%Y}) est avant « {first} » ({start:%d/%m/%Y}) : vérifiez les deux dates.",
            left_out=both,
        )
