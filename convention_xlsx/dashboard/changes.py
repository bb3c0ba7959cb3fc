"""``Changements``: per site, what changed since the previous recorded month and since the year before."""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from ..indicators.board import Figures
from .detail import Col, write_table
from .styles import Styles, sheet_title

HEADER_ROW = 3


def _month(month: str | None) -> str:
    return f"{month[5:]}/{month[:4]}" if month else "aucun mois enregistré"


def write_changes(ws: Worksheet, styles: Styles, f: Figures) -> None:
    previous, last_year = f.timeline.changes_months
    cols = [Col("group", f.group_label, "text", 10), Col("name", f.site_label.capitalize(), "text", 28),
            Col("since_month", f"Depuis le mois précédent ({_month(previous)})", "wrap", 42),
            Col("since_year", f"Depuis {f.arrete.year - 1} ({_month(last_year)})", "wrap", 42)]
    sheet_title(ws, styles, f"Ce qui a changé dans les {f.site_plural}", (
        f"Comparé au mois précédent enregistré ({_month(previous)}) et au dernier mois enregistré de "
        f"{f.arrete.year - 1} ({_month(last_year)}), d'après l'historique des traitements : présence gagnée ou "
        f"perdue, effectifs. {len(f.timeline.changes)} {f.site_plural} ont changé ; les plus changés d'abord."),
        [c.width or 10 for c in cols])
    last = write_table(ws, styles, HEADER_ROW, f.timeline.changes, cols, "Changements")
    for row in range(HEADER_ROW + 1, last + 1):
        ws.set_row(row, 28)
    ws.freeze_panes(HEADER_ROW + 1, 2)
