"""``Suivi des envois``: who was expected, who sent, who is late, whom to remind.

Urgent first: the missing sections, the late ones (oldest figures first), those whose workbook has errors,
then the up-to-date ones. Printed one page wide, the header repeated on every page; the columns a référent
works from (state, section, date of the figures, errors, remark, contact) are the printed ones.
"""

from __future__ import annotations

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from ..indicators.board import Figures
from ..indicators.completeness import LATE, MISSING, UNEXPECTED, UP_TO_DATE
from ..schema import Spec
from .detail import Col, write_table
from .styles import STATE_COLOURS, Styles, sheet_title

REMINDER_TEXT = "Écrire la relance"
CONTACT_KEYS = ("email", "file", "reminder")
"""Left out of the members' edition: contact details, file names, reminder links."""
PRINTED = 8
"""The first columns are printed (the rest is for the screen)."""


def follow_up_columns(spec: Spec, f: Figures) -> tuple[Col, ...]:
    fields = spec.section
    return (
        Col("state", "État", "text", 10),
        Col("association", fields.column("association").label, "text", 9),
        Col("section", "Section", "text", 20),
        Col("updated", fields.column("updated").label, "date", 11),
        Col("errors", "Erreurs", "int", 8),
        Col("rows_rejected", "Lignes rejetées", "int", 9),
        Col("note", "Remarque", "wrap", 30),
        Col("email", fields.column("email").label, "text", 26),
        Col("establishments", f"{f.site_plural.capitalize()} suivis", "text", 30),
        Col("template_version", fields.column("template_version").label, "text", 10),
        Col("file", "Fichier"),
        Col("rows_consolidated", "Lignes consolidées", "int", 11),
        Col("reminder", "Relance", "text", 22),
    )


def urgent_first(table: pd.DataFrame) -> pd.DataFrame:
    """Missing, then late (oldest figures first), then with errors, then up to date, then unexpected."""
    rank = {MISSING: 0, LATE: 1, UP_TO_DATE: 3, UNEXPECTED: 4}
    order = [rank.get(s, 5) - (1 if s == UP_TO_DATE and (e or 0) > 0 else 0)
             for s, e in zip(table["state"], table["errors"], strict=True)]
    return table.assign(_order=order).sort_values(["_order", "updated", "association", "section"], kind="stable",
                                                  na_position="first").drop(columns="_order")


def write_follow_up(ws: Worksheet, styles: Styles, f: Figures, errors: dict[str, int], contacts: bool = True) -> int:
    """The table, urgent first; returns its header row (repeated on every printed page)."""
    cf = f.sending.counts
    summary = [
        ("Sections attendues", cf.expected, "int"),
        ("À jour", cf.up_to_date, "int"),
        ("En retard", cf.late, "int"),
        ("Manquantes", cf.missing, "int"),
        ("Non attendues (hors taux)", cf.unexpected, "int"),
        ("Taux à jour", cf.up_to_date_rate, "pct"),
        ("Taux reçu (à jour ou en retard)", cf.received_rate, "pct"),
    ]
    for i, (label, value, kind) in enumerate(summary):
        ws.write_string(3 + i, 0, label, styles.label)
        if value is None:
            ws.write_string(3 + i, 3, "–", styles.text)
        else:
            ws.write_number(3 + i, 3, value, styles.bold_numbers[kind])
    columns = follow_up_columns(f.spec, f)
    cols = columns if contacts else tuple(c for c in columns if c.key not in CONTACT_KEYS)
    printed = min(PRINTED if contacts else PRINTED - 1, len(cols))
    sheet_title(ws, styles, "Suivi des envois du mois", (
        f"Arrêté au {f.arrete:%d/%m/%Y} : à jour = mis à jour depuis le {f.arrete.replace(day=1):%d/%m/%Y} ; "
        "en retard = classeur plus ancien (ses chiffres sont repris, avec leur date) ; manquant = rien reçu. "
        "Les taux sont calculés sur les sections attendues. Les plus urgentes d'abord."),
        [c.width or 10 for c in cols[:printed]])
    header = 3 + len(summary) + 1
    frame = f.sending.table.assign(errors=[errors.get(p, 0) if p else None for p in f.sending.table["file"]])
    frame = urgent_first(frame)
    urls = list(frame["reminder"])
    frame = frame.assign(reminder=None)
    last = write_table(ws, styles, header, frame, cols, "SuiviEnvois", colours={"state": STATE_COLOURS})
    width = next(c.width for c in cols if c.key == "note") or 30
    for row, note in zip(range(header + 1, last + 1), frame["note"], strict=False):
        lines = max(1, -(-len(str(note or "")) // int(width * 1.1)))
        ws.set_row(row, 15 * min(lines, 3) + 2)  # the remark's lines, no more
    ws.freeze_panes(header + 1, 0)
    ws.print_area(0, 0, last + 2, printed - 1)
    if not contacts:
        return header
    col = len(columns) - 1
    for i, url in enumerate(urls, start=header + 1):
        if url:
            ws.write_url(i, col, url, styles.link, REMINDER_TEXT, "Ouvre un courriel de relance prêt à envoyer")
    ws.write_string(last + 2, 0, (
        "« Écrire la relance » ouvre un courriel prérempli (objet et message) adressé au contact de la section."),
        styles.subtitle)
    return header
