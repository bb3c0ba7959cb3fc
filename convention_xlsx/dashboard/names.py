"""The dashboard's own sheet names, in the order the presidents see them."""

from __future__ import annotations

SYNTHESE = "Synthèse"
ESTABLISHMENTS = "Établissements"
BY_DISP = "Par DISP"
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
    SYNTHESE, ESTABLISHMENTS, BY_DISP, ACTIONS, MEETINGS, REFERRALS, TRAININGS, COMMUNICATION, CALLS,
    MANDATES, FOLLOW_UP, BILAN, ANOMALIES, ABOUT,
)


def link(sheet: str, cell: str = "A1") -> str:
    """An internal hyperlink target to ``cell`` of ``sheet``."""
    return f"internal:'{sheet}'!{cell}"
