"""The workbook changes as data: a référent edits ``classeur.toml`` (a column added, a header and a dropdown value
renamed in a new version) and everything follows — template, validation, consolidation, dashboard — while
workbooks of the previous version keep every value."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import REPO
from workbooks import make_section_workbook

from convention_xlsx.cli import main
from convention_xlsx.config import load_config
from convention_xlsx.consolidate import consolidate_folder
from convention_xlsx.dashboard import write_dashboard

ARRETE, TODAY = dt.date(2023, 12, 31), dt.date(2024, 1, 10)
ACTION = {"date": dt.date(2023, 3, 2), "establishment": "CP-NANTERRE", "action_type": "Autre",
          "associations": "ANVP", "people_reached": 12}


def convention_copy(folder: Path, edit=lambda text: text) -> Path:
    """The shipped convention copied into ``folder`` (as a référent starts), its workbook description edited."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("convention.toml", "indicateurs.toml", "etablissements.csv"):
        shutil.copy(REPO / "modeles" / name, folder / name)
    text = (REPO / "modeles" / "classeur.toml").read_text("utf-8")
    (folder / "classeur.toml").write_text(edit(text), "utf-8")
    return folder / "convention.toml"


def add_location(text: str) -> str:
    anchor = '''  [[feuilles.colonnes]]
  cle = "description"'''
    assert text.count(anchor) == 1
    return text.replace(anchor, '''  [[feuilles.colonnes]]
  cle = "location"
  libelle = "Lieu de l'action"
  type = "texte"
  aide = "Où l'action a eu lieu (salle, quartier, ville)."

''' + anchor)


def test_a_column_added_in_the_spec_file_reaches_template_validation_consolidation_and_dashboard(tmp_path):
    config_file = convention_copy(tmp_path / "modeles", add_location)
    template = tmp_path / "modele.xlsx"
    result = CliRunner().invoke(main, ["modele", "-o", str(template), "--config", str(config_file)])
    assert result.exit_code == 0, result.output
    headers = [c.value for c in openpyxl.load_workbook(template)["Actions"][1]]
    assert "Lieu de l'action" in headers
    config = load_config(config_file)
    inputs = tmp_path / "entrees"
    make_section_workbook(inputs / "a.xlsx", config, "ANVP", "Nanterre", dt.date(2023, 12, 2),
                          tables={"actions": [{**ACTION, "location": "Salle polyvalente du quartier arrivants"}]})
    result = CliRunner().invoke(main, ["valider", str(inputs), "--config", str(config_file)])
    assert result.exit_code == 0 and "Lieu de l'action" not in result.output, result.output
    cons = consolidate_folder(inputs, config, arrete=ARRETE, today=TODAY)
    assert cons.tables["actions"]["location"].tolist() == ["Salle polyvalente du quartier arrivants"]
    dashboard = tmp_path / "tdb.xlsx"
    write_dashboard(cons, dashboard)
    detail = [[c.value for c in row] for row in openpyxl.load_workbook(dashboard)["Actions"].iter_rows()]
    header = next(r for r in detail if "Lieu de l'action" in r)
    column = header.index("Lieu de l'action")
    assert "Salle polyvalente du quartier arrivants" in [r[column] for r in detail]


RENAMED = '''[[versions]]
version = "2026.2"
date = 2026-12-01
notes = "« Personnes touchées » devient « Public touché » ; « Autre » devient « Autre action »."

  [[versions.changements]]
  action = "colonne renommée"
  feuille = "actions"
  colonne = "people_reached"
  ancien = "Personnes touchées"

  [[versions.changements]]
  action = "valeur renommée"
  feuille = "actions"
  colonne = "action_type"
  ancien = "Autre"
  nouveau = "Autre action"

'''


def rename_header_and_value(text: str) -> str:
    first_sheet = text.index("[[parties]]")
    text = text[:first_sheet] + RENAMED + text[first_sheet:]
    text = text.replace('libelle = "Personnes touchées"', 'libelle = "Public touché"', 1)
    old_list = '"Recrutement de bénévoles", "Autre"]'
    assert text.count(old_list) == 1
    return text.replace(old_list, '"Recrutement de bénévoles", "Autre action"]')


@pytest.fixture
def old_workbook(tmp_path, config):
    """A workbook filled on the current template (2026.1), as sections keep them."""
    folder = tmp_path / "entrees"
    make_section_workbook(folder / "a.xlsx", config, "ANVP", "Nanterre", dt.date(2023, 12, 2), tables={
        "actions": [ACTION, {**ACTION, "date": dt.date(2023, 4, 5), "action_type": "Recrutement de bénévoles",
                             "people_reached": 30}]})
    return folder


def test_a_new_version_renaming_a_header_and_a_value_reads_the_previous_version_with_every_value(
        tmp_path, old_workbook, config):
    before = consolidate_folder(old_workbook, config, arrete=ARRETE, today=TODAY)
    new_config = load_config(convention_copy(tmp_path / "modeles", rename_header_and_value))
    assert new_config.spec.version == "2026.2"
    assert "Autre action" in new_config.spec.sheet("actions").column("action_type").allowed
    after = consolidate_folder(old_workbook, new_config, arrete=ARRETE, today=TODAY)
    assert after.report.rows_consolidated == before.report.rows_consolidated == 2
    assert after.tables["actions"]["people_reached"].tolist() == [12, 30]  # the old header still read
    assert after.tables["actions"]["action_type"].tolist() == ["Autre action", "Recrutement de bénévoles"]
    assert not after.report.errors, [f.message for f in after.report.errors]
    [record] = after.report.files
    assert record.template_version == "2026.1"  # each workbook's own version, as Suivi des envois shows it
    # The volunteer is not asked to change anything: the old header is not an anomaly.
    assert "en-tete-modifie" not in [f.code for f in after.report.findings]
