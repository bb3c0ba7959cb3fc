"""Workbooks filled as real volunteers fill them, through the real template: nothing misread, nothing
dropped without a word (issue « Reading what volunteers really type »)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import libreoffice_convert
from hypothesis import given, settings
from hypothesis import strategies as st
from workbooks import make_section_workbook, md_rows

from convention_xlsx import normalize as norm
from convention_xlsx.cli import main
from convention_xlsx.consolidate import consolidate_folder
from convention_xlsx.dashboard import write_dashboard
from convention_xlsx.indicators import compute
from convention_xlsx.parse import Context, parse_workbook
from convention_xlsx.reading import read_workbook
from convention_xlsx.rules import Period

TODAY = dt.date(2026, 11, 23)
ARRETE = dt.date(2023, 12, 31)
UPDATED = dt.date(2023, 12, 4)


def parse(path: Path, config):
    ctx = Context(config.referentiel, Period(config.period_start, config.period_end, TODAY, ARRETE), config.spec)
    return parse_workbook(read_workbook(path, path.parent), ctx)


def codes(parsed, *wanted):
    return [(f.code, f.sheet, f.cell) for f in parsed.findings if not wanted or f.code in wanted]


# --- 1. The Section sheet ---------------------------------------------------------------------------


def test_an_empty_section_field_never_takes_the_help_beside_it(tmp_path, config):
    path = make_section_workbook(tmp_path / "a.xlsx", config, "ANVP", None, None, establishments=["CP-NANTERRE"])
    result = parse(path, config)
    assert result.section is None and result.rejected  # not « Le nom de votre section (ou … »
    [invalid] = [f for f in result.findings if f.code == "section-invalide"]
    assert (invalid.sheet, invalid.cell, invalid.column) == ("Section", "B3", "Nom de la section")
    assert "saisissez le nom de votre section" in invalid.message
    # Rejected as a whole, its rows still count: read and rejected, none lost from the accounting.
    assert (result.rows_read, result.rows_rejected) == (1, 1)


def test_an_empty_update_date_is_an_error_at_its_cell(tmp_path, config):
    path = make_section_workbook(tmp_path / "a.xlsx", config, "ANVP", "Essai", None)
    result = parse(path, config)
    assert result.updated is None and result.email == ""  # the help of « Courriel » is not an address
    [missing] = [f for f in result.findings if f.code == "champ-section-manquant"]
    assert missing.is_error and (missing.cell, missing.column) == ("B6", "Date de mise à jour")
    assert "jj/mm/aaaa" in missing.message


# --- 2. Numbers with two kinds of separators ----------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**9 - 1), st.integers(min_value=0, max_value=99),
       st.sampled_from(["fr-espace", "fr-insecable", "fr-point", "fr-euro", "fr-nu", "en", "en-nu"]))
def test_amounts_typed_the_french_or_the_english_way_read_back(units, cents, style):
    value = units + cents / 100
    grouped = f"{units:,}"
    decimals = f"{cents:02d}"
    typed = {
        "fr-espace": grouped.replace(",", " ") + "," + decimals,
        "fr-insecable": grouped.replace(",", "\u202f") + "," + decimals + " €",
        "fr-point": grouped.replace(",", ".") + "," + decimals,
        "fr-euro": grouped.replace(",", " ") + "," + decimals + "€",
        "fr-nu": f"{units},{decimals}",
        "en": grouped + "." + decimals,
        "en-nu": f"{units}.{decimals}",
    }[style]
    assert norm.to_amount(typed) == pytest.approx(value, abs=1e-9), typed


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1000, max_value=10**9 - 1), st.sampled_from([",", ".", " "]))
def test_a_thousands_separator_is_never_a_decimal_point(units, separator):
    typed = f"{units:,}".replace(",", separator)
    assert norm.to_count(typed) == units, typed  # « 1.500 » visitors are 1 500, never 1,5


@pytest.mark.parametrize("typed", ["1,5,0", "1.50.000", "1,234.5.6", "12,34,56", "1,2.3"])
def test_an_ambiguous_number_is_refused_not_guessed(typed):
    assert isinstance(norm.to_amount(typed), norm.Problem)


def test_amounts_pasted_from_a_funders_portal_in_the_workbook(tmp_path, config):
    calls = md_rows("""
