"""A validity indicator's sheet (« Mandats »): every period with its state at the arrêté, most urgent first.

The only sheets that show people's names (the convention's nominative mandates): left out of the members'
edition, initials only with ``--anonymiser``.
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from ..declaration import Indicator
from ..indicators.board import Figures
from ..schema import Kind
from .detail import KIND_OF, Col, site_name_label, write_table
from .styles import STATE_COLOURS, Styles, sheet_title

HEADER_ROW = 3


def validity_columns(f: Figures, ind: Indicator) -> list[Col]:
    sheet = f.spec.sheet(ind.sheet)
    cols = [Col("state", "État", "text", 13), Col("days_left", "Jours restants", "int", 9)]
    for column in sheet.data_columns:
        kind = KIND_OF.get(column.kind, "text")
        cols.append(Col(column.key, column.label, kind, 12 if kind in ("date", "bool") else None))
        if column.kind is Kind.ESTABLISHMENT:
            cols.append(Col("establishment_name", site_name_label(f.spec)))
    cols += [Col("section", "Section"), Col("association", f.spec.section.column("association").label, "text", 12),
             Col("source_file", "Fichier"), Col("excel_row", "Ligne", "int", 7)]
    return cols


def write_validity(ws: Worksheet, styles: Styles, f: Figures, ind: Indicator, alert_days: int) -> None:
    current, expiring, expired = (f.values[f"{ind.key}_{s}"].total for s in ("current", "expiring", "expired"))
    sheet_title(ws, styles, f"{ind.label} ({ind.clause})" if ind.clause else ind.label, (
        f"{int(current or 0)} en cours dont {int(expiring or 0)} à renouveler (fin dans les {alert_days} jours), "
        f"{int(expired or 0)} expiré(s), au {f.arrete:%d/%m/%Y}. Seule feuille où figurent des noms : ne pas la "
        "diffuser aux adhérents."))
    write_table(ws, styles, HEADER_ROW, f.validity[ind.key], validity_columns(f, ind), f"Periodes_{ind.key}",
                colours={"state": STATE_COLOURS})
    ws.freeze_panes(HEADER_ROW + 1, 0)
