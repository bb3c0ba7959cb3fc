"""``convention-xlsx modele``: through click's runner, and once as a real process."""

from __future__ import annotations

import subprocess
import sys

import openpyxl
import pytest
from click.testing import CliRunner

from convention_xlsx.cli import main
from convention_xlsx.spec import default_spec
from convention_xlsx.template import FIRST_DATA_ROW, SECTION_FIRST_ROW, template_version

SPEC = default_spec()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def section_values(path) -> dict[str, object]:
    ws = openpyxl.load_workbook(path)[SPEC.section.name]
    return {r[0]: r[1] for r in ws.iter_rows(min_row=SECTION_FIRST_ROW, max_col=2, values_only=True)}


def establishment_codes(path) -> list[str]:
    ws = openpyxl.load_workbook(path)[SPEC.sheet("establishments").name]
    return [r[0] for r in ws.iter_rows(min_row=FIRST_DATA_ROW, max_col=1, values_only=True) if r[0]]


def test_blank_template(runner, tmp_path):
    out = tmp_path / "t.xlsx"
    result = runner.invoke(main, ["modele", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.output and "vierge" in result.output and "10 feuilles" in result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[: len(SPEC.sheets)] == [s.name for s in SPEC.sheets]
    assert template_version(wb, SPEC) == SPEC.version
    assert section_values(out)["Association"] is None


def test_prefilled_template(runner, tmp_path):
    out = tmp_path / "p.xlsx"
    args = [
        "modele",
        "--association",
        "ANVP",
        "--section",
        "Nanterre",
        "--etablissement",
        "CP-NANTERRE",
        "--etablissement",
        "cp-fresnes",
        "--courriel",
        "moi@example.org",
        "-o",
        str(out),
    ]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "pré-rempli" in result.output
    values = section_values(out)
    assert (values["Association"], values["Nom de la section"], values["Courriel"]) == (
        "ANVP",
        "Nanterre",
        "moi@example.org",
    )
    assert establishment_codes(out) == ["CP-NANTERRE", "CP-FRESNES"]


def test_expected_section_gets_its_establishments_and_email_from_config(runner, tmp_path):
    out = tmp_path / "f.xlsx"
    result = runner.invoke(main, ["modele", "--association", "anvp", "--section", "fresnes", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert establishment_codes(out) == ["CP-FRESNES", "QPA-VILLEJUIF"]
    assert section_values(out)["Courriel"] == "anvp.fresnes@example.org"


def test_all_sections(runner, tmp_path, config):
    out = tmp_path / "classeurs"
    result = runner.invoke(main, ["modele", "--toutes-sections", "-o", str(out)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == len(config.sections)
    assert {"ANVP_Nanterre.xlsx", "ANVP_Fleury-Merogis.xlsx", "Auxilia_Ile-de-France-Sud.xlsx"} <= set(names)
    values = section_values(out / "ANVP_Fleury-Merogis.xlsx")
    assert (values["Association"], values["Nom de la section"]) == ("ANVP", "Fleury-Mérogis")
    assert establishment_codes(out / "Auxilia_Ile-de-France-Sud.xlsx") == ["CP-FRESNES", "CP-FLEURY-MEROGIS"]
    assert establishment_codes(out / "ANVP_National.xlsx") == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--etablissement", "Nanterre"], ["--etablissement", "« Nanterre »", "inconnu", "CP-NANTERRE"]),
        (["--association", "ANPV"], ["--association", "« ANPV »", "inconnue", "ANVP"]),
        (["--toutes-sections", "--association", "ANVP"], ["--toutes-sections", "ne l'utilisez pas"]),
        (["--config", "absent.toml"], ["--config", "n'existe pas"]),
    ],
    ids=["code", "association", "toutes-sections-et-association", "config-absente"],
)
def test_bad_arguments_exit_2_with_french_message(runner, tmp_path, args, expected):
    out = tmp_path / "x.xlsx"
    result = runner.invoke(main, ["modele", *args, "-o", str(out)])
    assert result.exit_code == 2, result.output
    for text in expected:
        assert text in result.output
    assert not out.exists()


def test_help_is_french(runner):
    result = runner.invoke(main, ["modele", "--help"])
    assert result.exit_code == 0
    assert "Écrit le modèle" in result.output and "--toutes-sections" in result.output
    assert "Code d'un site du référentiel" in result.output


def test_real_process(tmp_path):
    out = tmp_path / "rapport.xlsx"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "convention_xlsx",
            "modele",
            "--association",
            "Auxilia",
            "--section",
            "Nanterre",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Modèle pré-rempli écrit" in done.stdout
    assert section_values(out)["Courriel"] == "auxilia.nanterre@example.org"
    assert establishment_codes(out) == ["CP-NANTERRE"]
    bad = subprocess.run(
        [sys.executable, "-m", "convention_xlsx", "modele", "--etablissement", "XYZ-QQQ", "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 2 and "Code inconnu « XYZ-QQQ » : il n'est pas dans le référentiel des établissements" in bad.stderr