| Date de dépôt | Financeur | Portage | Statut  | Montant demandé (€) | Montant obtenu (€) |
|---------------|-----------|---------|---------|---------------------|--------------------|
| 2023-02-01    | A         | Commun  | Accepté | `1,500.00`          | `1.200,50`         |
| 2023-03-01    | B         | ANVP    | Déposé  | `1 500,00 €`        |                    |
| 2023-04-01    | C         | ANVP    | Déposé  | `1,5,0`             |                    |
""")
    trainings = md_rows("""
| Date       | Thème | Durée (heures) |
|------------|-------|----------------|
| 2023-02-01 | Écoute | `12.5`        |
""")
    path = make_section_workbook(tmp_path / "a.xlsx", config, "ANVP", "National", UPDATED,
                                 tables={"calls": calls, "trainings": trainings})
    result = parse(path, config)
    amounts = [(r["requested"], r["granted"]) for r in result.rows["calls"]]
    assert amounts == [(1500.0, 1200.5), (1500.0, None), (None, None)]
    assert result.rows["trainings"][0]["hours"] == 12.5
    [refused] = [f for f in result.findings if f.code == "montant-invalide"]
    assert (refused.cell, refused.value) == ("F4", "1,5,0") and "n'est pas reprise" in refused.message


# --- 4. Nothing dropped silently ------------------------------------------------------------------------


def test_a_remarques_column_inserted_and_a_note_beside_the_table_are_named(tmp_path, config):
    actions = md_rows("""
