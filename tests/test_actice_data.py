"""The Act'ice programme (Possible and Ronalpia) described as a second convention, in data only.

``modeles/actice/`` holds its configuration, its antenna workbook and its référentiel of the 101
départements. These tests check that the data loads, that the référentiel is the real list, and that
the engine's commands work on a convention that is not ANVP–Auxilia, without naming it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from workbooks import make_section_workbook

from convention_xlsx.cli import main
from convention_xlsx.config import load_config
from convention_xlsx.schema import FIELDS, TABLE, Kind

ACTICE = Path(__file__).resolve().parents[1] / "modeles" / "actice"
CONFIG = ACTICE / "convention.toml"
OTHER_CONVENTION = re.compile(r"anvp|auxilia", re.IGNORECASE)

REGIONS = {
    "Auvergne-Rhône-Alpes": 12, "Bourgogne-Franche-Comté": 8, "Bretagne": 4, "Centre-Val de Loire": 6,
    "Corse": 2, "Grand Est": 10, "Hauts-de-France": 5, "Île-de-France": 8, "Normandie": 5,
    "Nouvelle-Aquitaine": 12, "Occitanie": 13, "Pays de la Loire": 5, "Provence-Alpes-Côte d'Azur": 6,
    "Guadeloupe": 1, "Martinique": 1, "Guyane": 1, "La Réunion": 1, "Mayotte": 1,
}
"""The 18 current régions and how many départements each has."""


class EngineCrash(Exception):
    """The CLI stopped on an unexpected error (its French message points to the traceback file)."""


def invoke(args: list[str]):
    result = CliRunner().invoke(main, args)
    if "Erreur inattendue" in result.output:
        raise EngineCrash(result.output)
    return result


@pytest.fixture(scope="module")
def actice():
    return load_config(CONFIG)


# --- the configuration and its référentiel ---------------------------------------------------------------


def test_configuration_loads(actice):
    assert actice.title == "Programme Act'ice – Possible et Ronalpia"
    assert actice.spec.party_names == ("Possible", "Ronalpia")
    assert actice.period_start < actice.period_end
    assert set(actice.referents) == {"Possible", "Ronalpia"}
    assert actice.referentiel.site_label == "département"
    assert actice.referentiel.group_label == "Région"
    assert actice.spec.source == str(ACTICE / "classeur.toml")


def test_referentiel_is_the_101_departements_in_18_regions(actice):
    ref = actice.referentiel
    codes = ref.codes
    assert len(codes) == 101
    assert len(set(codes)) == 101
    expected = {f"{n:02d}" for n in range(1, 96) if n != 20} | {"2A", "2B", "971", "972", "973", "974", "976"}
    assert set(codes) == expected
    by_region: dict[str, int] = {}
    for e in ref.establishments:
        by_region[e.group] = by_region.get(e.group, 0) + 1
    assert by_region == REGIONS
    assert ref["69"].name == "Rhône" and ref["69"].group == "Auvergne-Rhône-Alpes"
    assert ref["2A"].name == "Corse-du-Sud"
    assert ref["90"].name == "Territoire de Belfort" and ref["90"].group == "Bourgogne-Franche-Comté"
    assert ref["974"].name == "La Réunion"


def test_referentiel_file_is_plain_csv_with_codes_as_text():
    with (ACTICE / "territoires.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["code", "nom", "region"]
    assert all(len(r) == 3 and all(c == c.strip() and c for c in r) for r in rows[1:])
    assert rows[1][0] == "01"  # the leading zero is kept


def test_every_expected_antenna_covers_known_departements(actice):
    assert {s.association for s in actice.sections} == {"Possible", "Ronalpia"}
    for section in actice.sections:
        for code in section.establishments:
            assert code in actice.referentiel, (section.name, code)
        assert section.email.endswith("example.org"), section.email
    claimed = [(s.association, c) for s in actice.sections for c in s.establishments]
    assert len(claimed) == len(set(claimed)), "a département claimed by two antennas of the same partner"


# --- the workbook's description ---------------------------------------------------------------------------


def test_workbook_description_is_the_programme(actice):
    spec = actice.spec
    assert [s.name for s in spec.sheets] == [
        "Lisez-moi", "Antenne", "Projets", "Journées collectives", "Suivis individuels", "Co-développement",
        "Événements", "Sensibilisation", "Heures", "Sélection",
    ]
    assert [c.key for c in spec.section.columns] == [
        "association", "section_name", "editor", "email", "updated", "template_version",
    ]
    assert spec.section.column("association").label == "Partenaire"
    assert spec.section.column("section_name").label == "Nom de l'antenne"
    assert spec.version == "2026.1" and len(spec.versions) == 1
    assert spec.sites is None  # no presence per site
    for sheet in spec.table_sheets:
        if sheet.date_key:
            date = sheet.column(sheet.date_key)
            assert date.required and date.in_period and date.not_future, sheet.name
        for col in sheet.columns:
            assert col.help, (sheet.name, col.key)
            if col.kind is Kind.ESTABLISHMENT:
                assert col.label == "Département", (sheet.name, col.key)


def test_joint_keys(actice):
    spec = actice.spec
    assert spec.sheet("projects").joint_key == ("structure", "promotion")
    assert spec.sheet("collective_days").joint_key == ("date", "theme")
    assert spec.sheet("events").joint_key == ("date", "event_type", "departement")
    assert spec.sheet("selection").joint_key == ("promotion",)
    selection = spec.sheet("selection")
    assert selection.column("prescribers_possible").party == "Possible"
    assert selection.column("prescribers_ronalpia").party == "Ronalpia"


# --- the commands -----------------------------------------------------------------------------------------


def _texts_of(wb: openpyxl.Workbook):
    """Every text a person can see in a workbook: sheet names, cells, validation messages, properties."""
    yield from wb.sheetnames
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            yield from (str(v) for v in row if v is not None)
        for dv in ws.data_validations.dataValidation:
            yield from (t for t in (dv.prompt, dv.promptTitle, dv.error, dv.errorTitle, dv.formula1) if t)
    props = wb.properties
    yield from (str(v) for v in (props.title, props.subject, props.creator, props.keywords, props.description,
                                 props.lastModifiedBy, props.category) if v)
    for prop in wb.custom_doc_props:
        yield from (str(prop.name), str(prop.value))


def test_modele_writes_the_actice_workbook(actice, tmp_path):
    out = tmp_path / "X.xlsx"
    result = invoke(["modele", "--config", str(CONFIG), "-o", str(out)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    spec = actice.spec
    assert wb.sheetnames == [s.name for s in spec.sheets] + [spec.referentiel_sheet, spec.lists_sheet]
    for sheet in spec.sheets:
        ws = wb[sheet.name]
        if sheet.layout == TABLE:
            headers = [c.value for c in ws[1]][: len(sheet.columns)]
            assert headers == [c.label for c in sheet.columns], sheet.name
        elif sheet.layout == FIELDS:
            labels = [ws.cell(row, 1).value for row in range(2, 2 + len(sheet.columns))]
            assert labels == [c.label for c in sheet.columns]
    leaks = sorted({t for t in _texts_of(wb) if OTHER_CONVENTION.search(t)})
    assert not leaks, leaks


def _rows():
    """A few rows of an antenna's workbook, with two mistakes: a misspelt theme (Projets, row 4) and an
    unknown département « 96 » (Événements, row 3)."""
    day = dt.date
    return {
        "projects": [
            {"structure": "Permis de Construire", "departement": "69", "theme": "Réinsertion des personnes condamnées",
             "promotion": "2019", "entry_date": day(2019, 1, 15), "support": "Collectif et individuel",
             "still_active": "Oui"},
            {"structure": "Wake up Café", "departement": "69 · Rhône", "theme": "Prévention de la récidive",
             "promotion": "2019", "entry_date": day(2019, 1, 15), "support": "Collectif", "still_active": "oui"},
            {"structure": "Justice restaurative Rhône", "departement": "69", "theme": "Prévention de la récidve",
             "promotion": "2019", "entry_date": day(2019, 2, 1), "support": "Individuel", "still_active": "Non"},
            {"structure": "Le Chantier du patrimoine", "departement": "71", "theme": "Réinsertion des personnes condamnées",
             "promotion": 2020, "entry_date": day(2020, 1, 20), "still_active": "Oui"},
        ],
        "collective_days": [
            {"date": day(2020, 2, 6), "theme": "Fonctionnement de la justice", "place": "Lyon", "participants": 14,
             "promotion": "2020"},
            {"date": day(2020, 3, 5), "theme": "Modèle économique", "place": "Paris", "participants": 12,
             "promotion": "2020"},
        ],
        "follow_ups": [
            {"month": day(2020, 2, 1), "structure": "Le Chantier du patrimoine", "modality": "Visioconférence",
             "hours": 1.5},
            {"month": "03/2020", "structure": "Le Chantier du patrimoine", "modality": "Téléphone", "hours": 1},
        ],
        "codev": [
            {"date": day(2020, 4, 9), "promotion": "2020", "participants": 9,
             "problem": "Trouver des entreprises partenaires pour des placements extérieurs"},
        ],
        "events": [
            {"date": day(2020, 1, 23), "event_type": "Apéro-justice", "departement": "69", "participants": 60,
             "newcomers": 35, "description": "Rencontre avec un juge de l'application des peines"},
            {"date": day(2020, 9, 17), "event_type": "Événement de clôture", "departement": "96",
             "participants": 120, "newcomers": 50, "funders": 8},
        ],
        "awareness": [
            {"date": day(2020, 11, 12), "audience": "Jeunes", "departement": "38", "people_reached": 45,
             "description": "Intervention dans un lycée"},
        ],
        "hours": [
            {"month": "02/2020", "hour_type": "Accompagnement collectif", "hours": 7},
            {"month": "02/2020", "hour_type": "Accompagnement individuel", "hours": 1.5},
        ],
        "selection": [
            {"promotion": "2020", "prescribers_ronalpia": 40, "interest": 60, "applications": 27, "selected": 10},
        ],
    }


def test_valider_finds_exactly_the_two_mistakes(actice, tmp_path):
    folder = tmp_path / "classeurs"
    make_section_workbook(folder / "ronalpia_lyon.xlsx", actice, "Ronalpia", "Lyon", dt.date(2021, 6, 2),
                          tables=_rows(), editor="Camille Martin", email="actice.lyon@ronalpia.example.org")
    make_section_workbook(folder / "possible_national.xlsx", actice, "Possible", "National", dt.date(2021, 6, 3),
                          tables={"selection": [{"promotion": "2020", "prescribers_possible": 60, "interest": 60,
                                                 "applications": 27, "selected": 10}]})
    report_path = tmp_path / "rapport.json"
    result = invoke(["valider", "--config", str(CONFIG), str(folder), "--json", str(report_path), "--quiet"])
    assert result.exit_code == 1, result.output
    report = json.loads(report_path.read_text("utf-8"))
    # Errors only: the Sélection record reported by both partners, each with its own prescribers, may also
    # give a warning (the engine compares each partner's own columns too; see the branch's report).
    errors = [a for a in report["anomalies"] if a["gravite"] == "erreur"]
    found = sorted((a["fichier"], a["feuille"], a["cellule"], a["code"], a["valeur"]) for a in errors)
    assert found == [
        ("ronalpia_lyon.xlsx", "Projets", "C4", "valeur-hors-liste", "Prévention de la récidve"),
        ("ronalpia_lyon.xlsx", "Événements", "C3", "code-etablissement-inconnu", "96"),
    ]
    by_cell = {a["cellule"]: a for a in errors}
    assert by_cell["C4"]["suggestion"] == "Prévention de la récidive"
    assert report["fichiers"]["lus"] == 2
    lines = report["lignes"]
    assert lines["lues"] == lines["consolidees"] + lines["rejetees"]
    assert lines["rejetees"] == 2  # the theme and the département are part of each record's identity
