"""``Évolution``: the figures month by month over the convention period, with line charts.

Dated records give every month; presence, visitors, CPs and cross-members come from the
history of monthly runs and stay empty for a month no run recorded. Charts first (what a
president reads), then the tables they draw from.
"""

from __future__ import annotations

import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..indicators import Figures
from ..indicators.activity import ANVP_ONLY, AUXILIA_ONLY, BOTH, NONE
from ..indicators.evolution import EVOLUTION_COLUMNS
from ..indicators.presence import STATUSES
from . import charts
from .detail import Col, write_table
from .styles import STATUS_COLOURS, Styles, sheet_title

HEADERS = {
    "actions": "Actions", "joint_actions": "dont communes", "meetings": "Réunions",
    "meetings_both": "Réunions où les deux sont représentées", "trainings": "Formations communes",
    "news_anvp": "Nouvelles du partenaire (ANVP)",
    "news_auxilia": "Nouvelles du partenaire (Auxilia)",
    "calls_filed": "Appels à projet déposés", "calls_won": "Appels à projet gagnés",
    "mandates_current": "Mandats en cours (fin de mois)",
    "establishments_both": BOTH, "establishments_anvp_only": ANVP_ONLY,
    "establishments_auxilia_only": AUXILIA_ONLY, "establishments_none": NONE,
    "anvp_visitors": "Visiteurs ANVP", "auxilia_cps": "CP Auxilia", "cross_members": "Adhérents des deux",
}
CHART_ROWS = 19
CHARTS = (
    ("Présence dans les établissements (historique des traitements)", list(HEADERS)[10:14], True),
    ("Visiteurs ANVP, CP Auxilia, adhérents des deux (historique)", ["anvp_visitors", "auxilia_cps",
                                                                    "cross_members"], True),
    ("Actions par mois", ["actions", "joint_actions"], False),
    ("Réunions, formations et nouvelles du partenaire par mois",
     ["meetings", "meetings_both", "trainings", "news_anvp", "news_auxilia"], False),
    ("Appels à projet déposés et gagnés par mois", ["calls_filed", "calls_won"], False),
    ("Mandats en cours à la fin de chaque mois", ["mandates_current"], False),
)


def write_evolution(wb: Workbook, ws: Worksheet, styles: Styles, f: Figures) -> int:
    """Lay out ``f.evolution`` and ``f.evolution_disp``; return the header row of the main table."""
    evo = f.evolution
    recorded = int(evo["establishments_both"].notna().sum()) if len(evo) else 0
    sheet_title(ws, styles, "Évolution mois par mois", (
        f"Du {f.period[0]:%d/%m/%Y} au {f.arrete:%d/%m/%Y}. Actions, réunions, formations, communication, appels "
        "à projet et mandats : d'après les dates saisies. Présence, visiteurs, CP et adhésions : d'après "
        f"l'historique des traitements mensuels ({recorded} mois enregistré(s) ; case vide = mois non "
        "enregistré)."))
    chart_rows = ((len(CHARTS) + 2) // 2) * CHART_ROWS
    header = 3 + chart_rows + 1
    frame = evo.reset_index()
    cols = [Col("month", "Mois", "month", 10)] + [Col(k, HEADERS[k], "int", 11) for k in EVOLUTION_COLUMNS]
    ws.write_string(header - 1, 0, "Chiffres du mois", styles.heading)
    last = write_table(ws, styles, header, frame, cols, "Evolution")
    ws.set_row(header, 58)
    ws.freeze_panes(header + 1, 1)
    if not len(frame):
        return header
    col_of = {key: i for i, key in enumerate(EVOLUTION_COLUMNS, start=1)}
    for n, (title, keys, snapshot) in enumerate(CHARTS):
        colours = [STATUS_COLOURS[s][0] for s in STATUSES] if keys[0] == "establishments_both" else None
        chart = charts.lines(wb, ws.name, title, header, header + 1, last, [col_of[k] for k in keys],
                             colours, markers=snapshot)
        ws.insert_chart(3 + (n // 2) * CHART_ROWS, (n % 2) * 7, chart, {"x_offset": 4, "y_offset": 4})
    disp_header = last + 3
    _disp_table(wb, ws, styles, f.evolution_disp, disp_header, 3 + (len(CHARTS) // 2) * CHART_ROWS)
    ws.set_h_pagebreaks([3 + 2 * CHART_ROWS, header - 1, disp_header - 1])
    return header


def _disp_table(wb: Workbook, ws: Worksheet, styles: Styles, grid: pd.DataFrame, header: int, chart_row: int) -> None:
    """Month × DISP: establishments where both are present, and its chart."""
    if grid.empty or grid.notna().sum().sum() == 0:
        return
    ws.write_string(header - 1, 0, "Établissements où les deux associations sont présentes, par DISP (historique)",
                    styles.heading)
    frame = grid.reset_index()
    frame.columns = ["month", *[f"d{i}" for i in range(len(grid.columns))]]
    cols = [Col("month", "Mois", "month", 10)] + [Col(f"d{i}", str(d), "int", 11)
                                                   for i, d in enumerate(grid.columns)]
    last = write_table(ws, styles, header, frame, cols, "EvolutionDISP")
    chart = charts.lines(wb, ws.name, "Établissements où les deux sont présentes, par DISP", header, header + 1,
                         last, list(range(1, len(grid.columns) + 1)), markers=True)
    ws.insert_chart(chart_row, 0, chart, {"x_offset": 4, "y_offset": 4})