| Date       | Code établissement | Type d'action | Associations |
|------------|--------------------|---------------|--------------|
| 2023-03-01 | CP-NANTERRE        | Autre         | ANVP         |
| 2023-03-08 | CP-NANTERRE        | Autre         | ANVP         |
""")
    path = make_section_workbook(tmp_path / "a.xlsx", config, "ANVP", "Nanterre", UPDATED,
                                 tables={"actions": actions})
    wb = openpyxl.load_workbook(path)
    ws = wb["Actions"]
    ws.protection.sheet = False
    ws.insert_cols(3)
    ws["C1"], ws["C2"], ws["C3"] = "Remarques", "à revoir", "ok"
    ws["M5"] = "NB : deux actions annulées"
    wb.save(path)
    result = parse(path, config)
    assert [r["action_type"] for r in result.rows["actions"]] == ["Autre", "Autre"]  # columns found by name
    [outside] = [f for f in result.findings if f.code == "colonne-inconnue"]
    assert outside.sheet == "Actions" and outside.value == "3"
    assert "« Remarques » (colonne C) : 2 cellules" in outside.message
    assert "la colonne M, sans en-tête du modèle : 1 cellule" in outside.message


def test_multi_line_text_keeps_its_line_breaks_in_the_dashboard(tmp_path, config):
    actions = [{"date": dt.date(2023, 3, 1), "action_type": "Autre", "associations": "ANVP",
                "description": "Stand commun\nRencontre avec le SPIP"}]
    folder = tmp_path / "entrees"
    make_section_workbook(folder / "a.xlsx", config, "ANVP", "Nanterre", UPDATED, tables={"actions": actions})
    out = tmp_path / "tdb.xlsx"
    result = CliRunner().invoke(main, ["consolider", str(folder), "-o", str(out), "--arrete", "2023-12-31",
                                       "--sans-historique", "-q"])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out)["Actions"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "Stand" in c.value]
    assert texts == ["Stand commun\nRencontre avec le SPIP"]


# --- 5. Merged cells ------------------------------------------------------------------------------------


MERGED_ACTIONS = """
| Date       | Code établissement | Type d'action | Associations | Personnes touchées |
|------------|--------------------|---------------|--------------|--------------------|
| 2023-03-01 | CP-NANTERRE        | Autre         | ANVP         | -4                 |
|            | CP-NANTERRE        | Autre         | Auxilia      | 6                  |
|            | CP-NANTERRE        | Autre         | ANVP         | 7                  |
"""


@pytest.fixture
def merged_workbook(tmp_path, config) -> Path:
    path = make_section_workbook(tmp_path / "src" / "fusion.xlsx", config, "ANVP", "Nanterre", UPDATED,
                                 tables={"actions": md_rows(MERGED_ACTIONS)})
    wb = openpyxl.load_workbook(path)
    wb["Actions"].merge_cells("A2:A4")  # one date typed for three rows, as the volunteer sees it
    wb.save(path)
    return path


@pytest.mark.parametrize("through", ["xlsx", "libreoffice-xlsx", "libreoffice-ods"])
def test_a_merged_date_applies_to_every_row_it_covers(merged_workbook, tmp_path, config, through, request):
    path = merged_workbook
    if through != "xlsx":
        request.getfixturevalue("soffice")
        path = libreoffice_convert(merged_workbook, through.split("-")[1], tmp_path / through)
    result = parse(path, config)
    assert [r["date"] for r in result.rows["actions"]] == [dt.date(2023, 3, 1)] * 3
    [merge] = [f for f in result.findings if f.code == "cellules-fusionnees"]
    assert merge.cell == "A2" and "A2:A4" in merge.message
    assert (result.rows_read, result.rows_rejected, result.values_left_out) == (3, 0, 1)


def test_a_merged_cell_on_a_flagged_row_stops_nothing(merged_workbook, tmp_path):
    folder = merged_workbook.parent
    out, returns = tmp_path / "tdb.xlsx", tmp_path / "retours"
    result = CliRunner().invoke(main, ["consolider", str(folder), "-o", str(out), "--retours", str(returns),
                                       "--arrete", "2023-12-31", "--sans-historique", "-q"])
    assert result.exit_code == 0, result.output
    assert out.is_file() and list(returns.iterdir())


# --- 6. One bad optional value does not discard the row --------------------------------------------------


def test_a_negative_learners_count_leaves_that_value_out_only(tmp_path, config):
    establishments = md_rows("""
