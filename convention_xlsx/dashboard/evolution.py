"""``Évolution``: the declared indicators month by month over the convention period, with line charts.

Dated records give every month; snapshot figures (presence, headcounts…) come from the history of monthly
runs and stay empty for a month no run recorded — each month says where its snapshot comes from (a monthly
run, a month reconstructed after the fact, the demo's simulation). Charts first (what a president reads),
then the tables they draw from.
"""

from __future__ import annotations

import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..indicators.board import Figures
from ..indicators.monthly import series_keys
from . import charts
from .detail import Col, write_table
from .styles import PRESENCE_COLOURS, Styles, sheet_title

CHART_ROWS = 19
SOURCES = {"consolider": "traitement du mois", "reconstitué": "reconstitué après coup",
           "simulé": "simulé (démonstration)"}


def write_evolution(wb: Workbook, ws: Worksheet, styles: Styles, f: Figures, sources: dict[str, str]) -> int:
    """Lay out ``f.timeline.evolution`` and ``f.timeline.groups``; return the header row of the main table."""
    evo = f.timeline.evolution
    recorded = sum(f.timeline.recorded)
    sheet_title(ws, styles, "Évolution mois par mois", (
        f"Du {f.period[0]:%d/%m/%Y} au {f.arrete:%d/%m/%Y}. Les enregistrements datés (actions, réunions…) sont "
        "comptés à leur date ; les chiffres de situation (présence, effectifs) viennent de l'historique des "
        f"traitements mensuels ({recorded} mois enregistré(s) ; case vide = mois non enregistré ; la colonne "
        "« Chiffres de situation » dit d'où vient chaque mois)."))
    declared = [c for c in f.board.charts if c.kind == "evolution"]
    chart_rows = ((len(declared) + 1) // 2) * CHART_ROWS
    header = 3 + chart_rows + 1
    frame = evo.reset_index()
    keys = list(evo.columns)
    frame["_source"] = [SOURCES.get(sources.get(f"{m.year:04d}-{m.month:02d}", ""), "") for m in evo.index]
    kinds = {key: ("pct" if key in f.values and f.values[key].display == "part" else "int") for key in keys}
    cols = [Col("month", "Mois", "month", 10)] + [Col(k, f.timeline.labels[k], kinds[k], 12) for k in keys] + [
        Col("_source", "Chiffres de situation", "text", 18)]
    ws.write_string(header - 1, 0, "Chiffres du mois", styles.heading)
    last = write_table(ws, styles, header, frame, cols, "Evolution")
    ws.set_row(header, 58)
    ws.freeze_panes(header + 1, 1)
    if not len(frame):
        return header
    col_of = {key: i for i, key in enumerate(keys, start=1)}
    for n, chart in enumerate(declared):
        columns = [col_of[k] for ind in chart.indicators for k, _ in series_keys_for(f, ind) if k in col_of]
        if not columns:
            continue
        snapshot = all(k in f.timeline.from_history for ind in chart.indicators for k, _ in series_keys_for(f, ind))
        colours = [c[0] for c in PRESENCE_COLOURS] if f.board.indicator(chart.indicators[0]).kind == "presence" \
            else None
        made = charts.lines(wb, ws.name, chart.title, header, header + 1, last, columns, colours, markers=snapshot)
        ws.insert_chart(3 + (n // 2) * CHART_ROWS, (n % 2) * 7, made, {"x_offset": 4, "y_offset": 4})
    group_header = last + 3
    _group_table(wb, ws, styles, f, f.timeline.groups, group_header)
    ws.set_h_pagebreaks([3 + 2 * CHART_ROWS, header - 1, group_header - 1])
    return header


def series_keys_for(f: Figures, key: str) -> list[tuple[str, str]]:
    ind = f.board.indicator(key)
    return series_keys(_Spec(f), ind)


class _Spec:
    """What :func:`series_keys` reads of the run (the spec only)."""

    def __init__(self, f: Figures) -> None:
        self.spec = f.spec


def _group_table(wb: Workbook, ws: Worksheet, styles: Styles, f: Figures, grid: pd.DataFrame, header: int) -> None:
    """Month × group: sites where every party is present, and its chart."""
    if grid.empty or grid.notna().sum().sum() == 0:
        return
    ws.write_string(header - 1, 0, f"{f.site_plural.capitalize()} où toutes les parties sont présentes, par "
                    f"{f.group_label} (historique)", styles.heading)
    frame = grid.reset_index()
    frame.columns = ["month", *[f"g{i}" for i in range(len(grid.columns))]]
    cols = [Col("month", "Mois", "month", 10)] + [Col(f"g{i}", str(d), "int", 11) for i, d in enumerate(grid.columns)]
    last = write_table(ws, styles, header, frame, cols, "EvolutionGroupes")
    chart = charts.lines(wb, ws.name, f"Où toutes les parties sont présentes, par {f.group_label}", header,
                         header + 1, last, list(range(1, len(grid.columns) + 1)), markers=True)
    ws.insert_chart(header + 2, len(cols) + 1, chart, {"x_offset": 4, "y_offset": 4})
