"""The detail sheets: every consolidated record of a dated sheet, and above it the grid of the obligation
declared on that sheet (« ✓ » a period that keeps it, « ✗ » one that misses it, « en cours »)."""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from ..consolidate import Consolidation
from ..declaration import OBLIGATION
from ..indicators.board import Figures
from ..indicators.common import table
from .detail import write_detail
from .styles import Styles, sheet_title

HEADER_ROW = 3
JOINT_NOTE = ("« Doublon commun » = Oui : le même enregistrement commun déclaré aussi par l'autre association ; "
              "« Copie » = Oui : identique à une ligne d'un autre classeur de la même association (vide : ni l'un "
              "ni l'autre). Ces lignes sont affichées ici mais comptées une seule fois.")
PERIODS = {"mois": "mois", "trimestre": "trimestre", "annee": "année"}


def write_records(ws: Worksheet, styles: Styles, cons: Consolidation, f: Figures, key: str,
                  provenance: bool = True) -> int:
    """One sheet's consolidated records; returns the header row of their table."""
    spec = cons.config.spec
    sheet = spec.sheet(key)
    frame = table(cons, key)
    obligation = next((i for i in f.board.indicators if i.kind == OBLIGATION and i.sheet == key), None)
    what = f"{sheet.help} {len(frame)} ligne(s), avec la section" + (" et le fichier d'origine." if provenance else ".")
    what += " " + JOINT_NOTE
    sheet_title(ws, styles, sheet.name if obligation is None else f"{sheet.name} : {obligation.label.split(' {')[0]}",
                what)
    row = HEADER_ROW
    if obligation is not None:
        row = _grid(ws, styles, f, obligation, row)
        ws.write_string(row - 1, 0, f"Toutes les lignes de la feuille « {sheet.name} »", styles.heading)
    write_detail(ws, styles, row, frame, key, cons.config.referentiel, "Detail_" + key, spec, provenance)
    ws.freeze_panes(row + 1, 0)
    return row


def _grid(ws: Worksheet, styles: Styles, f: Figures, ind, row: int) -> int:
    """One row per period, one column per party: the columns line up with the table below, all alike."""
    grid = f.obligations[ind.key]
    period = PERIODS.get(ind.period, ind.period)
    ws.write_string(row - 1, 0, (f"Au moins {ind.minimum} par {period} : ✓ tenu (nombre), ✗ manqué, « en cours » "
                                 f"pour le {period} pas encore terminé."), styles.subtitle)
    values = list(grid.columns[4:])
    ws.write_string(row, 0, period.capitalize(), styles.header)
    for j, value in enumerate(values, start=1):
        ws.write_string(row, j, value or ind.label, styles.header)
    for i, (label, ongoing) in enumerate(zip(grid["period"], grid["ongoing"], strict=True), start=1):
        ws.write_string(row + i, 0, label, styles.label)
        for j, value in enumerate(values, start=1):
            count = int(grid[value].iloc[i - 1])
            if count >= ind.minimum:
                ws.write_string(row + i, j, f"✓ ({count})", styles.tick)
            elif ongoing:
                ws.write_string(row + i, j, "en cours", styles.pending)
            else:
                ws.write_string(row + i, j, "✗", styles.cross)
    return row + len(grid) + 3
