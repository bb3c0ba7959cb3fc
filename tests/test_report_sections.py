"""``consolider --json`` says each section's state and its return: what ``envoyer`` reads."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from click.testing import CliRunner
from test_valider import folder  # noqa: F401  (the three workbooks of the validation tests)

from convention_xlsx.cli import main
from convention_xlsx.returns import SUFFIX


def test_the_report_lists_every_section_with_its_state_and_return(folder, tmp_path):  # noqa: F811
    report_path, returns = tmp_path / "rapport.json", tmp_path / "retours"
    result = CliRunner().invoke(main, ["consolider", str(folder), "-o", str(tmp_path / "tdb.xlsx"), "--arrete",
                                       "2023-12-31", "--retours", str(returns), "--json", str(report_path), "-q",
                                       "--sans-historique"])
    assert result.exit_code == 0, result.output
    report = json.loads(report_path.read_text("utf-8"))
    assert list(report) == ["arrete", "fichiers", "lignes", "anomalies", "sections"]
    assert report["arrete"] == "2023-12-31"
    sections = {(s["association"], s["section"]): s for s in report["sections"]}
    assert set(next(iter(sections.values()))) == {"association", "section", "etat", "courriel", "fichier", "retour",
                                                  "mise_a_jour", "empreinte"}
    assert {k: s["etat"] for k, s in sections.items()} == {
        ("ANVP", "National"): "manquant", ("Auxilia", "National"): "manquant", ("ANVP", "Nanterre"): "à jour",
        ("Auxilia", "Nanterre"): "à jour", ("ANVP", "Fresnes"): "à jour", ("ANVP", "Fleury-Mérogis"): "manquant",
        ("Auxilia", "Île-de-France Sud"): "manquant"}
    faulty = sections[("Auxilia", "Nanterre")]
    assert faulty["retour"] == str((returns / ("auxilia_nanterre" + SUFFIX)).absolute())
    assert Path(faulty["retour"]).is_file()
    assert faulty["fichier"] == "auxilia_nanterre.xlsx" and faulty["courriel"] == "auxilia.nanterre@example.org"
    assert faulty["empreinte"] == hashlib.sha256((folder / "auxilia_nanterre.xlsx").read_bytes()).hexdigest()
    assert faulty["mise_a_jour"] == "2023-12-04"
    assert sections[("ANVP", "Fresnes")]["retour"].endswith("fresnes/anvp_fresnes" + SUFFIX)
    assert sections[("ANVP", "Nanterre")]["retour"] is None  # nothing to fix
    missing = sections[("ANVP", "Fleury-Mérogis")]
    assert (missing["fichier"], missing["retour"], missing["mise_a_jour"]) == (None, None, None)


def test_the_report_is_documented(folder, tmp_path):  # noqa: F811
    doc = (Path(__file__).resolve().parents[1] / "docs" / "rapport.md").read_text("utf-8")
    for key in ("fichiers", "lignes", "anomalies", "sections", "arrete", "etat", "retour", "empreinte",
                "mise_a_jour", "courriel", "lues", "consolidees", "rejetees", "gravite", "suggestion"):
        assert f"`{key}`" in doc, key
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    assert "docs/rapport.md" in readme
