"""`valider` end to end on workbooks filled through the real template (issue 3's 'done when')."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from workbooks import make_section_workbook, md_rows

from convention_xlsx.cli import main

UPDATED = dt.date(2023, 12, 4)

CLEAN_ACTIONS = """
| Date       | Code établissement | Type d'action                | Associations    | Bénévoles ANVP | Description |
|------------|--------------------|------------------------------|-----------------|----------------|-------------|
| 2023-03-15 | CP-NANTERRE        | Rencontre quartier arrivants | ANVP et Auxilia | 2              | =HYPERLINK("http://exemple.org","clic") |
"""
FAULTY_ACTIONS = """
| Date       | Code établissement | Type d'action                | Associations    | Bénévoles ANVP |
|------------|--------------------|------------------------------|-----------------|----------------|
| 2023-03-15 | CP-NANTERRE        | Rencontre quartier arrivants | ANVP et Auxilia | 1              |
| 2023-04-02 | CP-NANTERRE        | Rencontre arrivants          | ANVP            | 1              |
| 2019-05-10 | CP-NANTERRE        | Autre                        | Auxilia         | 1              |
| 2023-06-01 | Nanterre           | Autre                        | Auxilia         | -2             |
"""
FAULTY_VOLUNTEERS = """
| Nom    | Prénom | Code établissement | Rôle                            | Adhérent Auxilia | Début de mandat | Fin de mandat |
|--------|--------|--------------------|---------------------------------|------------------|-----------------|---------------|
| Martin | Anne   | CP-NANTERRE        | Correspondant de prison Auxilia | Non              | 2023-09-01      | 2023-03-01    |
| Durand | Paul   | CP-NANTERRE        | Correspondant de prison Auxilia | Oui              |                 |               |
"""

# Where each deliberate mistake stands: (file, sheet, cell, code).
EXPECTED_ERRORS = {
    ("auxilia_nanterre.xlsx", "Actions", "C3", "valeur-hors-liste"),
    ("auxilia_nanterre.xlsx", "Actions", "A4", "date-hors-periode"),
    ("auxilia_nanterre.xlsx", "Actions", "B5", "code-etablissement-inconnu"),
    ("auxilia_nanterre.xlsx", "Actions", "E5", "nombre-negatif"),
    ("fresnes/anvp_fresnes.xlsx", "Intervenants", "H2", "mandat-fin-avant-debut"),
}


@pytest.fixture
def folder(tmp_path, config) -> Path:
    root = tmp_path / "entrees"
    make_section_workbook(root / "anvp_nanterre.xlsx", config, "ANVP", "Nanterre", UPDATED,
                          establishments=["CP-NANTERRE"], tables={"actions": md_rows(CLEAN_ACTIONS)})
    make_section_workbook(root / "auxilia_nanterre.xlsx", config, "Auxilia", "Nanterre", UPDATED,
                          establishments=["CP-NANTERRE"], tables={"actions": md_rows(FAULTY_ACTIONS)})
    make_section_workbook(root / "fresnes" / "anvp_fresnes.xlsx", config, "ANVP", "Fresnes", UPDATED,
                          establishments=["CP-FRESNES"], tables={"volunteers": md_rows(FAULTY_VOLUNTEERS)})
    return root


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_valider_reports_each_mistake_at_its_cell(folder, tmp_path):
    before = digests(folder)
    out = tmp_path / "rapport.json"
    result = CliRunner().invoke(main, ["valider", str(folder), "--json", str(out), "--quiet"])
    assert result.exit_code == 1, result.output
    assert not isinstance(result.exception, Exception), result.exception  # a clean exit, not a crash
    report = json.loads(out.read_text("utf-8"))
    errors = {(a["fichier"], a["feuille"], a["cellule"], a["code"])
              for a in report["anomalies"] if a["gravite"] == "erreur"}
    assert errors == EXPECTED_ERRORS
    misspelt = next(a for a in report["anomalies"] if a["code"] == "valeur-hors-liste")
    assert misspelt["suggestion"] == "Rencontre quartier arrivants"
    assert misspelt["valeur"] == "Rencontre arrivants" and misspelt["colonne"] == "Type d'action"
    lines = report["lignes"]
    # Each file: its actions or volunteers plus its one pre-filled Établissements row.
    assert lines["lues"] == lines["consolidees"] + lines["rejetees"] == (1 + 1) + (4 + 1) + (2 + 1)
    # Three actions cannot be used; Martin stays a volunteer, only his mandate (both dates) is left out.
    assert (lines["rejetees"], lines["valeurs_ecartees"]) == (3, 2)
    assert report["fichiers"] == {"lus": 3, "rejetes": 0, "ignores": 0}
    # The printed output closes with the same counts.
    assert result.output.rstrip().splitlines()[-2:] == [  # the counts close the output
        "Fichiers : 3 lu(s), 0 rejeté(s), 0 ignoré(s).",
        f"Lignes : {lines['lues']} lue(s) = {lines['consolidees']} consolidée(s) + 3 rejetée(s) ; "
        "2 valeur(s) écartée(s) dans des lignes reprises.",
    ]
    assert "Traceback" not in result.output
    assert digests(folder) == before


def test_valider_exits_0_on_the_clean_workbook_alone(folder, tmp_path):
    clean = tmp_path / "propre"
    clean.mkdir()
    (clean / "anvp_nanterre.xlsx").write_bytes((folder / "anvp_nanterre.xlsx").read_bytes())
    result = CliRunner().invoke(main, ["valider", str(clean), "--json", "-", "--quiet"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert not [a for a in report["anomalies"] if a["gravite"] == "erreur"]
    assert report["lignes"] == {"lues": 2, "consolidees": 2, "rejetees": 0, "valeurs_ecartees": 0}


def test_valider_through_a_real_subprocess(folder):
    done = subprocess.run([sys.executable, "-m", "convention_xlsx", "valider", str(folder), "--quiet"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "auxilia_nanterre.xlsx" in done.stdout and "Actions › C3" in done.stdout
    assert "suggestion : Rencontre quartier arrivants" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.parametrize("args", [["valider"], ["valider", "/dossier/absent"], ["valider", ".", "--inconnue"]])
def test_usage_errors_exit_2_in_french(args):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "Erreur" in result.output and "Error" not in result.output


def test_a_workbook_filled_then_saved_by_libreoffice_validates(folder, tmp_path, soffice, config):
    from conftest import libreoffice_convert

    from convention_xlsx.consolidate import consolidate_folder
    from convention_xlsx.returns import write_returns

    saved = tmp_path / "lo"
    for name in ("anvp_nanterre.xlsx", "auxilia_nanterre.xlsx"):
        libreoffice_convert(folder / name, "xlsx", saved)
    cons = consolidate_folder(saved, config, arrete=config.period_end)
    errors = {(f.file, f.sheet, f.cell, f.code) for f in cons.report.errors}
    assert errors == {e for e in EXPECTED_ERRORS if e[0] == "auxilia_nanterre.xlsx"}
    assert cons.report.rows_read == cons.report.rows_consolidated + cons.report.rows_rejected == 2 + 5
    assert len(cons.tables["actions"]) == 2
    # The annotated return of a LibreOffice-saved file still carries the template's dropdowns.
    returned = write_returns(cons, saved, tmp_path / "retours")["auxilia_nanterre.xlsx"]
    import openpyxl

    actions = openpyxl.load_workbook(returned)["Actions"]
    lists = [dv for dv in actions.data_validations.dataValidation if dv.type == "list"]
    assert {str(dv.sqref).split(":")[0] for dv in lists} >= {"C2", "D2"}
    assert "n'est pas dans la liste déroulante" in actions["C3"].comment.text
