"""``Bilan``: each indicator for the year N beside N−1, recommendations, the référents' observations.

Each indicator and each recommendation has an observation cell, keyed by a hidden cell on
its right (see :mod:`convention_xlsx.observations`); the free box is the defined name
``Observations``. What the référents wrote in the previous dashboard is written back in
the same places, and observations whose indicator or recommendation is gone are listed
under « Observations reprises », so that nothing is lost. The members' edition has no
observation cells (they are written for the presidents).
"""

from __future__ import annotations

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .. import french
from ..indicators.board import Figures
from ..observations import FREE_BOX, CarriedObservations, key_cell, key_for
from .styles import Styles, sheet_title

OBSERVATIONS = FREE_BOX
OBSERVATION_ROWS = 10
KIND = {"nombre": "int", "part": "pct", "montant": "amount", "decimal": "decimal"}
OBS_COL, KEY_COL = 5, 6
"""The observation column (F) and the hidden key column (G)."""


def _month(month: str | None) -> str:
    return f"{month[5:]}/{month[:4]}" if month else ""


def _subtitle(f: Figures) -> str:
    n = f.bilan_year
    span = f"{n} jusqu'au {f.arrete:%d/%m/%Y}" if n == f.arrete.year else f"Année {n}"
    current, previous = f.bilan.months
    snap_n = f"situation de {_month(current)}" if current else "non disponible"
    snap_n1 = (f"situation de {_month(previous)} (historique des traitements)" if previous
               else f"non disponible (aucun traitement de {n - 1} dans l'historique)")
    return (f"{span} comparé à {n - 1}. Chiffres de situation (ceux qui ne sont pas datés) : "
            f"{n} = {snap_n} ; {n - 1} = {snap_n1}. Recommandations : feuille « Recommandations ».")


def write_bilan(wb: Workbook, ws: Worksheet, styles: Styles, f: Figures, recs: Worksheet | None = None,
                observations: CarriedObservations | None = None, with_observations: bool = True) -> None:
    """The bilan's indicators on ``ws``, its recommendations on ``recs`` (each table's header repeated on
    every printed page), the référents' observations beside each line, kept from one month to the next."""
    n = f.bilan_year or f.year
    carried = dict(observations.items) if observations else {}

    def observation(sheet: Worksheet, row: int, kind: str, ident: str, label: str) -> None:
        if not with_observations:
            return
        key = key_for(n, kind, ident)
        found = carried.pop(key, None)
        sheet.write_string(row, OBS_COL, found.text if found else "", styles.box)
        sheet.write_string(row, KEY_COL, key_cell(key, label), styles.text)

    _columns(ws, f, with_observations)
    sheet_title(ws, styles, f"Bilan {n} du partenariat", _subtitle(f), _widths(f, with_observations))
    row = 3
    headers = ["Clause", "Indicateur", str(n), str(n - 1), "Évolution"]
    if with_observations:
        headers.append("Observations des référents")
    for j, h in enumerate(headers):
        ws.write_string(row, j, h, styles.header)
    for i, rec in enumerate(f.bilan.table.itertuples(index=False), start=row + 1):
        kind = KIND.get(rec.kind, "int")
        ws.write_string(i, 0, rec.clause, styles.text)
        ws.write_string(i, 1, rec.indicator, styles.text)
        for j, value in ((2, rec.n), (3, rec.n1), (4, rec.change)):
            _value(ws, styles, i, j, value, kind, signed=j == 4)
        observation(ws, i, "ind", rec.indicator, rec.indicator)
    end = row + len(f.bilan.table) + 2
    if recs is not None:
        _columns(recs, f, with_observations)
        sheet_title(recs, styles, f"Recommandations du bilan {n}", (
            f"{french.counted(len(f.bilan.recommendations), 'recommandation tirée', 'recommandations tirées')} des "
            "chiffres, chacune avec sa clause et ses éléments ; les plus urgentes d'abord dans chaque clause."),
            _widths(f, with_observations))
        row = 3
        for j, h in enumerate(["Clause", "Recommandation"]):
            recs.write_string(row, j, h, styles.header)
        recs.merge_range(row, 2, row, 4, "Éléments", styles.header)
        if with_observations:
            recs.write_string(row, OBS_COL, "Observations des référents", styles.header)
        for rec in f.bilan.recommendations:
            row += 1
            found = carried.get(key_for(n, "reco", rec.key or rec.text))
            recs.set_row(row, _height(rec.evidence, 38, rec.text, 54, found.text if found else "", 32))
            recs.write_string(row, 0, rec.clause, styles.wrap)
            recs.write_string(row, 1, rec.text, styles.wrap)
            recs.merge_range(row, 2, row, 4, rec.evidence, styles.wrap)
            observation(recs, row, "reco", rec.key or rec.text, rec.text)
        if not f.bilan.recommendations:
            recs.write_string(row + 1, 1, "Aucune recommandation : les engagements suivis sont tenus.", styles.note)
    if not with_observations:
        return
    row = _earlier(ws, styles, end, carried)
    if 15 * (row + OBSERVATION_ROWS + 3) > 520:  # the box would be cut by the page's end: it starts a page
        ws.set_h_pagebreaks([row])
    ws.merge_range(row, 0, row, OBS_COL, "Observations des référents", styles.heading)
    row += 1
    ws.merge_range(row, 0, row, OBS_COL, "Écrivez ici vos observations pour les présidents : elles seront "
                   "reprises dans le tableau de bord du mois suivant.", styles.note)
    row += 1
    free = observations.free if observations else ""
    ws.merge_range(row, 0, row + OBSERVATION_ROWS - 1, OBS_COL, free, styles.box)
    wb.define_name(OBSERVATIONS, f"='{ws.name}'!$A${row + 1}:$F${row + OBSERVATION_ROWS}")