| Code établissement | Présence Auxilia | CP Auxilia en poste | Apprenants Auxilia |
|--------------------|------------------|---------------------|--------------------|
| CP-NANTERRE        | Oui              | 3                   | -12                |
""")
    folder = tmp_path / "entrees"
    make_section_workbook(folder / "a.xlsx", config, "Auxilia", "Nanterre", UPDATED,
                          tables={"establishments": establishments})
    cons = consolidate_folder(folder, config, arrete=ARRETE, today=TODAY)
    [negative] = [f for f in cons.report.findings if f.code == "nombre-negatif"]
    assert (negative.cell, negative.value) == ("G2", "-12") and "le reste de la ligne l'est" in negative.message
    row = compute(cons).sites.loc["CP-NANTERRE"]
    assert (row["auxilia_cps"], row["status"]) == (3, "Auxilia seule") and row["auxilia_learners"] is pd_na()
    report = cons.report.to_json()["lignes"]
    assert report == {"lues": 1, "consolidees": 1, "rejetees": 0, "valeurs_ecartees": 1}


def pd_na():
    import pandas as pd

    return pd.NA


# --- 7. Values shown as typed ----------------------------------------------------------------------------


def test_findings_show_what_was_typed_not_what_python_read(tmp_path, config):
    folder = tmp_path / "entrees"
    make_section_workbook(folder / "anvp.xlsx", config, "ANVP", "Nanterre", UPDATED, tables={"establishments": [
        {"establishment": "CP-NANTERRE", "anvp_present": "Oui", "anvp_visitors": 2.5, "auxilia_present": "Non"}]})
    make_section_workbook(folder / "auxilia.xlsx", config, "Auxilia", "Nanterre", UPDATED, tables={
        "establishments": [{"establishment": "CP-NANTERRE", "auxilia_present": "Oui", "auxilia_cps": 1}]})
    report = tmp_path / "r.json"
    out = tmp_path / "tdb.xlsx"
    result = CliRunner().invoke(main, ["consolider", str(folder), "-o", str(out), "--json", str(report),
                                       "--arrete", "2023-12-31", "--sans-historique", "-q"])
    assert result.exit_code == 0, result.output
    values = {a["code"]: a["valeur"] for a in json.loads(report.read_text("utf-8"))["anomalies"]}
    assert values["nombre-invalide"] == "2,5"  # a number cell typed 2,5 in a whole-number column
    assert values["presence-divergente"] == "Non"
    shown = {c.value for row in openpyxl.load_workbook(out)["Anomalies"].iter_rows() for c in row}
    assert {"2,5", "Non"} <= shown and not {"2.5", "False", "True"} & shown


# --- 8. Suggestions never invent an answer; total rows ----------------------------------------------------


@pytest.mark.parametrize("typed", ["Non renseigné", "ne sait pas", "?", "NSP", "à vérifier"])
def test_i_dont_know_gets_no_yes_or_no_suggestion(typed):
    problem = norm.to_bool(typed)
    assert isinstance(problem, norm.Problem) and problem.suggestion == ""
    assert "choisissez Oui ou Non" in problem.message


@pytest.mark.parametrize(("typed", "suggestion"), [("Ouii", "Oui"), ("nn", "Non"), ("oiu", "Oui")])
def test_an_evident_typo_of_yes_or_no_gets_its_suggestion(typed, suggestion):
    assert norm.to_bool(typed).suggestion == suggestion


def test_a_total_row_under_the_table_is_one_finding(tmp_path, config):
    actions = md_rows("""
