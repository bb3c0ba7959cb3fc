"""The second convention, end to end as its référent runs it: ``demo --config modeles/actice/convention.toml`` writes
the Act'ice workbooks from their description, finds its planted mistakes at their cells, and writes a dashboard
of the programme's figures in which the first convention's parties never appear."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import REPO

from convention_xlsx.cli import main
from convention_xlsx.config import load_config
from convention_xlsx.demo.run import run_demo

CONFIG = REPO / "modeles" / "actice" / "convention.toml"
OTHER = re.compile(r"anvp|auxilia", re.IGNORECASE)
TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("actice")
    result = run_demo(load_config(CONFIG), root / "entrees", root / "sorties" / "tdb.xlsx", seed=4, today=TODAY)
    return root, result


def test_the_demo_plants_mistakes_that_valider_finds_at_their_cells(demo):
    root, result = demo
    planted = {(m.file, m.sheet, m.cell, m.code) for m in result.plan.mistakes}
    assert len(planted) >= 10 and {m.kind for m in result.plan.mistakes} >= {"liste", "negatif", "annee"}
    report = root / "valider.json"
    run = CliRunner().invoke(main, ["valider", str(root / "entrees"), "--config", str(result.config_file),
                                    "--json", str(report), "-q"])
    assert run.exit_code == 1, run.output  # errors remain: the planted ones
    found = json.loads(report.read_text("utf-8"))["anomalies"]
    errors = {(a["fichier"], a["feuille"], a["cellule"], a["code"]) for a in found if a["gravite"] == "erreur"}
    retained = {w.file for w in result.plan.workbooks} - {result.plan.twice[0]}
    assert {p for p in planted if p[0] in retained} == errors


def test_the_dashboard_shows_the_programme_and_never_the_other_convention(demo):
    root, result = demo
    path = root / "sorties" / "tdb.xlsx"
    sheets = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert {"Synthèse", "Évolution", "Suivi des envois", "Bilan", "Recommandations", "Anomalies", "À propos",
            "Projets", "Événements", "Heures"} <= set(sheets)
    with zipfile.ZipFile(path) as z:
        text = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    assert not OTHER.search(text), OTHER.search(text)
    with zipfile.ZipFile(path) as z:
        assert sum(1 for n in z.namelist() if n.startswith("xl/charts/chart")) >= 6
    synthese = {v for row in openpyxl.load_workbook(path, read_only=True)["Synthèse"].iter_rows(values_only=True)
                for v in row if v is not None}
    assert {"Structures accompagnées", "Participants aux événements", "Heures de formation et d'accompagnement",
            "Projets retenus"} <= synthese
    figures = result.month.figures
    assert figures.value("projects").total > 50 and 0 < figures.value("still_active_share").total < 1
    funnel = [figures.value(k).total for k in ("interest", "applications", "selected")]
    assert funnel == sorted(funnel, reverse=True) and funnel[-1] > 0


def test_modele_and_demo_run_as_the_referent_types_them(tmp_path):
    template = tmp_path / "antenne.xlsx"
    done = subprocess.run([sys.executable, "-m", "convention_xlsx", "modele", "--config", str(CONFIG), "-o",
                           str(template)], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    names = openpyxl.load_workbook(template).sheetnames
    assert names[:3] == ["Lisez-moi", "Antenne", "Projets"] and "Liste des départements" in names
    done = subprocess.run([sys.executable, "-m", "convention_xlsx", "demo", "--config", str(CONFIG), "-q"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "sorties" / "tableau_de_bord_demo.xlsx").is_file()
    assert not OTHER.search(done.stdout), done.stdout
    assert "Erreurs semées" in done.stdout and "Tableau de bord écrit" in done.stdout
