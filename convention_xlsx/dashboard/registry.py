"""The dashboard's sheets, listed once: which sheets a convention's dashboard has, in which order, for which
edition and for the printed summary.

The list follows the data: a sites sheet and its per-group sheet when the convention declares a presence
indicator, one detail sheet per dated sheet of the workbook (with its obligation grid when one is declared
on it), one sheet per validity indicator (the only sheets that name people: not in the members' edition).
The dashboard's own sheet names are here; the workbook's come from its description.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..declaration import OBLIGATION, PRESENCE, VALIDITY
from ..indicators.board import Figures

COMPLETE, MEMBERS = "complete", "membres"
EDITIONS = (COMPLETE, MEMBERS)
"""``complete`` for the presidents and référents; ``membres`` for the members (§5): the same figures without
volunteers' names, anomalies, validity sheets, manifest or contact details."""

SYNTHESE = "Synthèse"
EVOLUTION = "Évolution"
CHANGES = "Changements"
FOLLOW_UP = "Suivi des envois"
BILAN = "Bilan"
RECOMMENDATIONS = "Recommandations"
ANOMALIES = "Anomalies"
ABOUT = "À propos"


@dataclass(frozen=True)
class SheetEntry:
    key: str
    """``synthese``, ``sites``, ``groups``, ``evolution``, ``changes``, ``detail:<sheet key>``,
    ``validity:<indicator key>``, ``follow_up``, ``bilan``, ``recommendations``, ``anomalies``, ``about``."""
    name: str
    what: str = ""
    """One line for the Synthèse's contents."""
    summary: bool = False
    """In the printed summary (``--pdf``)."""
    members: bool = True
    """In the members' edition."""
    header_row: int | None = 3
    """The table header repeated on every printed page (None: none)."""


def site_plural(f: Figures) -> str:
    return f.site_plural[:1].upper() + f.site_plural[1:]


def entries(f: Figures, edition: str = COMPLETE, only: tuple[str, ...] | None = None) -> list[SheetEntry]:
    """The sheets of ``f``'s dashboard for ``edition``, in order (restricted to ``only`` sheet names)."""
    if edition not in EDITIONS:
        raise ValueError(f"unknown edition {edition!r}")
    board, spec = f.board, f.spec
    out = [SheetEntry("synthese", SYNTHESE, summary=True, header_row=None)]
    presence = board.presence
    if presence is not None and len(f.sites):
        name = presence.sheet_title or site_plural(f)
        out.append(SheetEntry("sites", name, f"chaque {f.site_label} : présence, bénévoles, réunions", summary=True))
        out.append(SheetEntry("groups", f"Par {f.group_label}", f"statuts de présence par {f.group_label}",
                              summary=True))
    if any(i.evolution for i in board.indicators):
        out.append(SheetEntry("evolution", EVOLUTION, "chiffres mois par mois depuis le début de la convention"))
    if presence is not None and len(f.sites):
        out.append(SheetEntry("changes", CHANGES, f"ce qui a changé dans chaque {f.site_label} depuis le mois "
                              "précédent et depuis l'an dernier", summary=True))
    obligations = {i.sheet: i for i in board.indicators if i.kind == OBLIGATION}
    for sheet in spec.table_sheets:
        if sheet.date_key is None:
            continue
        name = obligations[sheet.key].sheet_title if sheet.key in obligations and obligations[sheet.key].sheet_title \
            else sheet.name
        out.append(SheetEntry(f"detail:{sheet.key}", name, sheet.help))
    for ind in board.indicators:
        if ind.kind == VALIDITY:
            out.append(SheetEntry(f"validity:{ind.key}", ind.sheet_title or ind.label, ind.label.lower()
                                  + " : en cours, à renouveler, expirés", members=False))
    out += [
        SheetEntry("follow_up", FOLLOW_UP, "qui a envoyé, qui relancer", summary=True),
        SheetEntry("bilan", BILAN, "l'année du bilan et la précédente, indicateur par indicateur", summary=True,
                   header_row=3),
        SheetEntry("recommendations", RECOMMENDATIONS, "ce que les chiffres conseillent, avec leurs éléments",
                   summary=True, header_row=3),
        SheetEntry("anomalies", ANOMALIES, "anomalies relevées dans les classeurs", members=False),
        SheetEntry("about", ABOUT, "versions et fichiers traités", header_row=None),
    ]
    if edition == MEMBERS:
        out = [e for e in out if e.members]
    if only is not None:
        out = [e for e in out if e.name in only]
    return out


def home(f: Figures, ind, by_key: dict[str, str]) -> str:
    """The sheet a tile of ``ind`` links to: its sites, its validity periods, or the detail of its sheet."""
    if ind.kind == PRESENCE:
        return by_key.get("sites", "")
    if ind.kind == VALIDITY:
        return by_key.get(f"validity:{ind.key}", "")
    return by_key.get(f"detail:{ind.sheet}", "")


def summary_names(f: Figures, edition: str = COMPLETE) -> tuple[str, ...]:
    """The sheets of the printed summary (tens of pages, not the thousands of the detail)."""
    return tuple(e.name for e in entries(f, edition) if e.summary)


def link(sheet: str, cell: str = "A1") -> str:
    """An internal hyperlink target to ``cell`` of ``sheet``."""
    return f"internal:'{sheet}'!{cell}"


__all__ = ["COMPLETE", "EDITIONS", "MEMBERS", "SheetEntry", "entries", "home", "link", "summary_names"]
