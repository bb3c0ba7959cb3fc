"""``Synthèse``: what the presidents read first — the reliability of the figures, the declared indicators
as tiles by group, links to every sheet, the declared charts and the tables they draw from."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .. import french
from ..declaration import FUNNEL, OBLIGATION, PRESENCE, VALIDITY, Indicator
from ..indicators.board import Figures
from ..indicators.completeness import STATES
from ..indicators.sites import statuses
from . import charts
from .registry import SheetEntry, home, link
from .styles import PRESENCE_COLOURS, SERIES_COLOURS, Styles

COLUMNS = 8
COL_WIDTH = 15
CHART_ROWS = 19
PER_ROW = 4


@dataclass(frozen=True)
class Tile:
    label: str
    value: object
    kind: str = "int"
    detail: str = ""
    sheet: str = ""


KIND = {"nombre": "int", "part": "pct", "montant": "amount", "decimal": "int"}


def _detail(text: str, f: Figures, ind: Indicator) -> str:
    """A tile's second line: ``{cle}`` → that indicator's value over the tile's period, ``{annee}``."""
    out = text.replace("{annee}", str(f.year))
    for key, v in f.values.items():
        if "{" + key + "}" in out:
            value = v.this_year if ind.window == "annee" and v.this_year is not None else v.total
            out = out.replace("{" + key + "}", french.shown(value, v.display))
    return out


def _period(f: Figures, ind: Indicator, dated: bool) -> str:
    if not dated:
        return f"au {f.arrete:%d/%m/%Y}"
    return f"en {f.year}" if ind.window == "annee" else f"depuis le {f.period[0]:%d/%m/%Y}"


def tiles(f: Figures, ind: Indicator, sheets: dict[str, str]) -> list[Tile]:
    """The tiles of one declared indicator (a presence gives one per status, an obligation one per party)."""
    target = home(f, ind, sheets)
    if ind.kind == PRESENCE:
        total = len(f.sites)
        other = f.sites["other_view"].astype(bool) if len(f.sites) else None
        out = []
        for v, status in zip(f.parts(ind.key), statuses(f.spec), strict=True):
            share = v.total / total if total else None
            detail = f"{french.percent(share)} des {f.site_plural}"
            if other is not None:
                rests = int((other & (f.sites["status"] == status)).sum())
                if rests:
                    detail += f" · dont {rests} d'après l'autre association"
            out.append(Tile(status, v.total, "int", detail, target))
        return out
    if ind.kind == VALIDITY:
        current, expiring, expired = (f.values[f"{ind.key}_{s}"] for s in ("current", "expiring", "expired"))
        return [Tile(ind.tile or ind.label, current.total, "int",
                     f"{french.number(expiring.total)} à renouveler · {french.number(expired.total)} expirés "
                     f"· au {f.arrete:%d/%m/%Y}", target)]
    if ind.kind == OBLIGATION:
        grid = f.obligations[ind.key]
        out = []
        for v, party in zip(f.parts(ind.key), grid.columns[4:], strict=True):
            label = (ind.tile or ind.label).replace("{partie}", f.spec.in_sentence(party))
            out.append(Tile(label, f"{french.number(v.total)} / {len(grid)}", "text",
                            f"{ind.period}s tenus · depuis le {f.period[0]:%d/%m/%Y}", target))
        return out
    v = f.values[ind.key]
    dated = v.this_year is not None or ind.kind == FUNNEL
    detail = _detail(ind.detail, f, ind) if ind.detail else ""
    period = _period(f, ind, dated) if "{annee}" not in (ind.tile or ind.label) else ""
    detail = " · ".join(x for x in (detail, period) if x)
    return [Tile((ind.tile or ind.label).replace("{annee}", str(f.year)), v.tile, KIND.get(v.display, "int"),
                 detail, target)]


def completeness_tiles(f: Figures, sheet: str) -> list[Tile]:
    cf = f.sending.counts
    return [
        Tile("Sections à jour", cf.up_to_date,
             detail=f"sur {cf.expected} attendues ({french.percent(cf.up_to_date_rate)})",
             sheet=sheet),
        Tile("Sections en retard", cf.late, detail="chiffres repris avec leur date", sheet=sheet),
        Tile("Sections manquantes", cf.missing, detail="aucun classeur reçu : à relancer", sheet=sheet),
        Tile("Sections non attendues", cf.unexpected, detail="absentes de la configuration", sheet=sheet),
    ]


