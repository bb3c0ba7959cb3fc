"""Tests driven by the schema itself: every column's bad value, and the row accounting on any input."""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from raw import raw_workbook

import convention_xlsx
from convention_xlsx.cells import cell_ref
from convention_xlsx.config import load_config
from convention_xlsx.consolidate import consolidate
from convention_xlsx.parse import Context, parse_workbook
from convention_xlsx.rules import Period
from convention_xlsx.schema import Column, Kind
from convention_xlsx.spec import default_spec

SPEC = default_spec()

CONFIG = load_config(Path(convention_xlsx.__file__).parent / "data" / "convention.toml")
TODAY = dt.date(2024, 1, 15)
CTX = Context(CONFIG.referentiel, Period(CONFIG.period_start, CONFIG.period_end, TODAY), CONFIG.spec,
              extension=CONFIG.extension)

# A value that each kind must refuse, and the code it is refused with.
BAD = {
    Kind.CHOICE: ("Valeur inventée", "valeur-hors-liste"),
    Kind.BOOL: ("peut-être", "oui-non-invalide"),
    Kind.DATE: ("32/13/2023", "date-invalide"),
    Kind.MONTH: ("treizième mois", "mois-invalide"),
    Kind.COUNT: ("-3", "nombre-negatif"),
    Kind.AMOUNT: ("beaucoup", "montant-invalide"),
    Kind.DECIMAL: ("deux heures", "nombre-invalide"),
    Kind.ESTABLISHMENT: ("XX-INCONNU", "code-etablissement-inconnu"),
}
GOOD = {
    Kind.CHOICE: None,  # the column's first choice
    Kind.BOOL: "Oui",
    Kind.DATE: "15/03/2023",
    Kind.MONTH: "03/2023",
    Kind.COUNT: "2",
    Kind.AMOUNT: "100",
    Kind.DECIMAL: "2,5",
    Kind.ESTABLISHMENT: "CP-NANTERRE",
    Kind.TEXT: "texte",
    Kind.EMAIL: "a@exemple.org",
}


def good_value(col: Column) -> str:
    value = GOOD[col.kind]
    return col.choices[0] if value is None else value


CASES = [(sheet, col) for sheet in SPEC.table_sheets for col in sheet.data_columns if col.kind in BAD]


@pytest.mark.parametrize(("sheet", "col"), CASES, ids=[f"{s.key}-{c.key}" for s, c in CASES])
def test_a_bad_value_in_each_column_is_reported_at_its_cell(sheet, col):
    header = [c.label for c in sheet.columns]
    row = [None if c.derived else good_value(c) for c in sheet.columns]
    position = sheet.columns.index(col)
    row[position] = BAD[col.kind][0]
    parsed = parse_workbook(raw_workbook(sheets={sheet.name: [header, row]}), CTX)
    found = [(f.code, f.sheet, f.cell, f.column, f.value) for f in parsed.findings if f.is_error]
    assert found == [(BAD[col.kind][1], sheet.name, cell_ref(2, position + 1), col.label, BAD[col.kind][0])]
    if sheet.is_identity(col):  # its date, its type, its establishment…: the row cannot be used
        assert (parsed.rows_read, parsed.rows_rejected, parsed.values_left_out) == (1, 1, 0)
        assert "La ligne n'est pas reprise" in [f for f in parsed.findings if f.is_error][0].message
    else:  # a value, not the row: the rest of the row is consolidated
        assert (parsed.rows_read, parsed.rows_rejected, parsed.values_left_out) == (1, 0, 1)
        kept = parsed.rows[sheet.key][0]
        assert kept[col.key] is None
        assert all(kept[c.key] is not None for c in sheet.data_columns if c is not col)
        assert "le reste de la ligne l'est" in [f for f in parsed.findings if f.is_error][0].message


@pytest.mark.parametrize("sheet", SPEC.table_sheets, ids=[s.key for s in SPEC.table_sheets])
def test_a_row_of_good_values_is_kept_in_every_sheet(sheet):
    header = [c.label for c in sheet.columns]
    row = [None if c.derived else good_value(c) for c in sheet.columns]
    if sheet is SPEC.sheet("volunteers"):  # a mandate needs both dates
        row[header.index("Fin de mandat")] = "15/03/2024"
    parsed = parse_workbook(raw_workbook(sheets={sheet.name: [header, row]}), CTX)
    assert [f.code for f in parsed.findings if f.is_error] == []
    assert len(parsed.rows[sheet.key]) == 1


# --- the accounting invariant on arbitrary input -------------------------------------------------

cell_values = st.one_of(
    st.none(),
    st.text(alphabet=string.printable + "éàç\u00a0\u200b€/", max_size=12),
    st.integers(min_value=-10**6, max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.sampled_from(["Oui", "non", "15 mars 2023", "05/2023", "CP-NANTERRE", "Nanterre", "Autre", "ANVP",
                     "Rencontre arrivants", "1 200", "-2", "=HYPERLINK(\"x\")", "détenu Dupont", "écrou 12345"]),
)


@st.composite
def sheets(draw):
    chosen = draw(st.lists(st.sampled_from(SPEC.table_sheets), unique=True, max_size=4))
    out = {}
    for sheet in chosen:
        labels = [c.label for c in sheet.columns]
        header = draw(st.permutations(labels)) if draw(st.booleans()) else labels
        width = len(header) + draw(st.integers(0, 2))
        rows = draw(st.lists(st.lists(cell_values, min_size=0, max_size=width), max_size=8))
        out[sheet.name] = [list(header)] + rows
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheets(), st.sampled_from(["ANVP", "Auxilia", "anvp", "Auxillia", None]), cell_values)
def test_every_row_read_is_consolidated_or_rejected(tables, association, updated):
    raw = raw_workbook(association=association, updated=updated, sheets=tables)
    parsed = parse_workbook(raw, CTX)  # never raises, whatever the cells hold
    kept = sum(len(rows) for rows in parsed.rows.values())
    if not parsed.rejected:
        assert parsed.rows_read == kept + parsed.rows_rejected
    cons = consolidate([raw], CONFIG, arrete=CONFIG.period_end, today=TODAY)
    report = cons.report
    assert report.rows_read == report.rows_consolidated + report.rows_rejected
    assert report.rows_consolidated == sum(len(t) for t in cons.tables.values())
    for finding in report.findings:
        assert finding.message and finding.file == "section.xlsx"
    if report.rows_rejected:
        assert report.errors
