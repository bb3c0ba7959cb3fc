"""The section template, checked against the schema by reading the saved file back."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import REPO, libreoffice_convert
from openpyxl.utils import column_index_from_string, range_boundaries
from workbooks import make_section_workbook, md_rows

from convention_xlsx.schema import Kind
from convention_xlsx.spec import default_spec
from convention_xlsx.template import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    SECTION_FIRST_ROW,
    TemplateError,
    build_template,
    template_version,
    write_template,
)

SPEC = default_spec()

TABLE_COLUMNS = [(s, c) for s in SPEC.table_sheets for c in s.columns]
IDS = [f"{s.name}/{c.label}" for s, c in TABLE_COLUMNS]
EVENT_SHEETS = [s for s in SPEC.table_sheets if s is not SPEC.sheet("establishments")]
PREFILL = dict(association="ANVP", section="Nanterre", establishments=["CP-NANTERRE", "CP-FRESNES"])


@pytest.fixture(scope="module")
def blank_path(config, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("modele") / "vierge.xlsx"
    write_template(path, config)
    return path


@pytest.fixture(scope="module")
def prefilled_path(config, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("modele") / "ANVP_Nanterre.xlsx"
    write_template(path, config, **PREFILL)
    return path


@pytest.fixture(scope="module")
def blank(blank_path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(blank_path)


@pytest.fixture(scope="module")
def prefilled(prefilled_path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(prefilled_path)


# --------------------------------------------------------------------------- helpers (header by name)


def header_column(ws, label: str) -> int:
    """The column index of a header found by its name in the header row."""
    found = [c.column for c in ws[HEADER_ROW] if c.value == label]
    assert found, f"header {label!r} missing from {ws.title}"
    return found[0]


def validations_at(ws, row: int, column: int) -> list:
    out = []
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            min_col, min_row, max_col, max_row = rng.bounds
            if min_col <= column <= max_col and min_row <= row <= max_row:
                out.append(dv)
    return out


def list_values(wb, formula: str) -> list[str]:
    """The values a list validation offers: its range resolved in the workbook."""
    sheet, ref = formula.lstrip("=").rsplit("!", 1)
    ws = wb[sheet.strip("'")]
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    return [c.value for row in ws.iter_rows(min_row, max_row, min_col, max_col) for c in row]


def section_values(wb) -> dict[str, object]:
    ws = wb[SPEC.section.name]
    return {r[0]: r[1] for r in ws.iter_rows(min_row=SECTION_FIRST_ROW, max_col=2, values_only=True)}


def readme_text(wb) -> str:
    ws = wb[SPEC.readme.name]
    return "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)


def expected_values(config, col) -> list[str]:
    """What a dropdown offers: « CODE · Nom » for an establishment (sorted by code), else the choices."""
    if col.kind is Kind.ESTABLISHMENT:
        return [f"{e.code} · {e.name}" for e in sorted(config.referentiel.establishments, key=lambda e: e.code)]
    return list(col.allowed)


# --------------------------------------------------------------------------- structure


def test_sheets_in_schema_order_with_hidden_lists(blank):
    assert blank.sheetnames == [s.name for s in SPEC.sheets] + [SPEC.referentiel_sheet, SPEC.lists_sheet]
    assert blank[SPEC.lists_sheet].sheet_state == "hidden"
    assert all(blank[name].sheet_state == "visible" for name in [s.name for s in SPEC.sheets] + [SPEC.referentiel_sheet])


def test_a_visible_list_of_establishments_by_disp(blank, config):
    ws = blank[SPEC.referentiel_sheet]
    rows = list(ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True))
    assert len(rows) == len(config.referentiel)
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)  # by DISP
    assert all(r[0] == config.referentiel[r[1]].disp and r[2] == config.referentiel[r[1]].name for r in rows)
    assert ws.protection.sheet and ws.print_title_rows
    help_texts = [c.help for s in SPEC.table_sheets for c in s.columns if c.kind is Kind.ESTABLISHMENT]
    assert all(SPEC.referentiel_sheet in text and "masquée" not in text for text in help_texts)


@pytest.mark.parametrize(("sheet", "col"), TABLE_COLUMNS, ids=IDS)
def test_header_present_with_input_message(blank, sheet, col):
    ws = blank[sheet.name]
    index = header_column(ws, col.label)
    cell = ws.cell(HEADER_ROW, index)
    assert cell.font.b and cell.protection.locked
    prompts = [dv for dv in validations_at(ws, HEADER_ROW, index) if dv.showInputMessage]
    assert prompts and prompts[0].prompt.startswith(col.help[:200])
    assert ws.freeze_panes == f"A{FIRST_DATA_ROW}"


CHOICE_COLUMNS = [(s, c) for s, c in TABLE_COLUMNS if c.allowed or c.kind is Kind.ESTABLISHMENT]


@pytest.mark.parametrize(("sheet", "col"), CHOICE_COLUMNS, ids=[f"{s.name}/{c.label}" for s, c in CHOICE_COLUMNS])
def test_dropdown_at_first_data_row_offers_the_schema_values(blank, config, sheet, col):
    ws = blank[sheet.name]
    index = header_column(ws, col.label)
    lists = [dv for dv in validations_at(ws, FIRST_DATA_ROW, index) if dv.type == "list"]
    assert len(lists) == 1
    dv = lists[0]
    # A code typed by hand is accepted (a warning) where the dropdown writes « CODE · Nom ».
    style = "warning" if col.kind is Kind.ESTABLISHMENT else "stop"
    assert dv.showErrorMessage and dv.errorStyle == style and dv.error and dv.errorTitle
    assert SPEC.lists_sheet in dv.formula1
    assert list_values(blank, dv.formula1) == expected_values(config, col)
    last = FIRST_DATA_ROW + sheet.prepared_rows - 1
    assert validations_at(ws, last, index) == [dv]


KINDS = {Kind.DATE: "date", Kind.MONTH: "date", Kind.COUNT: "whole", Kind.AMOUNT: "decimal", Kind.DECIMAL: "decimal"}
TYPED = [(s, c) for s, c in TABLE_COLUMNS if c.kind in KINDS]


@pytest.mark.parametrize(("sheet", "col"), TYPED, ids=[f"{s.name}/{c.label}" for s, c in TYPED])
def test_date_and_number_validations(blank, config, sheet, col):
    ws = blank[sheet.name]
    index = header_column(ws, col.label)
    found = [dv for dv in validations_at(ws, FIRST_DATA_ROW, index) if dv.type]
    assert [dv.type for dv in found] == [KINDS[col.kind]]
    dv = found[0]
    assert dv.showErrorMessage and col.label in dv.error
    if col.kind in (Kind.COUNT, Kind.AMOUNT, Kind.DECIMAL):
        assert (dv.operator, dv.formula1) == ("greaterThanOrEqual", "0")
    if col.in_period:
        start, end = config.period_start, config.period_end
        assert dv.formula1 == f"DATE({start.year},{start.month},{start.day})"
        assert dv.formula2 == f"DATE({end.year},{end.month},{end.day})"
    letter = openpyxl.utils.get_column_letter(index)
    fmt = ws.column_dimensions[letter].number_format
    assert {Kind.DATE: "dd/mm/yyyy", Kind.MONTH: "mm/yyyy"}.get(col.kind, fmt) == fmt
    if col.kind is Kind.AMOUNT:
        assert "€" in fmt


@pytest.mark.parametrize("sheet", EVENT_SHEETS, ids=[s.name for s in EVENT_SHEETS])
def test_event_sheets_prepare_at_least_500_rows(blank, sheet):
    assert sheet.prepared_rows >= 500
    ws = blank[sheet.name]
    last = FIRST_DATA_ROW + sheet.prepared_rows - 1
    checked = [c for c in sheet.columns if c.allowed or c.kind in KINDS or c.kind is Kind.ESTABLISHMENT]
    assert checked
    for col in checked:
        typed = [dv for dv in validations_at(ws, last, header_column(ws, col.label)) if dv.type]
        assert typed, f"no validation on the last prepared row of {col.label}"
    assert range_boundaries(ws.auto_filter.ref)[3] >= last


def test_derived_establishment_name_formula_on_every_prepared_row(blank, config):
    sheet = SPEC.sheet("establishments")
    ws = blank[sheet.name]
    code = openpyxl.utils.get_column_letter(header_column(ws, sheet.column("establishment").label))
    name = header_column(ws, sheet.column("establishment_name").label)
    for row in (FIRST_DATA_ROW, FIRST_DATA_ROW + sheet.prepared_rows - 1):
        formula = ws.cell(row, name).value
        assert formula.startswith("=") and "VLOOKUP" in formula and "IFERROR" in formula
        assert f"${code}{row}" in formula and SPEC.lists_sheet in formula and '" · "' in formula
        assert not ws.cell(row, name).protection.locked  # a protected sheet sorts only unlocked cells


def test_headers_locked_data_columns_editable(blank):
    for sheet in SPEC.table_sheets:
        ws = blank[sheet.name]
        assert ws.protection.sheet and not ws.protection.password
        assert ws.protection.insertRows is False and ws.protection.sort is False
        assert ws.protection.autoFilter is False
        for col in sheet.columns:
            letter = openpyxl.utils.get_column_letter(header_column(ws, col.label))
            assert ws.column_dimensions[letter].protection.locked is False, col.label  # sortable
            assert ws.column_dimensions[letter].width == col.width


def test_section_fields_version_locked_and_custom_property(blank):
    ws = blank[SPEC.section.name]
    labels = [ws.cell(r, 1).value for r in range(SECTION_FIRST_ROW, SECTION_FIRST_ROW + len(SPEC.section.columns))]
    assert labels == [c.label for c in SPEC.section.columns]
    version_row = SECTION_FIRST_ROW + labels.index(SPEC.section.column("template_version").label)
    assert ws.cell(version_row, 2).value == SPEC.version
    assert ws.cell(version_row, 2).protection.locked and ws.protection.sheet
    assert not ws.cell(SECTION_FIRST_ROW, 2).protection.locked
    association = validations_at(ws, SECTION_FIRST_ROW, 2)
    assert [list_values(blank, dv.formula1) for dv in association] == [list(SPEC.party_names)]
    props = {p.name: p.value for p in blank.custom_doc_props}
    assert props["Version du modèle"] == SPEC.version
    assert template_version(blank, SPEC) == SPEC.version


def test_readme_in_french_with_version_referents_period_and_personal_data(blank, config):
    text = readme_text(blank)
    assert SPEC.version in text
    for email in config.referents.values():
        assert email in text
    for sheet in SPEC.sheets[1:]:
        assert sheet.name in text and sheet.help in text
    assert config.period_start.strftime("%d/%m/%Y") in text and config.period_end.strftime("%d/%m/%Y") in text
    assert "Données personnelles" in text and "détenue" in text and "jj/mm/aaaa" in text
    keep_until = config.period_end.replace(year=config.period_end.year + 1)
    assert keep_until.strftime("%d/%m/%Y") in text


# --------------------------------------------------------------------------- pre-fill and fill


def test_prefilled_variant_carries_its_values(prefilled):
    values = section_values(prefilled)
    assert values["Association"] == "ANVP" and values["Nom de la section"] == "Nanterre"
    assert values["Courriel"] == "anvp.nanterre@example.org"  # from the expected section
    ws = prefilled[SPEC.sheet("establishments").name]
    code = header_column(ws, SPEC.sheet("establishments").column("establishment").label)
    assert [ws.cell(r, code).value for r in (2, 3, 4)] == ["CP-NANTERRE", "CP-FRESNES", None]


def test_prefill_accepts_case_and_gives_explicit_email(config):
    wb = build_template(config, "auxilia", "Paris", ["cp-nanterre"], email="x@example.org")
    values = section_values(wb)
    assert (values["Association"], values["Courriel"]) == ("Auxilia", "x@example.org")
    assert wb[SPEC.sheet("establishments").name].cell(FIRST_DATA_ROW, 1).value == "CP-NANTERRE"


@pytest.mark.parametrize(
    ("kwargs", "typed", "hint"),
    [({"establishments": ["Nanterre"]}, "Nanterre", "CP-NANTERRE"), ({"association": "ANPV"}, "ANPV", "ANVP")],
)
def test_unknown_code_or_association_refused_with_suggestion(config, kwargs, typed, hint):
    with pytest.raises(TemplateError) as err:
        build_template(config, **kwargs)
    assert f"« {typed} »" in str(err.value) and "inconnu" in str(err.value)
    assert err.value.suggestion == hint and hint in str(err.value)


def test_fill_workbook_writes_mistakes_and_formulas_as_text(config, tmp_path):
    rows = md_rows(
        """
        | Date       | Code établissement | Type d'action       | Associations | Description           |
        | ---------- | ------------------ | ------------------- | ------------ | --------------------- |
        | 2022-03-15 | CP-NANTERRE        | Rencontre arrivants | ANVP         | =HYPERLINK("http://x") |
        | 15/03/2023 |                    | Autre               | Auxila       | `2022-01-01`          |
        """
    )
    path = make_section_workbook(
        tmp_path / "s.xlsx",
        config,
        "ANVP",
        "Nanterre",
        dt.date(2023, 6, 2),
        establishments=["CP-FRESNES", "CP-NANTERRE"],
        tables={"actions": rows, "establishments": [{"establishment": "CP-NANTERRE"}]},
    )
    wb = openpyxl.load_workbook(path)
    ws = wb[SPEC.sheet("actions").name]
    description = ws.cell(FIRST_DATA_ROW, header_column(ws, "Description"))
    assert (description.value, description.data_type) == ('=HYPERLINK("http://x")', "s")
    with zipfile.ZipFile(path) as z:
        sheet_xml = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert any("HYPERLINK" in xml for xml in sheet_xml)
    assert not any(re.search(r"<f>[^<]*HYPERLINK", xml) for xml in sheet_xml)  # text, never a formula
    date_col = header_column(ws, "Date")
    assert ws.cell(FIRST_DATA_ROW, date_col).value == dt.datetime(2022, 3, 15)
    assert ws.cell(FIRST_DATA_ROW + 1, date_col).value == "15/03/2023"
    assert ws.cell(FIRST_DATA_ROW + 1, header_column(ws, "Associations")).value == "Auxila"
    assert ws.cell(FIRST_DATA_ROW + 1, header_column(ws, "Description")).value == "2022-01-01"
    assert section_values(wb)["Date de mise à jour"] == dt.datetime(2023, 6, 2)
    est = wb[SPEC.sheet("establishments").name]
    assert [est.cell(r, 1).value for r in (2, 3)] == ["CP-NANTERRE", None]  # pre-filled rows replaced
    assert est.cell(3, 2).value.startswith("=IF(")  # derived formulas kept


def test_md_rows_maps_labels_to_keys_and_rejects_unknown_headers():
    assert md_rows("| Mois | Personnes informées de l'autre association |\n|--|--|\n| 05/2023 | 4 |") == [
        {"month": "05/2023", "informed": 4}
    ]
    with pytest.raises(ValueError, match="Dat"):
        md_rows("| Dat |\n| 1 |")


# --------------------------------------------------------------------------- the committed template


def workbook_content(wb) -> dict:
    """What a volunteer gets: every sheet's cells, validations, protection, properties (not bytes)."""
    content = {"props": sorted((p.name, p.value) for p in wb.custom_doc_props)}
    for ws in wb.worksheets:
        content[ws.title] = {
            "state": ws.sheet_state,
            "cells": [[c.value for c in row] for row in ws.iter_rows()],
            "validations": sorted(
                (str(dv.sqref), dv.type, dv.formula1, dv.formula2, dv.prompt, dv.error)
                for dv in ws.data_validations.dataValidation
            ),
            "protected": ws.protection.sheet,
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
        }
    return content


