"""Parsing one raw workbook: findings at the volunteer's cell, rows that add up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from raw import raw_workbook

import convention_xlsx
from convention_xlsx.cells import cell_ref
from convention_xlsx.config import load_config
from convention_xlsx.parse import Context, parse_workbook
from convention_xlsx.rules import MASKED, Period
from convention_xlsx.spec import default_spec

SPEC = default_spec()

TODAY = dt.date(2024, 1, 15)


@pytest.fixture(scope="module")
def ctx() -> Context:
    config = load_config(Path(convention_xlsx.__file__).parent / "data" / "convention.toml")
    return Context(config.referentiel, Period(config.period_start, config.period_end, TODAY), config.spec,
                   extension=config.extension)


def flat(parsed, *fields, skip=("colonne-facultative-manquante",)):
    """The findings as tuples of the given fields (tables in tests omit optional columns)."""
    return [tuple(getattr(f, k) for k in fields) for f in parsed.findings if f.code not in skip]


ACTIONS = """
| Date       | Code établissement | Établissement | Type d'action                | Associations    | Bénévoles ANVP |
|------------|--------------------|---------------|------------------------------|-----------------|----------------|
| 15/03/2023 | CP-NANTERRE        | (formule)     | Rencontre quartier arrivants | ANVP et Auxilia | 2              |
| 15 mars 2023 | cp-nanterre      |               | Rencontre arrivants          | ANVP            | 1              |
| 01/06/2019 | CP-NANTERRE        |               | Autre                        | ANVP            |                |
|            |                    | (formule)     |                              |                 |                |
| 02/02/2022 | Nanterre           |               | Autre                        | ANVP            | -3             |
"""


def test_findings_are_placed_at_the_volunteers_cell(ctx):
    parsed = parse_workbook(raw_workbook(sheets={"Actions": ACTIONS}), ctx)
    assert flat(parsed, "code", "sheet", "cell") == [
        ("valeur-hors-liste", "Actions", "D3"),
        ("date-hors-periode", "Actions", "A4"),
        ("code-etablissement-inconnu", "Actions", "B6"),
        ("nombre-negatif", "Actions", "F6"),
        ("colonne-inconnue", "Actions", "C2"),  # « Établissement » is no column of Actions: 2 cells not read
    ]
    wrong_type, _, unknown, _, outside = [f for f in parsed.findings if f.code != "colonne-facultative-manquante"]
    assert outside.value == "2" and "« Établissement » (colonne C) : 2 cellules" in outside.message
    assert wrong_type.suggestion == "Rencontre quartier arrivants"
    assert wrong_type.value == "Rencontre arrivants"
    assert unknown.suggestion == "CP-NANTERRE" and unknown.value == "Nanterre"
    # 4 rows typed (the prepared row with only a formula is not a row), 1 kept.
    assert (parsed.rows_read, parsed.rows_rejected, len(parsed.rows["actions"])) == (4, 3, 1)
    kept = parsed.rows["actions"][0]
    assert kept["date"] == dt.date(2023, 3, 15) and kept["excel_row"] == 2
    assert kept["establishment"] == "CP-NANTERRE" and kept["anvp_volunteers"] == 2


def test_headers_found_by_name_whatever_their_spelling_and_place(ctx):
    rows = [
        [None, None, None],
        ["Ma section", None, None],
        ["  MOIS*", "code\u00a0etablissement", "Personnes informées de l'autre association"],
        ["05/2023", "CP-NANTERRE", "4"],
        ["mai 2023", "CP-NANTERRE", "1 2"],
    ]
    parsed = parse_workbook(raw_workbook(sheets={" orientations ": rows}), ctx)
    assert [r["month"] for r in parsed.rows["referrals"]] == [dt.date(2023, 5, 1)] * 2
    assert [r["informed"] for r in parsed.rows["referrals"]] == [4, 12]
    assert [r["excel_row"] for r in parsed.rows["referrals"]] == [4, 5]
    assert [f.column for f in parsed.findings if f.code == "colonne-facultative-manquante"] == [
        "Inscriptions Auxilia venues de l'ANVP", "Demandes de visite venues d'Auxilia"]
    [title] = [f for f in parsed.findings if f.code == "colonne-inconnue"]  # « Ma section » is not dropped silently
    assert title.cell == "A2" and "au-dessus des en-têtes : 1 cellule" in title.message


def test_missing_required_column_rejects_the_sheets_rows_once(ctx):
    table = """
