"""The typed model of the section workbook: sheets, columns, kinds, parties, versions.

The model is loaded from the workbook's description, a TOML file under ``modeles/`` that the
référent edits (:mod:`convention_xlsx.spec` reads it; the configuration names it). Nothing
here spells a sheet name, a header, a dropdown value or a party: they are data. The template is
generated from a :class:`Spec`, the reader finds headers with it, the validation checks values
against it, the consolidation types its tables with it and the dashboard labels its columns
with it. Identifiers (``key``) are English and are what the code uses; labels are French.

It imports nothing from this package.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum


class Kind(str, Enum):
    """How a cell is typed, checked and consolidated (the value is the spec file's word)."""

    TEXT = "texte"
    DATE = "date"
    MONTH = "mois"
    COUNT = "entier"
    AMOUNT = "montant"
    DECIMAL = "nombre"
    BOOL = "oui-non"
    CHOICE = "liste"
    ESTABLISHMENT = "code"
    EMAIL = "courriel"
    DERIVED = "calcule"

    @property
    def description(self) -> str:
        """What a volunteer must type, in French (documentation, help)."""
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    Kind.TEXT: "texte",
    Kind.DATE: "date (jj/mm/aaaa)",
    Kind.MONTH: "mois (05/2023, mai 2023 ou une date du mois)",
    Kind.COUNT: "nombre entier ≥ 0",
    Kind.AMOUNT: "montant en €",
    Kind.DECIMAL: "nombre ≥ 0",
    Kind.BOOL: "oui/non",
    Kind.CHOICE: "liste",
    Kind.ESTABLISHMENT: "code du référentiel",
    Kind.EMAIL: "courriel",
    Kind.DERIVED: "calculé (jamais lu)",
}


@dataclass(frozen=True)
class Column:
    """One column of a table sheet, or one label/value field of the ``fields`` sheet.

    ``in_period``: a date that must fall inside the convention period (event dates).
    ``not_future``: a date that may not be after the day of the run.
    ``personal``: a volunteer's name; kept out of every sheet but the mandates'.
    ``free_text``: scanned for detainee identification (personal data warning).
    ``locked``: written by the template, not by the volunteer.
    ``aliases``: other spellings of the header that a volunteer may have typed.
    ``party``: the party (association) authoritative for this column, "" for none.
    ``terms``: choice values whose meaning the figures rely on, by an English name.
    ``allowed``: the dropdown values (the choices, or yes/no for a ``oui-non`` column).
    """

    key: str
    label: str
    kind: Kind
    help: str
    choices: tuple[str, ...] = ()
    required: bool = False
    in_period: bool = False
    not_future: bool = False
    personal: bool = False
    free_text: bool = False
    locked: bool = False
    width: int = 16
    aliases: tuple[str, ...] = ()
    party: str = ""
    identity: bool = False
    """Part of the record's identity (besides required columns, joint key and date): an error
    here rejects the row, not only the value."""
    terms: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict, hash=False)
    allowed: tuple[str, ...] = ()
    demo_range: tuple[float, float] | None = None
    """The demo's plausible values of a number column (``demo_valeurs = [min, max]``)."""
    requires: tuple[str, str] | None = None
    """(column key, value): this column may be filled only when that column holds that value (an amount
    obtained only for an accepted call), else a warning."""

    @property
    def derived(self) -> bool:
        return self.kind is Kind.DERIVED

    def term(self, name: str) -> str:
        """The one value a term names (``KeyError`` when the spec does not declare it)."""
        value = self.terms[name]
        return value if isinstance(value, str) else value[0]

    def term_values(self, name: str) -> tuple[str, ...]:
        """The values a term names (one or several)."""
        value = self.terms[name]
        return (value,) if isinstance(value, str) else tuple(value)


@dataclass(frozen=True)
class Span:
    """Two date columns of one row that make a period of fixed duration (a mandate): both or neither, the end
    not before the start."""

    start: str
    end: str


TABLE, FIELDS, TEXT = "tableau", "champs", "texte"
"""The layouts of a sheet: one record per row under a header row, label/value pairs, or text."""


@dataclass(frozen=True)
class Sheet:
    """One sheet of the section workbook.

    ``joint_key``: the columns that identify a joint record reported by both parties (it counts
    once in the figures); ``joint_when``: (column key, value) that marks a record as joint, None
    when every record of the sheet is. ``date_key``: the column that places a record in time.
    """

    key: str
    name: str
    help: str
    layout: str = TABLE
    columns: tuple[Column, ...] = ()
    prepared_rows: int = 0
    joint_key: tuple[str, ...] = ()
    joint_when: tuple[str, str] | None = None
    date_key: str | None = None
    aliases: tuple[str, ...] = ()
    """Other names the sheet may have in a volunteer's workbook (a renamed tab)."""
    spans: tuple[Span, ...] = ()
    """Periods of fixed duration held by two date columns of each row (``periodes``)."""
    demo_rows: tuple[float, float] | None = None
    """The demo's plausible rows per section and year (``demo_lignes = [min, max]``)."""

    @functools.cached_property
    def data_columns(self) -> tuple[Column, ...]:
        """The columns read from the file (derived ones are computed, never read). Cached, like
        :meth:`column`'s index: both are asked for at every row of every workbook."""
        return tuple(c for c in self.columns if not c.derived)

    @functools.cached_property
    def _by_key(self) -> dict[str, Column]:
        return {col.key: col for col in reversed(self.columns)}

    def column(self, key: str) -> Column:
        return self._by_key[key]

    def has(self, key: str) -> bool:
        return any(col.key == key for col in self.columns)

    def is_identity(self, col: Column) -> bool:
        """An error in ``col`` rejects the row: required, identity, joint key or the record's date."""
        return col.required or col.identity or col.key in self.joint_key or col.key == self.date_key

    @property
    def joint_value(self) -> str | None:
        """The value of ``joint_when``'s column that marks a joint record (None: every record is)."""
        return self.joint_when[1] if self.joint_when else None