def reliability(f: Figures, cons, names: dict[str, str]) -> list[tuple[str, str, str]]:
    """(what, how much, sheet) lines of the « Fiabilité des chiffres » block."""
    report = cons.report
    late = f.sending.table[f.sending.table["state"] == "en retard"]
    oldest = min((d for d in late["updated"] if d is not None), default=None) if len(late) else None
    lines = [("Lignes reprises", f"{french.number(report.rows_consolidated)} sur "
                                 f"{french.number(report.rows_read)} lues ; "
              f"{french.number(report.rows_rejected)} rejetée(s), {french.number(report.values_left_out)} valeur(s) "
              "écartée(s)", names.get("anomalies", "")),
             ("Sections en retard", f"{len(late)} : leurs chiffres sont repris avec leur date"
              + (f" (la plus ancienne du {oldest:%d/%m/%Y})" if oldest else ""), names.get("follow_up", "")),
             ("Sections manquantes", f"{f.sending.counts.missing} : jamais comptées comme des zéros",
              names.get("follow_up", ""))]
    if len(f.sites):
        other = int(f.sites["other_view"].astype(bool).sum())
        lines.append((f"{f.site_plural[:1].upper() + f.site_plural[1:]} d'après l'autre association",
                      f"{other} : la partie concernée n'a rien déclaré, la vue de l'autre est reprise",
                      names.get("sites", "")))
    if "presence_check" in f.sites:
        checks = int(f.sites["presence_check"].fillna("").astype(bool).sum())
        lines.append(("Présences contredites par une réunion", f"{checks} : un {f.site_label} compté sans une "
                      "association qu'une réunion de l'année montre représentée (colonne « Présence à vérifier »)",
                      names.get("sites", "")))
    diverging = sum(1 for x in report.findings if x.code == "commun-divergent")
    lines.append(("Enregistrements communs déclarés différemment", f"{diverging} : comptés une fois, à accorder",
                  names.get("anomalies", "")))
    return lines


