"""The dashboard's own sheet names, in the order the presidents see them."""

from __future__ import annotations

SYNTHESE = "Synthèse"
ESTABLISHMENTS = "Établissements"
BY_DISP = "Par DISP"
EVOLUTION = "Évolution"
ACTIONS = "Actions"
MEETINGS = "Réunions"
REFERRALS = "Orientations"
TRAININGS = "Formations"
COMMUNICATION = "Communication"
CALLS = "Appels à projet"
MANDATES = "Mandats"
FOLLOW_UP = "Suivi des envois"
BILAN = "Bilan"
ANOMALIES = "Anomalies"
ABOUT = "À propos"

SHEET_NAMES: tuple[str, ...] = (
    SYNTHESE, ESTABLISHMENTS, BY_DISP, EVOLUTION, ACTIONS, MEETINGS, REFERRALS, TRAININGS, COMMUNICATION, CALLS,
    MANDATES, FOLLOW_UP, BILAN, ANOMALIES, ABOUT,
)

COMPLETE, MEMBERS = "complete", "membres"
EDITIONS = (COMPLETE, MEMBERS)
"""``complete`` for the presidents and référents; ``membres`` for the members of both associations (§5):
the same figures without volunteers' names, anomalies, mandates, manifest or contact details."""
MEMBERS_LEAVE_OUT = (MANDATES, ANOMALIES)

SUMMARY_SHEETS: tuple[str, ...] = (SYNTHESE, ESTABLISHMENTS, BY_DISP, FOLLOW_UP, BILAN)
"""The sheets of the printed summary (``--pdf``): tens of pages, not the thousands of the detail."""


def sheet_names(edition: str = COMPLETE, selection: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The sheets written for ``edition``, in order, restricted to ``selection`` when given."""
    if edition not in EDITIONS:
        raise ValueError(f"unknown edition {edition!r}")
    left_out = MEMBERS_LEAVE_OUT if edition == MEMBERS else ()
    return tuple(s for s in SHEET_NAMES if s not in left_out and (selection is None or s in selection))


def link(sheet: str, cell: str = "A1") -> str:
    """An internal hyperlink target to ``cell`` of ``sheet``."""
    return f"internal:'{sheet}'!{cell}"