@dataclass(frozen=True)
class Party:
    """A party of the convention (an association) and its own columns of the sites sheet."""

    name: str
    in_sentence: str
    """How a French sentence names it: « l'ANVP », « Auxilia »."""
    presence: str = ""
    """Column key of its presence (oui/non) in the sites sheet."""
    headcount: str = ""
    """Column key of its headcount in the sites sheet (visitors, correspondents…)."""


CHANGE_ACTIONS = ("colonne ajoutée", "colonne retirée", "colonne renommée", "valeur renommée", "feuille renommée")
"""What a version may declare it changed since the previous one (spec file words)."""


@dataclass(frozen=True)
class Change:
    """One change of a version: ``action`` in :data:`CHANGE_ACTIONS`; ``sheet`` and ``column`` are
    keys; ``old``/``new`` a header, a sheet name or a value before and after."""

    action: str
    sheet: str
    column: str = ""
    old: str = ""
    new: str = ""


@dataclass(frozen=True)
class Version:
    version: str
    date: str = ""
    notes: str = ""
    changes: tuple[Change, ...] = ()


SECTION_KEYS = ("association", "section_name", "updated", "template_version")
"""The fields every ``fields`` sheet must have (who sends, when, with which template)."""


@dataclass(frozen=True)
class Spec:
    """The whole section workbook: sheets in the order volunteers see them, parties, versions."""

    sheets: tuple[Sheet, ...]
    parties: tuple[Party, ...]
    versions: tuple[Version, ...]
    title: str = "Rapport de section"
    lists_sheet: str = "Listes"
    referentiel_sheet: str = "Référentiel"
    """A visible sheet of the template listing the référentiel by group (DISP), for the volunteer."""
    return_sheet: str = "À corriger"
    """The sheet an annotated return adds first (recognised, never flagged, when the file comes back)."""
    yes: str = "Oui"
    no: str = "Non"
    source: str = ""
    notice: Mapping[str, str] = field(default_factory=dict, hash=False)
    """The convention's own texts of the Lisez-moi sheet (``[modele.lisez_moi]``: but, recueilli, pourquoi,
    destinataires); the engine's generic wording where one is missing."""

    @property
    def version(self) -> str:
        """The current template version (the last one declared)."""
        return self.versions[-1].version

    @property
    def party_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parties)

    def party(self, name: str) -> Party:
        for p in self.parties:
            if p.name == name:
                return p
        raise KeyError(name)

    def in_sentence(self, name: str) -> str:
        """A party's name in a French sentence (« l'ANVP »); any other name as it is."""
        return next((p.in_sentence for p in self.parties if p.name == name), name)

    @property
    def table_sheets(self) -> tuple[Sheet, ...]:
        return tuple(s for s in self.sheets if s.layout == TABLE)

    @property
    def section(self) -> Sheet:
        """The ``fields`` sheet: who sends the workbook."""
        return next(s for s in self.sheets if s.layout == FIELDS)

    @property
    def readme(self) -> Sheet | None:
        return next((s for s in self.sheets if s.layout == TEXT), None)

    @property
    def sites(self) -> Sheet | None:
        """The table sheet with one row per site of the référentiel (an establishment) and the
        parties' presence columns; None when the convention has none."""
        presence = {p.presence for p in self.parties if p.presence}
        return next((s for s in self.table_sheets if presence & {c.key for c in s.columns}), None)

    def sheet(self, key: str) -> Sheet:
        for s in self.sheets:
            if s.key == key:
                return s
        raise KeyError(key)

    def has_sheet(self, key: str) -> bool:
        return any(s.key == key for s in self.sheets)

    @property
    def by_key(self) -> dict[str, Sheet]:
        return {s.key: s for s in self.sheets}

    @property
    def by_name(self) -> dict[str, Sheet]:
        return {s.name: s for s in self.sheets}

    def versions_after(self, version: str) -> tuple[Version, ...]:
        """The versions newer than ``version`` (empty when it is the current one or unknown)."""
        names = [v.version for v in self.versions]
        if version not in names:
            return ()
        return self.versions[names.index(version) + 1:]

    def knows(self, version: str) -> bool:
        return any(v.version == version for v in self.versions)
