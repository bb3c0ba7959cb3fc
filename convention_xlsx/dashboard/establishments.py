"""``Établissements`` (every establishment of the référentiel) and ``Par DISP``."""

from __future__ import annotations

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..indicators import Figures
from ..indicators.presence import STATUSES
from ..schema import Spec
from . import charts
from .detail import Col, write_table
from .styles import STATUS_COLOURS, Styles, sheet_title

HEADER_ROW = 3

def establishment_columns(spec: Spec) -> tuple[Col, ...]:
    sites, referrals = spec.sites, spec.sheet("referrals")
    return (
    Col("disp", "DISP", "text", 11),
    Col("type", "Type", "text", 6),
    Col("name", "Établissement"),
    Col("establishment", "Code"),
    Col("status", "Présence", "text", 13),
    Col("anvp_visitors", "Visiteurs ANVP", "int", 9),
    Col("auxilia_cps", "CP Auxilia", "int", 9),
    Col("auxilia_learners", sites.column("auxilia_learners").label, "int", 11),
    Col("visitor_cps", "Visiteurs aussi CP", "int", 9),
    Col("cross_members", "Adhérents des deux", "int", 10),
    Col("mandates_current", "Mandats en cours", "int", 9),
    Col("mandates_expiring", "dont à renouveler", "int", 10),
    Col("joint_actions_12m", "Actions communes (12 mois)", "int", 11),
    Col("last_meeting", "Dernière réunion", "date", 12),
    Col("last_meeting_represented", "Représentées à la dernière réunion", "text", 36),
    Col("informed", "Personnes informées", "int", 10),
    Col("auxilia_signups", referrals.column("auxilia_signups").label, "int", 12),
    Col("visit_requests", referrals.column("visit_requests").label, "int", 12),
    Col("reporters", "Sections ayant rendu compte"),
    Col("last_report", "Dernier envoi", "date", 12),
    Col("other_view", "Vue de l'autre association pour", "text", 16),
)


def write_establishments(ws: Worksheet, styles: Styles, figures: Figures) -> None:
    n = len(figures.establishments)
    sheet_title(ws, styles, "Présence des deux associations dans les établissements",
                f"Les {n} établissements du référentiel, qu'une section en ait rendu compte ou non. "
                "« Vue de l'autre association » : la présence vient de l'autre association, faute de "
                "déclaration de l'association concernée.")
    last = write_table(ws, styles, HEADER_ROW, figures.establishments, establishment_columns(figures.spec),
                       "Etablissements",
                       colours={"status": STATUS_COLOURS})
    ws.freeze_panes(HEADER_ROW + 1, 3)
    for row in range(HEADER_ROW + 1, last + 1):  # one height for all (LibreOffice sizes them unevenly)
        ws.set_row(row, 14)


BY_DISP_COLUMNS = (*STATUSES, "Total", "anvp_visitors",
                   "auxilia_cps", "joint_actions_12m")
BY_DISP_HEADERS = (*STATUSES, "Total", "Visiteurs ANVP",
                   "CP Auxilia", "Actions communes (12 mois)")


def write_by_disp(wb: Workbook, ws: Worksheet, styles: Styles, figures: Figures) -> tuple[int, int]:
    """Status counts per DISP with a stacked bar chart; returns the data rows (first, last)."""
    sheet_title(ws, styles, "Présence par direction interrégionale (DISP)",
                "Nombre d'établissements par statut de présence, visiteurs et CP déclarés, actions "
                "communes des 12 derniers mois.")
    frame = figures.by_disp.reset_index()
    cols = [Col("disp", "DISP", "text", 16)] + [
        Col(key, header, "int", 11) for key, header in zip(BY_DISP_COLUMNS, BY_DISP_HEADERS, strict=True)]
    last = write_table(ws, styles, HEADER_ROW, frame, cols, "ParDISP")
    total_row = last + 1
    ws.write_string(total_row, 0, "France entière", styles.label)
    for i, key in enumerate(BY_DISP_COLUMNS, start=1):
        ws.write_number(total_row, i, int(frame[key].sum()), styles.bold_numbers["int"])
    ws.freeze_panes(HEADER_ROW + 1, 1)
    first_data, last_data = HEADER_ROW + 1, last
    chart = charts.status_by_disp(wb, ws.name, first_data, last_data)
    ws.insert_chart(total_row + 2, 0, chart, {"x_scale": 1.0, "y_scale": 1.0})
    return first_data, last_data