| Date       | Type d'action |
|------------|---------------|
| 15/03/2023 | Autre         |
| 16/03/2023 | Autre         |
"""
    parsed = parse_workbook(raw_workbook(sheets={"Actions": table}), ctx)
    assert [f.code for f in parsed.findings if f.code == "colonne-manquante"] == ["colonne-manquante"]
    assert (parsed.rows_read, parsed.rows_rejected) == (2, 2)


def test_a_workbook_without_section_sheet_is_not_a_section_report(ctx):
    raw = raw_workbook()
    raw.sheets = raw.sheets[1:]
    parsed = parse_workbook(raw, ctx)
    assert parsed.rejected and [f.code for f in parsed.findings] == ["pas-un-rapport-de-section"]


def test_unknown_association_rejects_the_file_with_a_suggestion(ctx):
    parsed = parse_workbook(raw_workbook(association="Auxillia"), ctx)
    assert parsed.rejected
    assert flat(parsed, "code", "cell", "suggestion") == [("section-invalide", "B2", "Auxilia")]


def test_mandates_and_calls_rules(ctx):
    volunteers = """
| Nom    | Prénom | Rôle                            | Adhérent Auxilia | Début de mandat | Fin de mandat |
|--------|--------|---------------------------------|------------------|-----------------|---------------|
| Martin | Anne   | Correspondant de prison Auxilia | non              | 01/09/2023      | 01/03/2023    |
| Durand | Paul   | Correspondant de prison Auxilia | Non              | 01/01/2023      |               |
| Petit  | Léa    | Visiteur et correspondant       | oui              |                 |               |
| Roux   | Marc   | Correspondant de prison Auxilia | n                |                 |               |
"""
    calls = """
| Date de dépôt | Financeur | Portage | Statut | Montant obtenu (€) |
|---------------|-----------|---------|--------|--------------------|
| 10/10/2022    | Fondation | Commun  | Refusé | 1 500,00 €         |
"""
    parsed = parse_workbook(raw_workbook(sheets={"Intervenants": volunteers, "Appels à projet": calls}), ctx)
    codes = flat(parsed, "code", "cell")
    assert ("mandat-fin-avant-debut", "F2") in codes
    assert ("mandat-sans-fin", "F3") in codes
    assert ("cp-sans-adhesion-ni-mandat", "D5") in codes
    assert ("montant-sans-acceptation", "E2") in codes
    # A value, not the row: Martin's and Durand's mandates are left out, the volunteers are kept.
    kept = {r["last_name"]: r for r in parsed.rows["volunteers"]}
    assert set(kept) == {"Martin", "Durand", "Petit", "Roux"} and parsed.rows_rejected == 0
    assert [(kept[n]["mandate_start"], kept[n]["mandate_end"]) for n in ("Martin", "Durand")] == [(None, None)] * 2
    assert parsed.values_left_out == 3  # Martin's two dates, Durand's start
    assert "Ces valeurs (Début de mandat, Fin de mandat) ne sont pas reprises" in next(
        f.message for f in parsed.findings if f.code == "mandat-sans-fin")
    assert parsed.rows["calls"][0]["granted"] == 1500.0


def test_detainee_identification_is_masked_and_not_repeated(ctx):
    table = """
| Date       | Type d'action | Associations | Description                               |
|------------|---------------|--------------|-------------------------------------------|
| 15/03/2023 | Autre         | ANVP         | Entretien avec le détenu Dupont, écrou 123456 |
"""
    parsed = parse_workbook(raw_workbook(sheets={"Actions": table}), ctx)
    personal = [f for f in parsed.findings if f.code == "donnees-personnelles"]
    assert len(personal) == 1 and personal[0].cell == "D2" and personal[0].value == ""
    assert "Dupont" not in repr(parsed.findings)
    assert parsed.rows["actions"][0]["description"] == MASKED


def test_future_dates_are_errors_but_mandate_ends_may_be_future(ctx):
    table = f"""
| Nom | Rôle | Adhérent Auxilia | Début de mandat | Fin de mandat |
|-----|------|------------------|-----------------|---------------|
| A   | Correspondant de prison Auxilia | non | 01/01/2023 | 31/12/{TODAY.year + 1} |
"""
    comm = f"""
