"""The sites sheet (every establishment of the référentiel, reported or not) and its per-group sheet (« Par DISP »).

The sites sheet is one table for the screen, whose first columns are those a president reads on paper: its
print area stops there (the group, the name, the presence, each party's headcount, the declared columns
marked for print, the last report), one page wide at a readable size; the rest (codes, other counts, who
reported) is on the right, for the screen.
"""

from __future__ import annotations

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .. import conventions, french
from ..indicators.board import Figures
from ..indicators.sites import statuses
from ..schema import Kind
from . import charts
from .detail import Col, header_word, write_table
from .styles import Styles, sheet_title, status_colours

HEADER_ROW = 3
NAME_WIDTH = 30
"""The printed width of a site's name (about 37 characters of it); a longer name wraps on a second line, its
row twice as high."""
ROW = 15


def site_columns(f: Figures, extension: str) -> tuple[list[Col], int]:
    """The columns of the sites sheet, and how many of the first ones are printed."""
    spec = f.spec
    sites = spec.sites
    printed = [Col("group", f.group_label, "text", 10),
               Col("name", f.site_label[:1].upper() + f.site_label[1:], "wrap_middle", NAME_WIDTH),
               Col("status", "Présence", "text", 11)]
    rest = [Col("establishment", "Code", "text", 16), Col("type", "Type", "text", 6)]
    for party in spec.parties:
        if party.headcount and sites.has(party.headcount):
            label = sites.column(party.headcount).label
            printed.append(Col(party.headcount, label, "int", header_width(label, 8)))
    headcounts = {p.headcount for p in spec.parties}
    for col in sites.data_columns:
        if col.kind is Kind.COUNT and col.key not in headcounts:
            rest.append(Col(col.key, col.label, "int", 10))
    for column in f.board.site_columns:
        kind = "date" if column.kind == "derniere_date" else "int"
        (printed if column.printed else rest).append(
            Col(column.key, column.label, kind, header_width(column.label, 10 if kind == "date" else 8)))
    for ind in f.board.indicators:
        if ind.kind == "validite" and f"{ind.key}_current" in f.sites:
            printed.append(Col(f"{ind.key}_current", ind.label, "int", header_width(ind.label, 8)))
            rest.append(Col(f"{ind.key}_expiring", f"{ind.label} : dont à renouveler", "int", 10))
    hooks = conventions.load(extension)
    for key, label in hooks.site_labels.items():
        if key in f.sites:
            (printed if key in hooks.site_printed else rest).append(Col(key, label, "text", 24))
    printed.append(Col("last_report", "Dernier envoi", "date", 10))
    rest += [Col("reporters", "Sections ayant rendu compte", "text", 30),
             Col("other_view", "Vue de l'autre association pour", "text", 18)]
    return printed + rest, len(printed)


def header_width(label: str, least: float) -> float:
    """A narrow printed column's width: ``least``, or what holds its header's longest word whole."""
    return max(least, header_word(label) + 0.5)


def write_sites(ws: Worksheet, styles: Styles, f: Figures, extension: str) -> None:
    n = len(f.sites)
    who = french.joined([french.of_name(f.spec.in_sentence(p)) for p in f.spec.party_names])
    cols, printed = site_columns(f, extension)
    sheet_title(ws, styles, f"Présence {who} dans les {f.site_plural}", (
        f"Les {n} {f.site_plural} du référentiel, par {f.group_label}, qu'une section en ait rendu compte ou non. "
        "Chaque association fait foi pour sa propre présence et ses effectifs ; là où elle n'a rien déclaré, la vue "
        "de l'autre association est reprise (colonne « Vue de l'autre association pour », à l'écran). Imprimées : "
        f"les {printed} premières colonnes ; les autres sont à l'écran."), [c.width or 10 for c in cols[:printed]])
    frame = f.sites.sort_values(["group", "name"], kind="stable") if n else f.sites
    heights = [ROW if len(str(name)) <= NAME_WIDTH * 1.25 else 2 * ROW - 2 for name in frame["name"]] if n else None
    last = write_table(ws, styles, HEADER_ROW, frame, cols, "Sites",  # heights set (LibreOffice sizes them
                       colours={"status": status_colours(statuses(f.spec))}, row_height=heights)  # unevenly)
    ws.freeze_panes(HEADER_ROW + 1, 2)
    ws.print_area(0, 0, last, printed - 1)


def write_by_group(wb: Workbook, ws: Worksheet, styles: Styles, f: Figures) -> tuple[int, int]:
    """Status counts per group with a stacked bar chart; returns the data rows (first, last)."""
    labels = list(statuses(f.spec))
    sheet_title(ws, styles, f"Présence par {f.group_label}",
                f"Nombre {french.of(f.site_plural)} par statut de présence, et les effectifs déclarés, "
                f"par {f.group_label}.")
    frame = f.by_group.reset_index()
    extra = [c for c in f.by_group.columns if c not in (*labels, "Total")]
    titles = {c.key: c.label for c in f.spec.sites.columns} if f.spec.sites else {}
    titles.update({c.key: c.label for c in f.board.site_columns})
    cols = [Col("group", f.group_label, "text", 16)] + [Col(s, s, "int", 11) for s in labels] + [
        Col("Total", "Total", "int", 9)] + [Col(c, titles.get(c, c), "int", 11) for c in extra]
    last = write_table(ws, styles, HEADER_ROW, frame, cols, "ParGroupe")
    total_row = last + 1
    ws.write_string(total_row, 0, "Total", styles.label)
    for i, col in enumerate(cols[1:], start=1):
        ws.write_number(total_row, i, int(frame[col.key].sum()) if len(frame) else 0, styles.bold_numbers["int"])
    ws.freeze_panes(HEADER_ROW + 1, 1)
    chart = charts.status_by_group(wb, ws.name, HEADER_ROW + 1, last, len(labels),
                                   f"Présence par {f.group_label} (nombre {french.of(f.site_plural)})")
    ws.insert_chart(total_row + 2, 0, chart, {"x_scale": 1.0, "y_scale": 1.0})
    return HEADER_ROW + 1, last