| Date       | Code établissement | Type d'action | Associations | Personnes touchées |
|------------|--------------------|---------------|--------------|--------------------|
| 2023-03-01 | CP-NANTERRE        | Autre         | ANVP         | 4                  |
| 2023-03-08 | CP-NANTERRE        | Autre         | ANVP         | 6                  |
| Total      |                    |               |              | 10                 |
""")
    path = make_section_workbook(tmp_path / "a.xlsx", config, "ANVP", "Nanterre", UPDATED,
                                 tables={"actions": actions})
    result = parse(path, config)
    assert codes(result, "ligne-total-ou-note", "date-invalide", "valeur-obligatoire") == [
        ("ligne-total-ou-note", "Actions", "A4")]
    assert len(result.rows["actions"]) == 2 and result.rows_rejected == 0


# --- 9. Headers a volunteer retyped ----------------------------------------------------------------------


def test_retyped_headers_are_read_with_a_warning_and_a_near_miss_is_quoted(tmp_path, config):
    path = make_section_workbook(tmp_path / "a.xlsx", config, "ANVP", "Nanterre", UPDATED, tables={"actions": [
        {"date": dt.date(2023, 3, 1), "action_type": "Autre", "associations": "ANVP"}]})
    wb = openpyxl.load_workbook(path)
    ws = wb["Actions"]
    ws["C1"] = "Type d action"  # apostrophe lost
    ws["A1"] = "Code etablissement "  # accents and spaces: the same header, no warning
    ws["B1"] = "Dat de l'actoin"
    wb.save(path)
    result = parse(path, config)
    [retyped] = [f for f in result.findings if f.code == "en-tete-modifie"]
    assert (retyped.cell, retyped.value, retyped.suggestion) == ("C1", "Type d action", "Type d'action")
    [missing] = [f for f in result.findings if f.code == "colonne-manquante"]
    assert "« Date »" in missing.message
    assert re.search(r"L'en-tête « Dat de l'actoin » \(B1\) est-il « Date » \?", missing.message), missing.message


def test_declared_aliases_are_read(tmp_path, config):
    path = make_section_workbook(tmp_path / "a.xlsx", config, "ANVP", "Nanterre", UPDATED, tables={"actions": [
        {"date": dt.date(2023, 3, 1), "action_type": "Autre", "associations": "ANVP", "people_reached": 9}]})
    wb = openpyxl.load_workbook(path)
    wb["Actions"]["G1"] = "Public touché"
    wb.save(path)
    result = parse(path, config)
    assert result.rows["actions"][0]["people_reached"] == 9
    assert codes(result, "en-tete-modifie") == [("en-tete-modifie", "Actions", "G1")]


# --- 10. Copies and establishments claimed twice -----------------------------------------------------------


def test_rows_pasted_from_another_sections_file_count_once(tmp_path, config):
    action = [{"date": dt.date(2023, 3, 1), "establishment": "CP-NANTERRE", "action_type": "Autre",
               "associations": "ANVP", "people_reached": 12}]
    folder = tmp_path / "entrees"
    make_section_workbook(folder / "a.xlsx", config, "ANVP", "Nanterre", UPDATED, tables={"actions": action})
    make_section_workbook(folder / "b.xlsx", config, "ANVP", "Fresnes", UPDATED, tables={"actions": action})
    cons = consolidate_folder(folder, config, arrete=ARRETE, today=TODAY)
    [copy] = [f for f in cons.report.findings if f.code == "enregistrement-copie"]
    assert copy.file == "b.xlsx" and "ligne 2 du classeur a.xlsx" in copy.message
    figures = compute(cons)
    assert (figures.value("actions").total, figures.value("people_reached").total) == (1, 12)
    # the dashboard shows both rows, the copy marked « Oui », the original's cell left empty
    write_dashboard(cons, tmp_path / "tdb.xlsx", figures)
    ws = openpyxl.load_workbook(tmp_path / "tdb.xlsx")["Actions"]
    header = next(r for r in ws.iter_rows(values_only=True) if r and "Copie" in r)
    header_row = next(c.row for c in ws["A"] if c.value == header[0] and c.row > 1)
    rows = [dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=header_row + 1, values_only=True)]
    assert sorted((r["Fichier"], r["Copie"]) for r in rows if r["Fichier"]) == [("a.xlsx", None), ("b.xlsx", "Oui")]


def test_two_sections_claiming_one_establishment_the_newest_is_used_and_named(tmp_path, config):
    folder = tmp_path / "entrees"
    make_section_workbook(folder / "a.xlsx", config, "ANVP", "Nanterre", dt.date(2023, 12, 1), tables={
        "establishments": [{"establishment": "CP-NANTERRE", "anvp_present": "Oui", "anvp_visitors": 4}]})
    make_section_workbook(folder / "b.xlsx", config, "ANVP", "Hauts-de-Seine", dt.date(2023, 12, 10), tables={
        "establishments": [{"establishment": "CP-NANTERRE", "anvp_present": "Oui", "anvp_visitors": 9}]})
    cons = consolidate_folder(folder, config, arrete=ARRETE, today=TODAY)
    claimed = {f.file: f.message for f in cons.report.findings if f.code == "etablissement-revendique"}
    assert "Ce sont ceux de la section Hauts-de-Seine (b.xlsx, ligne 2)" in claimed["a.xlsx"]
    assert "Ce sont les chiffres de cette ligne qui sont repris" in claimed["b.xlsx"]
    assert compute(cons).sites.loc["CP-NANTERRE", "anvp_visitors"] == 9


_SPACES_AND_INVISIBLES = " \t\n\u00a0\u202f\u2007\ufeff\u200b\u200c\u200d\u2060\u00ad"


@given(st.text(alphabet=st.sampled_from(_SPACES_AND_INVISIBLES + "aé'’0-\u0301"), max_size=8))
def test_a_blank_cell_is_exactly_one_that_cleans_to_nothing(text):
    """is_blank's fast path (first visible character) agrees with the cleaning it stands for."""
    assert norm.is_blank(text) is (not norm.clean(text))
    assert norm.is_blank(None) and not norm.is_blank(0) and not norm.is_blank(False)