| Date | Association émettrice | Support | Nature |
|------|-----------------------|---------|--------|
| 01/01/{TODAY.year + 1} | ANVP | Radio | Nouvelles du partenaire |
"""
    parsed = parse_workbook(raw_workbook(sheets={"Intervenants": table, "Communication": comm}), ctx)
    assert flat(parsed, "code", "sheet") == [("date-hors-periode", "Communication")]


@pytest.mark.parametrize(("row", "col", "ref"), [(1, 1, "A1"), (12, 3, "C12"), (5, 27, "AA5"), (9, 703, "AAA9")])
def test_cell_ref(row, col, ref):
    assert cell_ref(row, col) == ref


def test_every_table_sheet_of_the_schema_is_read(ctx):
    sheets = {s.name: [[c.label for c in s.columns]] for s in SPEC.table_sheets}
    parsed = parse_workbook(raw_workbook(sheets=sheets), ctx)
    assert parsed.findings == [] and set(parsed.rows) == {s.key for s in SPEC.table_sheets}


def test_formula_without_cached_value_is_reported_only_in_read_columns(ctx):
    raw = raw_workbook(sheets={"Établissements": """
| Code établissement | Établissement | Présence ANVP | Visiteurs ANVP actifs |
|--------------------|---------------|---------------|-----------------------|
| CP-NANTERRE        |               | Oui           |                       |
"""})
    sheet = next(s for s in raw.sheets if s.name == "Établissements")
    sheet.formulas_without_value = ["B2", "D2"]  # B: the derived name (ignored); D: a count
    parsed = parse_workbook(raw, ctx)
    assert flat(parsed, "code", "cell", "column") == [("formule-sans-valeur", "D2", "Visiteurs ANVP actifs")]
    assert parsed.rows["establishments"][0]["anvp_visitors"] is None


def test_a_renamed_sheet_is_recognised_by_its_headers(ctx):
    table = """
| Date       | Code établissement | Type d'action | Associations |
|------------|--------------------|---------------|--------------|
| 15/03/2023 | CP-NANTERRE        | Autre         | ANVP         |
"""
    parsed = parse_workbook(raw_workbook(sheets={"Nos actions 2023": table}, complete=False), ctx)
    assert ("feuille-renommee", "Nos actions 2023", "Actions") in flat(parsed, "code", "sheet", "suggestion")
    assert [r["sheet"] for r in parsed.rows["actions"]] == ["Nos actions 2023"]


def test_a_cp_mandate_is_judged_current_at_the_arrete(ctx):
    table = """
| Nom | Rôle                            | Adhérent Auxilia | Début de mandat | Fin de mandat |
|-----|---------------------------------|------------------|-----------------|---------------|
| A   | Correspondant de prison Auxilia | non              | 01/01/2023      | 30/06/2024    |
"""
    raw = raw_workbook(sheets={"Intervenants": table})
    at_end = Context(ctx.referentiel, Period(ctx.period.start, ctx.period.end, dt.date(2026, 11, 23),
                                             dt.date(2023, 12, 31)), ctx.spec, extension=ctx.extension)
    assert "cp-sans-adhesion-ni-mandat" not in [f.code for f in parse_workbook(raw, at_end).findings]
    today_only = Context(ctx.referentiel, Period(ctx.period.start, ctx.period.end, dt.date(2026, 11, 23)), ctx.spec,
                         extension=ctx.extension)
    assert "cp-sans-adhesion-ni-mandat" in [f.code for f in parse_workbook(raw, today_only).findings]


def test_a_sheet_outside_the_template_that_holds_data_is_reported(ctx):
    copy = """
| Date       | Code établissement | Type d'action | Associations |
|------------|--------------------|---------------|--------------|
| 15/03/2023 | CP-NANTERRE        | Autre         | ANVP         |
"""
    raw = raw_workbook(sheets={"Actions (2)": copy, "Brouillon": [["notes"]], "Vide": [[None]]})
    parsed = parse_workbook(raw, ctx)
    assert flat(parsed, "code", "sheet", "suggestion") == [
        ("feuille-inconnue", "Actions (2)", "Actions"), ("feuille-inconnue", "Brouillon", "")]


def test_an_update_date_after_the_day_of_the_run_is_not_trusted(ctx):
    parsed = parse_workbook(raw_workbook(updated="01/01/2027"), ctx)
    assert flat(parsed, "code", "cell") == [("date-mise-a-jour-future", "B6")]
    assert parsed.updated is None and not parsed.rejected