def test_committed_template_is_what_the_code_generates(blank):
    committed = openpyxl.load_workbook(REPO / "modeles" / "rapport_section.xlsx")
    assert workbook_content(committed) == workbook_content(blank), (
        "modeles/rapport_section.xlsx is stale: run convention-xlsx modele -o modeles/rapport_section.xlsx"
    )


def test_regenerating_gives_the_same_bytes(config, tmp_path, blank_path):
    write_template(tmp_path / "again.xlsx", config)
    assert (tmp_path / "again.xlsx").read_bytes() == blank_path.read_bytes()


# --------------------------------------------------------------------------- LibreOffice round trip


@pytest.mark.parametrize("variant", ["blank", "prefilled"])
def test_libreoffice_round_trip_keeps_sheets_headers_dropdowns_values(soffice, config, tmp_path, request, variant):
    source = request.getfixturevalue(f"{variant}_path")
    original = request.getfixturevalue(variant)
    resaved = openpyxl.load_workbook(libreoffice_convert(source, "xlsx", tmp_path / "lo"))
    assert resaved.sheetnames == original.sheetnames
    assert resaved[SPEC.lists_sheet].sheet_state == "hidden"
    for sheet, col in TABLE_COLUMNS:
        ws = resaved[sheet.name]
        index = header_column(ws, col.label)
        if col.allowed or col.kind is Kind.ESTABLISHMENT:
            lists = [dv for dv in validations_at(ws, FIRST_DATA_ROW, index) if dv.type == "list"]
            assert lists, f"dropdown lost: {sheet.name}/{col.label}"
            assert list_values(resaved, lists[0].formula1) == expected_values(config, col)
    assert template_version(resaved, SPEC) == SPEC.version
    assert {p.name: p.value for p in resaved.custom_doc_props}["Version du modèle"] == SPEC.version
    assert section_values(resaved) == section_values(original)
    est_original, est_resaved = original[SPEC.sheet("establishments").name], resaved[SPEC.sheet("establishments").name]
    assert [c.value for c in est_resaved["A"][:4]] == [c.value for c in est_original["A"][:4]]
    formula = est_resaved.cell(FIRST_DATA_ROW, column_index_from_string("B")).value
    assert re.search(r"VLOOKUP", formula)