def write_synthese(wb: Workbook, ws: Worksheet, styles: Styles, f: Figures, cons, title: str,
                   entries: list[SheetEntry], names: dict[str, str]) -> None:
    """Reliability, tiles, contents and charts; links and charts only towards the sheets written."""
    written = {e.name for e in entries}
    ws.hide_gridlines(2)
    ws.set_column(0, COLUMNS - 1, COL_WIDTH)
    ws.set_row(0, 30)
    ws.write_string(0, 0, f"Tableau de bord – {title}", styles.title)
    ws.write_string(1, 0, (f"Situation arrêtée au {f.arrete:%d/%m/%Y} · convention du {f.period[0]:%d/%m/%Y} au "
                           f"{cons.config.period_end:%d/%m/%Y} · généré le {f.today:%d/%m/%Y}"), styles.subtitle)
    row = 3
    ws.merge_range(row, 0, row, COLUMNS - 1, "Fiabilité des chiffres", styles.heading)
    lines = reliability(f, cons, names)
    extra = 0
    for what, text, sheet in lines:
        row += 1
        ws.merge_range(row, 0, row, 2, "", styles.label)
        if sheet in written:
            ws.write_url(row, 0, link(sheet), styles.link, what)
        else:
            ws.write_string(row, 0, what, styles.label)
        ws.merge_range(row, 3, row, COLUMNS - 1, text, styles.wrap)
        # a merged cell never grows by itself; the body type is smaller than the width unit (1.3 characters each)
        lines_of_text = math.ceil(len(text) / ((COLUMNS - 3) * COL_WIDTH * 1.3))
        if lines_of_text > 1:
            ws.set_row(row, 15 * lines_of_text)
            extra += 15 * (lines_of_text - 1)
    row += 2
    page = _Pages(30 + 15 * (len(lines) + 4) + extra)
    sheets = {e.key: e.name for e in entries}
    groups = [(g.title.replace("{sites}", str(len(f.sites))),
               [t for ind in f.board.indicators if ind.group == g.key for t in tiles(f, ind, sheets)])
              for g in f.board.groups]
    groups.append(("Envois des sections", completeness_tiles(f, names.get("follow_up", ""))))
    for heading, items in groups:
        if items:
            page.keep(row, 18 + TILE_ROWS_HEIGHT * ((len(items) + PER_ROW - 1) // PER_ROW))
        row = _group(ws, styles, row, heading, items, written)
    contents = [e for e in entries if e.what and e.key != "synthese"]
    page.keep(row, 18 + 15 * ((len(contents) + 1) // 2 + 1))
    row = _contents(ws, styles, row, entries)
    data, chart_breaks = _charts(wb, ws, styles, f, row)
    ws.set_h_pagebreaks(page.breaks + chart_breaks)
    ws.print_area(0, 0, data - 1, COLUMNS - 1)  # the charts' data tables are for the screen


TILE_ROWS_HEIGHT = 30 + 32 + 44 + 15
"""Points of one row of tiles (label, value, detail, a blank row)."""
PAGE_HEIGHT = 520
"""Points of rows on one printed page (A4 landscape, fitted to the width), with a margin."""


class _Pages:
    """Page breaks that keep each block (a heading and its tiles) on one printed page."""

    def __init__(self, used: float) -> None:
        self.used, self.breaks = used, []

    def keep(self, row: int, height: float) -> None:
        if self.used + height > PAGE_HEIGHT and self.used:
            self.breaks.append(row)
            self.used = 0
        self.used += height


def _group(ws: Worksheet, styles: Styles, row: int, heading: str, items: list[Tile], written: set[str]) -> int:
    if not items:
        return row
    ws.merge_range(row, 0, row, COLUMNS - 1, heading, styles.heading)
    row += 1
    for start in range(0, len(items), PER_ROW):
        ws.set_row(row, 30)
        ws.set_row(row + 1, 32)
        ws.set_row(row + 2, 44)  # three lines of detail
        for i, tile in enumerate(items[start:start + PER_ROW]):
            if tile.sheet not in written:
                tile = replace(tile, sheet="")
            _write_tile(ws, styles, row, 2 * i, tile)
        row += 4
    return row


def _write_tile(ws: Worksheet, styles: Styles, row: int, col: int, tile: Tile) -> None:
    ws.merge_range(row, col, row, col + 1, "", styles.tile_label)
    if tile.sheet:
        ws.write_url(row, col, link(tile.sheet), styles.tile_label, tile.label, f"Voir « {tile.sheet} »")
    else:
        ws.write_string(row, col, tile.label, styles.tile_label)
    value = tile.value
    kind = "text" if value is None or isinstance(value, str) else tile.kind
    fmt = styles.tile[kind]
    ws.merge_range(row + 1, col, row + 1, col + 1, "", fmt)
    if value is None:
        ws.write_string(row + 1, col, "–", fmt)
    elif isinstance(value, str):
        ws.write_string(row + 1, col, value, fmt)
    elif kind == "pct":
        ws.write_string(row + 1, col, french.percent(value), styles.tile["text"])  # 99,6 %, never a rounded 100 %
    else:
        ws.write_number(row + 1, col, value, fmt)
    ws.merge_range(row + 2, col, row + 2, col + 1, tile.detail, styles.tile_detail)


def _contents(ws: Worksheet, styles: Styles, row: int, entries: list[SheetEntry]) -> int:
    ws.merge_range(row, 0, row, COLUMNS - 1, "Sommaire", styles.heading)
    row += 1
    contents = [e for e in entries if e.what and e.key != "synthese"]
    half = (len(contents) + 1) // 2
    for i, entry in enumerate(contents):
        r, c = row + i % half, 0 if i < half else 4
        ws.write_url(r, c, link(entry.name), styles.link, entry.name)
        ws.merge_range(r, c + 1, r, c + 3, entry.what, styles.note)
    return row + half + 1


def _small_table(ws: Worksheet, styles: Styles, row: int, col: int, headers: list[str], rows: list[list],
                 kinds: list[str]) -> int:
    for j, h in enumerate(headers):
        ws.write_string(row, col + j, h, styles.header)
    for i, values in enumerate(rows, start=1):
        for j, (v, kind) in enumerate(zip(values, kinds, strict=True)):
            if kind == "text":
                ws.write_string(row + i, col + j, str(v), styles.text)
            elif kind == "month":
                ws.write_datetime(row + i, col + j, v.to_pydatetime(), styles.numbers["month"])
            else:
                ws.write_number(row + i, col + j, float(v), styles.number(kind))
    return row + len(rows)


def _charts(wb: Workbook, ws: Worksheet, styles: Styles, f: Figures, row: int) -> tuple[int, list[int]]:
    """The declared charts, two per row (a chart over months takes a row), then the tables they draw from;
    returns the first row of those tables and the page breaks (two rows of charts per page)."""
    sheet = ws.name
    declared = [c for c in f.board.charts if c.kind != "evolution"]
    slots = len(declared) + 1 + 2 * sum(c.kind == "mois" for c in declared)  # at most: a wide one may skip a slot
    data_row = row + ((slots + 1) // 2) * CHART_ROWS + 2
    data_start = data_row
    ws.merge_range(data_row, 0, data_row, COLUMNS - 1, "Données des graphiques", styles.heading)
    data_row += 2
    placed = []
    state_values = [int((f.sending.table["state"] == s).sum()) for s in STATES]
    state_rows = [[s, v] for s, v in zip(STATES, state_values, strict=True)]
    end = _small_table(ws, styles, data_row, 0, ["Envoi", "Sections"], state_rows, ["text", "int"])
    placed.append(("Envois des sections ce mois-ci", charts.completeness_pie(
        wb, sheet, data_row + 1, end, 0, 1, list(STATES), state_values) if any(state_values) else None))
    data_row = end + 2
    wides: set = set()
    for chart in declared:
        made, data_row = _declared_chart(wb, ws, styles, f, chart, data_row, wides)
        placed.append((chart.title, made))
    slot = 4 * (COL_WIDTH * 7 + 5)  # pixels of half the sheet's printed width
    chart_rows, slot_index = [], 0
    for title, chart in placed:
        wide = chart is not None and chart in wides
        if wide and slot_index % 2:
            slot_index += 1  # a wide chart starts a row of its own
        r, c = row + (slot_index // 2) * CHART_ROWS, (slot_index % 2) * 4
        chart_rows.append(r)
        if chart is None:
            ws.merge_range(r + 1, c, r + 1, c + 3, f"{title} : aucune donnée pour l'instant.", styles.note)
        else:
            chart.set_size({"width": (2 * slot if wide else slot) - 10, "height": charts.HEIGHT})
            ws.insert_chart(r, c, chart, {"x_offset": 4, "y_offset": 4})
        slot_index += 2 if wide else 1
    rows_used = sorted(set(chart_rows))
    return data_start, [r for i, r in enumerate(rows_used) if i % 2 == 0]


def _declared_chart(wb: Workbook, ws: Worksheet, styles: Styles, f: Figures, chart, row: int, wides: set):
    """The chart's data table at ``row`` and the chart (None: no data); a chart over months goes in ``wides``
    (it takes a whole row)."""
    sheet = ws.name
    if chart.kind in ("presence", "parts"):
        if chart.kind == "presence":
            labels = list(statuses(f.spec))
            values = [float(f.status_counts.get(s, 0)) for s in labels]
            colours = [c[0] for c in PRESENCE_COLOURS]
        else:
            parts = [f.values[k] for k in chart.indicators]
            labels = [p.label for p in parts]
            values = [float(p.total or 0) for p in parts]
            colours = [c[0] for c in PRESENCE_COLOURS] if len(parts) <= 4 else list(SERIES_COLOURS)
        end = _small_table(ws, styles, row, 0, [chart.title[:30], "Nombre"], [[label, v] for label, v in zip(
            labels, values, strict=True)], ["text", "int"])
        made = charts.pie(wb, sheet, chart.title, row + 1, end, 0, 1, colours, values) if any(values) else None
        return made, end + 2
    if chart.kind == "presence_groupes":
        grid = f.by_group
        labels = list(statuses(f.spec))
        if grid.empty:
            return None, row
        rows = [[g, *[int(grid.loc[g, s]) for s in labels]] for g in grid.index]
        end = _small_table(ws, styles, row, 0, [f.group_label, *labels], rows, ["text"] + ["int"] * len(labels))
        made = charts.status_by_group(wb, sheet, row + 1, end, len(labels), chart.title)
        return made, end + 2
    if chart.kind == "mois":
        grid = f.by_month.get((chart.indicators[0], chart.by))
        if grid is None or not len(grid):
            return None, row
        headers = ["Mois", *map(str, grid.columns)]
        rows = [[m, *vals] for m, vals in zip(grid.index, grid.to_numpy().tolist(), strict=True)]
        ws.set_row(row, 45)
        end = _small_table(ws, styles, row, 0, headers, rows, ["month"] + ["int"] * len(grid.columns))
        made = charts.stacked_columns(wb, sheet, chart.title, row, row + 1, end, 1, len(grid.columns))
        wides.add(made)
        return (made if grid.to_numpy().sum() else None), end + 2
    if chart.kind == "repartition":
        frames = [f.breakdowns.get((k, chart.by)) for k in chart.indicators]
        if any(fr is None for fr in frames):
            return None, row
        categories = list(frames[0].index)
        kinds = ["amount" if f.values[k].display == "montant" else "int" for k in chart.indicators]
        rows = [[c, *[float(fr.loc[c, "value"]) for fr in frames]] for c in categories]
        end = _small_table(ws, styles, row, 0, ["", *[f.values[k].label for k in chart.indicators]], rows,
                           ["text", *kinds])
        fmt = "# ##0 €" if "amount" in kinds else "# ##0"
        made = charts.clustered(wb, sheet, chart.title, row, row + 1, end, list(range(1, len(frames) + 1)), fmt)
        return (made if any(v for r in rows for v in r[1:]) else None), end + 2
    if chart.kind == "entonnoir":
        ind = f.board.indicator(chart.indicators[0])
        steps = [f.values[k] for k in ind.steps]
        rows = [[s.label, float(s.total or 0)] for s in steps]
        end = _small_table(ws, styles, row, 0, ["Étape", "Nombre"], rows, ["text", "int"])
        made = charts.funnel(wb, sheet, chart.title, row + 1, end)
        return (made if any(r[1] for r in rows) else None), end + 2
    return None, row
