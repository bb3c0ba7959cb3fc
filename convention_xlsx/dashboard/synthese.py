"""``Synthèse``: key figures as tiles, links to every sheet, the charts and their data."""

from __future__ import annotations

from dataclasses import dataclass, replace

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..indicators import Figures
from ..indicators.activity import REPRESENTATION
from ..indicators.completeness import STATES
from ..indicators.presence import STATUSES
from . import charts
from . import names as n
from .styles import AMOUNT, Styles

COLUMNS = 8
COL_WIDTH = 18
CHART_ROWS = 19

CONTENTS = (
    (n.ESTABLISHMENTS, "chaque établissement : présence, bénévoles, réunions"),
    (n.BY_DISP, "statuts de présence par direction interrégionale"),
    (n.EVOLUTION, "chiffres mois par mois depuis le début de la convention"),
    (n.ACTIONS, "toutes les actions déclarées"),
    (n.MEETINGS, "réunions avec la direction ou le SPIP"),
    (n.REFERRALS, "orientations vers l'autre association"),
    (n.TRAININGS, "formations communes (§2)"),
    (n.COMMUNICATION, "nouvelles du partenaire par trimestre (§3)"),
    (n.CALLS, "réponses aux appels à projet (§4)"),
    (n.MANDATES, "mandats en cours, à renouveler, expirés"),
    (n.FOLLOW_UP, "qui a envoyé, qui relancer"),
    (n.BILAN, "année en cours et précédente, recommandations"),
    (n.ANOMALIES, "anomalies relevées dans les classeurs"),
    (n.ABOUT, "versions et fichiers traités"),
)


@dataclass(frozen=True)
class Tile:
    label: str
    value: object
    kind: str = "int"
    detail: str = ""
    sheet: str = ""


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{round(100 * value)} %"


def _eur(value: float) -> str:
    return f"{value:,.0f} €".replace(",", "\u202f")


def tile_groups(f: Figures) -> list[tuple[str, list[Tile]]]:
    total = len(f.establishments)
    s, p, m, c, cf = f.status_counts, f.people, f.meetings, f.calls, f.completeness_figures
    quarters = len(f.news)
    news = f.news_quarters
    return [
        (f"Présence dans les {total} établissements du référentiel (§1)", [
            Tile(status, int(s[status]), detail=f"{_pct(s[status] / total if total else None)} des établissements",
                 sheet=n.ESTABLISHMENTS) for status in STATUSES]),
        ("Bénévoles et mandats (§1)", [
            Tile("CP Auxilia en poste", f.declared_cps,
                 detail=f"déclarés par les sections ; {p.cps} dans les listes d'intervenants", sheet=n.ESTABLISHMENTS),
            Tile("CP qui sont aussi visiteurs ANVP", p.visitor_cp_share, "pct",
                 f"{p.visitor_cps} sur {p.cps} CP", n.ESTABLISHMENTS),
            Tile("Adhérents des deux associations", p.cross_members, detail="parmi les intervenants déclarés",
                 sheet=n.ESTABLISHMENTS),
            Tile("Mandats en cours", p.mandates_current,
                 detail=f"{p.mandates_expiring} à renouveler · {p.mandates_expired} expirés", sheet=n.MANDATES)]),
        ("Actions et réunions (§1)", [
            Tile(f"Actions communes en {f.year}", f.actions_year.joint,
                 detail=f"sur {f.actions_year.actions} actions en {f.year}", sheet=n.ACTIONS),
            Tile("Réunions où les deux sont représentées", m.both_share, "pct",
                 f"{m.both} sur {m.meetings} réunions ; {m.by_other} avec une association "
                 "représentée par l'autre", n.MEETINGS),
            Tile("Réunions préparées en commun", m.preparation_share, "pct",
                 f"{m.joint_preparation} sur {m.meetings} réunions", n.MEETINGS),
            Tile("Compte-rendu reçu par les deux", m.minutes_share, "pct",
                 f"{m.minutes_both} sur {m.meetings} réunions", n.MEETINGS)]),
        ("Formations, communication, appels à projet (§2 à §4)", [
            Tile("Formations communes", f.trainings.trainings,
                 detail=f"{f.trainings.participants} participants", sheet=n.TRAININGS),
            Tile("Nouvelles du partenaire publiées par l'ANVP", f"{news['ANVP']} / {quarters}", "text",
                 "trimestres avec au moins une nouvelle", n.COMMUNICATION),
            Tile("Nouvelles du partenaire publiées par Auxilia", f"{news['Auxilia']} / {quarters}", "text",
                 "trimestres avec au moins une nouvelle", n.COMMUNICATION),
            Tile("Appels à projet gagnés", c.won,
                 detail=f"sur {c.filed} déposés ({c.joint_filed} en commun) · {_eur(c.granted)} obtenus "
                        f"sur {_eur(c.requested)}", sheet=n.CALLS)]),
        ("Envois des sections ce mois-ci (§5)", [
            Tile("Sections à jour", cf.up_to_date,
                 detail=f"sur {cf.expected} attendues ({_pct(cf.up_to_date_rate)})", sheet=n.FOLLOW_UP),
            Tile("Sections en retard", cf.late, detail="chiffres repris avec leur date", sheet=n.FOLLOW_UP),
            Tile("Sections manquantes", cf.missing, detail="aucun classeur reçu : à relancer", sheet=n.FOLLOW_UP),
            Tile("Sections non attendues", cf.unexpected, detail="absentes de la configuration",
                 sheet=n.FOLLOW_UP)]),
    ]


