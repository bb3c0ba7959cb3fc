"""``Anomalies`` (every finding, filterable) and ``À propos`` (versions and run manifest)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from .. import __version__
from ..consolidate import Consolidation
from ..findings import FINDING_FIELDS
from ..report import READ
from ..schema import Spec
from .detail import Col, write_table
from .styles import STATE_COLOURS, Styles, sheet_title

HEADER_ROW = 3

FINDING_HEADERS = ("Code", "Gravité", "Fichier", "Feuille", "Cellule", "Colonne", "Valeur", "Message",
                   "Suggestion")
FINDING_WIDTHS = (24, 13, None, 16, 8, 20, 24, 70, 30)


def write_anomalies(ws: Worksheet, styles: Styles, cons: Consolidation, links: dict[str, str] | None = None) -> None:
    findings = cons.report.findings
    errors = sum(1 for f in findings if f.is_error)
    sheet_title(ws, styles, "Anomalies relevées dans les classeurs", (
        f"{len(findings)} anomalie(s), dont {errors} erreur(s) (ligne ou fichier écarté) et "
        f"{len(findings) - errors} avertissement(s) (données reprises). Utilisez les filtres des en-têtes."))
    frame = pd.DataFrame([f.to_dict() for f in findings], columns=list(FINDING_FIELDS), dtype=object)
    cols = [Col(key, header, "text", width)
            for key, header, width in zip(FINDING_FIELDS, FINDING_HEADERS, FINDING_WIDTHS, strict=True)]
    write_table(ws, styles, HEADER_ROW, frame, cols, "Anomalies", colours={"gravite": STATE_COLOURS})
    ws.freeze_panes(HEADER_ROW + 1, 0)
    _link_findings(ws, styles, findings, links or {})


def _link_findings(ws: Worksheet, styles: Styles, findings: list, links: dict[str, str]) -> None:
    """Link each anomaly's file, and its cell, to the workbook it is in (the annotated return
    when one was written, else the file received)."""
    file_col, cell_col = FINDING_FIELDS.index("fichier"), FINDING_FIELDS.index("cellule")
    for row, finding in enumerate(findings, HEADER_ROW + 1):
        target = links.get(finding.file)
        if target is None:
            continue
        ws.write_url(row, file_col, target, styles.text, string=finding.file, tip="Ouvrir le classeur")
        if finding.sheet and finding.cell:
            anchor = f"{target}#'{finding.sheet.replace(chr(39), chr(39) * 2)}'!{finding.cell}"
            if len(anchor) <= MAX_URL:
                ws.write_url(row, cell_col, anchor, styles.text, string=finding.cell, tip="Aller à la cellule")


MAX_URL = 2079
"""Excel's limit on the length of a link."""


def finding_links(cons: Consolidation, dashboard_dir: Path, returns: Mapping[str, Path]) -> dict[str, str]:
    """Input file → the link to open it from the dashboard: its annotated return (relative to
    the dashboard, so the two folders can move together) or the file received."""
    links: dict[str, str] = {}
    readable = {f.path for f in cons.report.files if f.status == READ}
    for path in {f.file for f in cons.report.findings}:
        if path in returns:
            target = Path(os.path.relpath(returns[path], dashboard_dir.resolve()))
        elif cons.source_dir is not None and path in readable:
            target = cons.source_dir / path
        else:
            continue
        url = f"external:{target}"
        if "#" not in str(target) and len(url) <= MAX_URL:
            links[path] = url
    return links


def manifest_columns(spec: Spec) -> tuple[Col, ...]:
    fields = spec.section
    return (
    Col("path", "Fichier", "text", 32),
    Col("sha256", "SHA-256", "text", 62),
    Col("status", "Statut", "text", 9),
    Col("reason", "Motif"),
    Col("section", "Section"),
    Col("association", "Association", "text", 11),
    Col("updated", fields.column("updated").label, "date", 12),
    Col("template_version", fields.column("template_version").label, "text", 10),
    Col("rows_read", "Lignes lues", "int", 9),
    Col("rows_consolidated", "Lignes consolidées", "int", 11),
    Col("rows_rejected", "Lignes rejetées", "int", 10),
    Col("sender", "Expéditeur (courriel)", "text", 30),
    Col("received", "Reçu le", "date", 11),
    Col("subject", "Objet du courriel", "text", 30),
    )
    # The last three columns are filled for the files ``collecter`` took from the mailbox.


def _day(text: str) -> str:
    """« 2026-07-01 » → « 01/07/2026 » (any other text as it is)."""
    try:
        return dt.date.fromisoformat(str(text)).strftime("%d/%m/%Y")
    except ValueError:
        return str(text)


def write_about(ws: Worksheet, styles: Styles, cons: Consolidation, generated: str, manifest: bool = True) -> None:
    """Dates, versions and (with ``manifest``) the configuration and every input file."""
    cfg = cons.config
    ref = cfg.referentiel
    sheet_title(ws, styles, "À propos de ce tableau de bord",
                "Comment il a été produit : versions, configuration, et chaque fichier reçu (manifeste)."
                if manifest else "Quand et avec quelles versions il a été produit.")
    report = cons.report
    sites = f"{ref.site_label}s"
    situation = f" · situation au {_day(ref.date)}" if ref.date else ""
    facts = [
        ("Généré le", generated),
        ("Arrêté au", f"{cons.arrete:%d/%m/%Y}"),
        ("Période de la convention", f"du {cfg.period_start:%d/%m/%Y} au {cfg.period_end:%d/%m/%Y}"),
        ("Version de convention-xlsx", __version__),
        (f"{cfg.spec.section.column('template_version').label} de classeur",
         f"{cfg.spec.version} (celle de chaque classeur reçu : voir le manifeste)"),
        ("Configuration", cfg.source),
        ("Référentiel", f"{len(ref)} {sites} · {ref.source}{situation}"),
        ("Fichiers", f"{report.files_read} lu(s), {report.files_ignored} ignoré(s), "
                     f"{report.files_rejected} rejeté(s)"),
        ("Lignes", f"{report.rows_read} lue(s), {report.rows_consolidated} consolidée(s), "
                   f"{report.rows_rejected} rejetée(s) ; {report.values_left_out} valeur(s) écartée(s)"),
    ]
    if not manifest:  # the members' edition: dates and versions only
        facts = [fact for fact in facts if fact[0] not in ("Configuration", "Fichiers", "Lignes")]
        facts[-1] = ("Référentiel", f"{len(ref)} {sites}{situation}")
    for i, (label, value) in enumerate(facts, start=3):
        ws.write_string(i, 0, label, styles.label)
        ws.write_string(i, 1, value, styles.text)
    if not manifest:
        ws.set_column(0, 0, 30)
        ws.set_column(1, 1, 60)
        return
    header = 3 + len(facts) + 2
    ws.write_string(header - 1, 0, "Manifeste : chaque fichier reçu et ce qu'il est devenu", styles.heading)
    manifest = manifest_columns(cfg.spec)
    frame = pd.DataFrame([vars(f) for f in report.files],
                         columns=[c.key for c in manifest] if not report.files else None)
    write_table(ws, styles, header, frame, manifest, "Manifeste")
    ws.freeze_panes(header + 1, 0)
