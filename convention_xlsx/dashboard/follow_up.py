"""``Suivi des envois``: who was expected, who sent, who is late, whom to remind (§5)."""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from ..indicators import Figures
from ..schema import Spec
from .detail import Col, write_table
from .styles import STATE_COLOURS, Styles, sheet_title


def follow_up_columns(spec: Spec) -> tuple[Col, ...]:
    fields = spec.section
    return (
    Col("state", "État", "text", 12),
    Col("association", "Association", "text", 11),
    Col("section", "Section"),
    Col("establishments", "Établissements suivis"),
    Col("email", fields.column("email").label),
    Col("updated", fields.column("updated").label, "date", 12),
    Col("template_version", fields.column("template_version").label, "text", 10),
    Col("file", "Fichier"),
    Col("rows_consolidated", "Lignes consolidées", "int", 11),
    Col("rows_rejected", "Lignes rejetées", "int", 10),
    Col("note", "Remarque"),
    Col("reminder", "Relance", "text", 22),
    )
REMINDER_TEXT = "Écrire la relance"


CONTACT_KEYS = ("email", "file", "reminder")
"""Left out of the members' edition: contact details, file names, reminder links."""


def write_follow_up(ws: Worksheet, styles: Styles, f: Figures, contacts: bool = True) -> None:
    cf = f.completeness_figures
    sheet_title(ws, styles, "Suivi des envois du mois", (
        f"Arrêté au {f.arrete:%d/%m/%Y} : à jour = mis à jour depuis le {f.arrete.replace(day=1):%d/%m/%Y} ; "
        "en retard = classeur plus ancien (ses chiffres sont repris, avec leur date) ; manquant = rien reçu. "
        "Les taux sont calculés sur les sections attendues."))
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
    header = 3 + len(summary) + 1
    frame = f.completeness.assign(reminder=None)
    columns = follow_up_columns(f.spec)
    cols = columns if contacts else tuple(c for c in columns if c.key not in CONTACT_KEYS)
    last = write_table(ws, styles, header, frame, cols, "SuiviEnvois", colours={"state": STATE_COLOURS})
    ws.freeze_panes(header + 1, 0)
    if not contacts:
        return
    col = len(columns) - 1
    for i, url in enumerate(f.completeness["reminder"], start=header + 1):
        if url:
            ws.write_url(i, col, url, styles.link, REMINDER_TEXT, "Ouvre un courriel de relance prêt à envoyer")
    ws.write_string(last + 2, 0, (
        "« Écrire la relance » ouvre un courriel prérempli (objet et message) adressé au contact de la section."),
        styles.subtitle)