def _widths(f: Figures, with_observations: bool) -> list[float]:
    """The printed columns: the clause as wide as the longest one (« §1 », « Sélection »), the text the rest."""
    clauses = [str(c) for c in f.bilan.table["clause"]] if len(f.bilan.table) else []
    clauses += [r.clause for r in f.bilan.recommendations]
    clause = min(12, max(6, max((len(c) for c in clauses), default=0) + 2))
    return [clause, 59 - clause, 12, 12, 12, 30 if with_observations else 2]


def _columns(ws: Worksheet, f: Figures, with_observations: bool) -> None:
    widths = _widths(f, with_observations)
    ws.set_column(0, 0, widths[0])
    ws.set_column(1, 1, widths[1])
    ws.set_column(2, 4, widths[2])
    ws.set_column(OBS_COL, OBS_COL, widths[OBS_COL])
    ws.set_column(KEY_COL, KEY_COL, None, None, {"hidden": True})


def _earlier(ws: Worksheet, styles: Styles, row: int, left: dict) -> int:
    """Observations whose indicator or recommendation is not in this bilan: kept, with their key."""
    if not left:
        return row
    ws.merge_range(row, 0, row, OBS_COL, "Observations reprises d'un tableau de bord précédent", styles.heading)
    row += 1
    ws.merge_range(row, 0, row, 4, "À propos de", styles.header)
    ws.write_string(row, OBS_COL, "Observations des référents", styles.header)
    for obs in left.values():
        row += 1
        year = obs.key[len("obs:"):].split(":")[0]
        ws.set_row(row, _height(obs.text, 32))
        ws.merge_range(row, 0, row, 4, f"Bilan {year} · {obs.label}", styles.wrap)
        ws.write_string(row, OBS_COL, obs.text, styles.box)
        ws.write_string(row, KEY_COL, key_cell(obs.key, obs.label), styles.text)
    return row + 2


def _height(*texts_and_widths: object) -> float:
    """A row height (points) that shows each (text, characters per line) pair whole, two lines at least."""
    pairs = zip(texts_and_widths[::2], texts_and_widths[1::2], strict=True)
    lines = max([2] + [-(-len(str(text)) // int(width)) for text, width in pairs])
    return 13 * lines + 4


def _value(ws: Worksheet, styles: Styles, row: int, col: int, value: object, kind: str, signed: bool) -> None:
    if isinstance(value, str):
        ws.write_string(row, col, value, styles.note)
    elif value is None or value != value:  # None or NaN: nothing to compare
        ws.write_string(row, col, "–", styles.text)
    elif signed:
        shown = round(float(value) * 100) if kind == "pct" else float(value)  # no « -0 pt »
        ws.write_number(row, col, shown, styles.signed_for(kind, shown))
    elif kind == "pct" and round(100 * float(value)) in (0, 100) and float(value) not in (0.0, 1.0):
        ws.write_number(row, col, float(value), styles.precise["pct"])  # 99,6 %, not a rounded 100 %
    else:
        ws.write_number(row, col, float(value), styles.number(kind))
