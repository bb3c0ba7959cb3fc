"""``Mandats``: the only sheet that shows volunteers' names (§1 nominative mandates)."""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from ..indicators import Figures
from ..schema import Spec
from .detail import Col, write_table
from .styles import STATE_COLOURS, Styles, sheet_title

HEADER_ROW = 3


def mandate_columns(spec: Spec) -> list[Col]:
    label = {c.key: c.label for c in spec.sheet("volunteers").columns}
    return [
        Col("state", "État", "text", 13),
        Col("days_left", "Jours restants", "int", 9),
        Col("last_name", label["last_name"]),
        Col("first_name", label["first_name"]),
        Col("establishment_name", "Établissement"),
        Col("establishment", label["establishment"]),
        Col("role", label["role"]),
        Col("anvp_member", label["anvp_member"], "bool", 10),
        Col("auxilia_member", label["auxilia_member"], "bool", 10),
        Col("mandate_start", label["mandate_start"], "date", 12),
        Col("mandate_end", label["mandate_end"], "date", 12),
        Col("section", "Section"),
        Col("association", "Association", "text", 12),
        Col("source_file", "Fichier"),
        Col("excel_row", "Ligne", "int", 7),
    ]


def write_mandates(ws: Worksheet, styles: Styles, f: Figures, expiry_days: int) -> None:
    p = f.people
    sheet_title(ws, styles, "Mandats nominatifs (§1)", (
        f"{p.mandates_current} mandat(s) en cours dont {p.mandates_expiring} à renouveler (fin dans les "
        f"{expiry_days} jours), {p.mandates_expired} expiré(s). Seule feuille où figurent des noms : "
        "ne pas la diffuser aux adhérents."))
    write_table(ws, styles, HEADER_ROW, f.mandates, mandate_columns(f.spec), "Mandats",
                colours={"state": STATE_COLOURS})
    ws.freeze_panes(HEADER_ROW + 1, 0)
