"""``Bilan``: each indicator for the year N beside N−1, recommendations, observations.

The observations area is a named range (``Observations``) so that a later run can
find what the référents typed and carry it over.
"""

from __future__ import annotations

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..indicators import Figures
from ..indicators.bilan import AMOUNT, COUNT, SHARE
from .styles import Styles, sheet_title

OBSERVATIONS = "Observations"
OBSERVATION_ROWS = 10
KIND = {COUNT: "int", SHARE: "pct", AMOUNT: "amount"}


def write_bilan(wb: Workbook, ws: Worksheet, styles: Styles, f: Figures) -> None:
    n = f.year
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 62)
    ws.set_column(2, 4, 16)
    ws.set_column(5, 5, 60)
    sheet_title(ws, styles, f"Bilan {n} du partenariat", (
        f"{n} jusqu'au {f.arrete:%d/%m/%Y} comparé à {n - 1}. Les chiffres de situation (présence, CP, "
        f"adhésions, mandats) de {n - 1} seront disponibles avec l'historique des traitements mensuels."))
    row = 3
    headers = ["Clause", "Indicateur", str(n), str(n - 1), "Évolution"]
    for j, h in enumerate(headers):
        ws.write_string(row, j, h, styles.header)
    for i, rec in enumerate(f.bilan.itertuples(index=False), start=row + 1):
        kind = KIND[rec.kind]
        ws.write_string(i, 0, rec.clause, styles.text)
        ws.write_string(i, 1, rec.indicator, styles.text)
        for j, value in ((2, rec.n), (3, rec.n1), (4, rec.change)):
            _value(ws, styles, i, j, value, kind, signed=j == 4)
    row = row + len(f.bilan) + 2
    ws.merge_range(row, 0, row, 5, f"Recommandations ({len(f.recommendations)})", styles.heading)
    row += 1
    for j, h in enumerate(["Clause", "Recommandation", "Éléments", "", "", ""]):
        ws.write_string(row, j, h, styles.header)
    ws.merge_range(row, 2, row, 5, "Éléments", styles.header)
    for rec in f.recommendations:
        row += 1
        ws.set_row(row, 15 * max(2, (len(rec.evidence) // 150) + 1, (len(rec.text) // 75) + 1))
        ws.write_string(row, 0, rec.clause, styles.wrap)
        ws.write_string(row, 1, rec.text, styles.wrap)
        ws.merge_range(row, 2, row, 5, rec.evidence, styles.wrap)
    if not f.recommendations:
        row += 1
        ws.write_string(row, 1, "Aucune recommandation : les engagements suivis sont tenus.", styles.note)
    row += 2
    ws.merge_range(row, 0, row, 5, "Observations des référents", styles.heading)
    row += 1
    ws.write_string(row, 0, "Écrivez ici vos observations pour les présidents.", styles.note)
    row += 1
    ws.merge_range(row, 0, row + OBSERVATION_ROWS - 1, 5, "", styles.box)
    wb.define_name(OBSERVATIONS, f"='{ws.name}'!$A${row + 1}:$F${row + OBSERVATION_ROWS}")


def _value(ws: Worksheet, styles: Styles, row: int, col: int, value: object, kind: str, signed: bool) -> None:
    if isinstance(value, str):
        ws.write_string(row, col, value, styles.note)
    elif value is None or value != value:  # None or NaN: nothing to compare
        ws.write_string(row, col, "–", styles.text)
    else:
        if signed:
            ws.write_number(row, col, float(value) * (100 if kind == "pct" else 1), styles.signed[kind])
        else:
            ws.write_number(row, col, float(value), styles.number(kind))