def _write_tile(ws: Worksheet, styles: Styles, row: int, col: int, tile: Tile) -> None:
    ws.merge_range(row, col, row, col + 1, "", styles.tile_label)
    if tile.sheet:
        ws.write_url(row, col, n.link(tile.sheet), styles.tile_label, tile.label, f"Voir « {tile.sheet} »")
    else:
        ws.write_string(row, col, tile.label, styles.tile_label)
    fmt = styles.tile["text" if tile.value is None else tile.kind]
    ws.merge_range(row + 1, col, row + 1, col + 1, "", fmt)
    if tile.value is None:
        ws.write_string(row + 1, col, "–", fmt)
    elif isinstance(tile.value, str):
        ws.write_string(row + 1, col, tile.value, fmt)
    else:
        ws.write_number(row + 1, col, tile.value, fmt)
    ws.merge_range(row + 2, col, row + 2, col + 1, tile.detail, styles.tile_detail)


def write_synthese(wb: Workbook, ws: Worksheet, styles: Styles, f: Figures, title: str,
                   disp_rows: tuple[int, int] | None, sheets: tuple[str, ...] = n.SHEET_NAMES) -> None:
    """Tiles, contents and charts; links and charts only towards the ``sheets`` written."""
    ws.hide_gridlines(2)
    ws.set_column(0, COLUMNS - 1, COL_WIDTH)
    ws.set_row(0, 30)
    ws.write_string(0, 0, f"Tableau de bord – {title}", styles.title)
    ws.write_string(1, 0, (
        f"Situation arrêtée au {f.arrete:%d/%m/%Y} · chiffres depuis le début de la convention "
        f"({f.period[0]:%d/%m/%Y}) sauf mention · généré le {f.today:%d/%m/%Y}"), styles.subtitle)
    row = 3
    for heading, tiles in tile_groups(f):
        ws.merge_range(row, 0, row, COLUMNS - 1, heading, styles.heading)
        row += 1
        ws.set_row(row, 26)
        ws.set_row(row + 1, 32)
        ws.set_row(row + 2, 26)
        for i, tile in enumerate(tiles):
            if tile.sheet not in sheets:
                tile = replace(tile, sheet="")
            _write_tile(ws, styles, row, 2 * i, tile)
        row += 4
    row = _contents(ws, styles, row, sheets)
    data_row = row + 4 * CHART_ROWS + 2
    places = _chart_data(ws, styles, f, data_row)
    _charts(wb, ws, f, row, places, disp_rows)


def _contents(ws: Worksheet, styles: Styles, row: int, sheets: tuple[str, ...]) -> int:
    ws.merge_range(row, 0, row, COLUMNS - 1, "Sommaire", styles.heading)
    row += 1
    contents = [(sheet, what) for sheet, what in CONTENTS if sheet in sheets]
    half = (len(contents) + 1) // 2
    for i, (sheet, what) in enumerate(contents):
        r, c = row + i % half, 0 if i < half else 4
        ws.write_url(r, c, n.link(sheet), styles.link, sheet)
        ws.merge_range(r, c + 1, r, c + 3, what, styles.note)
    return row + half + 1


def _small_table(ws: Worksheet, styles: Styles, row: int, col: int, headers: list[str],
                 rows: list[list], kinds: list[str]) -> int:
    for j, h in enumerate(headers):
        ws.write_string(row, col + j, h, styles.header)
    for i, values in enumerate(rows, start=1):
        for j, (v, kind) in enumerate(zip(values, kinds, strict=True)):
            if kind == "text":
                ws.write_string(row + i, col + j, str(v), styles.text)
            elif kind == "month":
                ws.write_datetime(row + i, col + j, v.to_pydatetime(), styles.numbers["month"])
            else:
                ws.write_number(row + i, col + j, v, styles.number(kind))
    return row + len(rows)


def _chart_data(ws: Worksheet, styles: Styles, f: Figures, row: int) -> dict[str, tuple[int, int]]:
    """Write the charts' figures (visible, printable) and return where each block sits."""
    ws.merge_range(row, 0, row, COLUMNS - 1, "Données des graphiques", styles.heading)
    row += 2
    places = {}
    blocks = [
        ("status", ["Présence", "Établissements"], [[s, int(f.status_counts[s])] for s in STATUSES]),
        ("completeness", ["Envoi", "Sections"],
         [[s, int((f.completeness["state"] == s).sum())] for s in STATES]),
        ("meetings", ["Représentées", "Réunions"], [[r, f.meetings.representation[r]] for r in REPRESENTATION]),
    ]
    for i, (key, headers, rows) in enumerate(blocks):
        _small_table(ws, styles, row, 3 * i, headers, rows, ["text", "int"])
        places[key] = (row + 1, row + len(rows))
    row += 6
    calls = f.calls_by_carrier.reset_index()
    _small_table(ws, styles, row, 0, ["Portage", "Déposés", "Gagnés", "Montants demandés", "Montants obtenus"],
                 calls[["carrier", "filed", "won", "requested", "granted"]].to_numpy().tolist(),
                 ["text", "int", "int", "amount", "amount"])
    places["calls"] = (row + 1, row + len(calls))
    row += len(calls) + 2
    grid = f.actions_by_month
    action_types = list(grid.columns[:-2])
    headers = ["Mois", *action_types, "Total", "dont communes"]
    rows = [[month, *values] for month, values in zip(grid.index, grid.to_numpy().tolist(), strict=True)]
    ws.set_row(row, 45)
    _small_table(ws, styles, row, 0, headers, rows, ["month"] + ["int"] * (len(headers) - 1))
    places["actions"] = (row + 1, row + len(rows))
    places["actions_header"] = (row, row)
    ws.set_column(COLUMNS, COLUMNS + 2, COL_WIDTH)
    return places


def _charts(wb: Workbook, ws: Worksheet, f: Figures, row: int, places: dict,
            disp_rows: tuple[int, int] | None) -> None:
    sheet = ws.name
    states = list(STATES)
    grid = [
        (charts.status_pie(wb, sheet, *places["status"], 0, 1), 0, 0),
        (charts.completeness_pie(wb, sheet, *places["completeness"], 3, 4, states), 0, 4),
        (charts.pie(wb, sheet, "Réunions : associations représentées", *places["meetings"], 6, 7,
                    [c for c in ("#2E7D32", "#1565C0", "#EF6C00", "#9E9E9E")]), 1, 4),
    ]
    if disp_rows is not None:  # the chart draws from « Par DISP »
        grid.append((charts.status_by_disp(wb, n.BY_DISP, *disp_rows), 1, 0))
    first, last = places["actions"]
    actions = charts.stacked_columns(wb, sheet, "Actions par mois et par type", first - 1, first, last, 1,
                                     len(f.actions_by_month.columns) - 2)
    actions.set_size({"width": 2 * charts.WIDTH + 45, "height": charts.HEIGHT})
    grid.append((actions, 2, 0))
    c_first, c_last = places["calls"]
    grid.append((charts.clustered(wb, sheet, "Appels à projet déposés et gagnés", c_first - 1, c_first, c_last,
                                  [1, 2]), 3, 0))
    grid.append((charts.clustered(wb, sheet, "Appels à projet : montants demandés et obtenus", c_first - 1,
                                  c_first, c_last, [3, 4], AMOUNT), 3, 4))
    for chart, line, col in grid:
        ws.insert_chart(row + line * CHART_ROWS, col, chart, {"x_offset": 4, "y_offset": 4})
    # Print: tiles on page 1, two rows of charts per page, then the charts' data.
    ws.set_h_pagebreaks([row, row + 2 * CHART_ROWS, places["status"][0] - 3])
