"""The command line never shows a traceback: bad dates, bad outputs, empty folders, system errors.

Every case asserts the exit code (1 data error or failed run, 2 misuse), a French message
and the absence of "Traceback".
"""

from __future__ import annotations

import datetime as dt
import errno
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from workbooks import make_section_workbook

from convention_xlsx.cli import main
from convention_xlsx.cli.options import DateType, resolve_arrete
from convention_xlsx.consolidate import default_arrete
from convention_xlsx.errors import ArreteError, describe_os_error

UPDATED = dt.date(2023, 12, 1)


@pytest.fixture
def inputs(tmp_path, config) -> Path:
    root = tmp_path / "entrees"
    make_section_workbook(root / "anvp_nanterre.xlsx", config, "ANVP", "Nanterre", UPDATED,
                          establishments=["CP-NANTERRE"])
    return root


def invoke(*args: object):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, (OSError, TypeError, ValueError, KeyError)), result.exception
    return result


# --arrete -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("day", ["2020-12-31", "2024-01-01", "01/01/2099"])
def test_arrete_outside_the_convention_is_a_usage_error_giving_the_range(inputs, tmp_path, day):
    result = invoke("consolider", inputs, "-o", tmp_path / "t.xlsx", "--arrete", day, "-q")
    assert result.exit_code == 2, result.output
    assert "entre le 01/01/2021 et le 31/12/2023" in result.output
    assert not (tmp_path / "t.xlsx").exists()


def test_arrete_after_today_is_refused_while_the_convention_runs(config):
    today = dt.date(2022, 5, 2)
    assert resolve_arrete(dt.date(2022, 5, 2), config, today) == (today, "")
    with pytest.raises(click.BadParameter, match="entre le 01/01/2021 et le 02/05/2022"):
        resolve_arrete(dt.date(2022, 5, 3), config, today)


def test_arrete_accepts_both_french_forms_and_explains_a_wrong_one(inputs, tmp_path):
    assert DateType().convert("31/12/2023", None, None) == dt.date(2023, 12, 31)
    assert DateType().convert("2023-12-31", None, None) == dt.date(2023, 12, 31)
    result = invoke("consolider", inputs, "--arrete", "31-12-2023", "-q")
    assert result.exit_code == 2
    assert "« 31-12-2023 » n'est pas une date : écrivez AAAA-MM-JJ ou JJ/MM/AAAA" in result.output
    assert "%Y" not in result.output
    assert "--arrete AAAA-MM-JJ" in invoke("consolider", "--help").output


def test_default_arrete_before_the_convention_starts(config):
    with pytest.raises(ArreteError, match="ne commence que le 01/01/2021"):
        default_arrete(config, dt.date(2020, 6, 1))
    with pytest.raises(click.UsageError, match="ne commence que le 01/01/2021"):
        resolve_arrete(None, config, dt.date(2020, 6, 1))
    assert resolve_arrete(None, config, dt.date(2026, 1, 1))[0] == dt.date(2023, 12, 31)


# System errors ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("number", "french"), [
    (errno.ENOENT, "fichier ou dossier introuvable"), (errno.EACCES, "permission refusée"),
    (errno.ENOSPC, "plus de place sur le disque"), (errno.EROFS, "système de fichiers en lecture seule"),
    (errno.EISDIR, "c'est un dossier"), (errno.ENOTDIR, "ce n'est pas un dossier"), (9999, "erreur système n° 9999"),
])
def test_describe_os_error_is_french(number, french):
    assert describe_os_error(OSError(number, "English text")) == french


def test_an_unwritable_output_is_a_french_error(inputs):
    result = invoke("consolider", inputs, "-o", "/proc/x.xlsx", "--arrete", "2023-12-31", "-q")
    assert result.exit_code == 1, result.output
    assert "Impossible d'écrire /proc/x.xlsx" in result.output


def test_a_full_disk_while_writing_the_dashboard_is_a_french_error(inputs, tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("convention_xlsx.dashboard.write_dashboard", full)
    out = tmp_path / "sorties" / "t.xlsx"
    result = invoke("consolider", inputs, "-o", out, "--arrete", "2023-12-31", "-q")
    assert result.exit_code == 1
    assert f"Impossible d'écrire {out} : plus de place sur le disque." in result.output
    assert "No space" not in result.output
    assert not (out.parent / "historique.sqlite").exists()


def test_an_output_below_a_file_is_a_french_error(inputs, tmp_path):
    (tmp_path / "fichier").write_text("x")
    result = invoke("consolider", inputs, "-o", tmp_path / "fichier" / "t.xlsx", "--arrete", "2023-12-31", "-q")
    assert result.exit_code == 1
    assert f"Impossible d'écrire {tmp_path / 'fichier' / 't.xlsx'} : " in result.output
    assert "un fichier ou dossier de ce nom existe déjà" in result.output or "ce n'est pas un dossier" in result.output


def test_any_system_error_in_a_command_becomes_a_french_error(inputs, monkeypatch):
    def broken(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", "/quelque/part")

    monkeypatch.setattr("convention_xlsx.cli.printing.consolidate_folder", broken)
    result = invoke("valider", inputs, "-q")
    assert result.exit_code == 1
    assert "Opération impossible sur /quelque/part : permission refusée." in result.output
    assert "Permission denied" not in result.output


def test_ctrl_c_is_interrompu(inputs, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("convention_xlsx.cli.printing.consolidate_folder", interrupted)
    result = invoke("valider", inputs, "-q")
    assert result.exit_code == 1
    assert "Interrompu." in result.output


def test_a_read_only_output_through_a_real_subprocess(inputs, tmp_path):
    done = subprocess.run([sys.executable, "-m", "convention_xlsx", "consolider", str(inputs), "-o", "/proc/x.xlsx",
                           "--arrete", "2023-12-31", "-q"], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "Erreur : Impossible d'écrire /proc/x.xlsx" in done.stderr


# Empty folder ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["valider", "consolider"])
def test_an_empty_folder_is_an_error_and_writes_nothing(tmp_path, command):
    empty = tmp_path / "vide"
    (empty / "sous-dossier").mkdir(parents=True)
    (empty / "~$verrou.xlsx").write_text("")
    out = tmp_path / "sorties" / "t.xlsx"
    args = ["-o", out, "--arrete", "2023-12-31"] if command == "consolider" else []
    result = invoke(command, empty, *args, "-q")
    assert result.exit_code == 1
    assert f"Aucun classeur trouvé dans {empty} (sous-dossiers compris) : vérifiez le dossier." in result.output
    assert not (tmp_path / "sorties").exists()


# Outputs ---------------------------------------------------------------------------------------------

def test_the_dashboard_must_be_an_xlsx(inputs, tmp_path):
    result = invoke("consolider", inputs, "-o", tmp_path / "t.csv", "--arrete", "2023-12-31", "-q")
    assert result.exit_code == 2
    assert ".xlsx" in result.output and not (tmp_path / "t.csv").exists()


@pytest.mark.parametrize("where", ["-o", "--retours", "--json"])
def test_an_output_inside_the_input_folder_is_refused(inputs, tmp_path, where):
    target = {"-o": inputs / "sorties" / "t.xlsx", "--retours": inputs / ".." / "entrees" / "retours",
              "--json": inputs / "r.json"}[where]
    args = ["-o", tmp_path / "t.xlsx"] if where != "-o" else []
    result = invoke("consolider", inputs, where, target, *args, "--arrete", "2023-12-31", "-q")
    assert result.exit_code == 2, result.output
    assert "hors de ce dossier" in result.output
    assert sorted(p.name for p in inputs.rglob("*")) == ["anvp_nanterre.xlsx"]


def test_the_default_output_inside_the_input_folder_is_refused(inputs, monkeypatch):
    monkeypatch.chdir(inputs)
    result = invoke("consolider", ".", "--arrete", "2023-12-31", "-q")
    assert result.exit_code == 2 and "hors de ce dossier" in result.output


def test_demo_refuses_a_dashboard_inside_its_inputs(tmp_path):
    result = invoke("demo", "--entrees", tmp_path / "e", "-o", tmp_path / "e" / "t.xlsx", "--sections", 6, "-q")
    assert result.exit_code == 2 and "hors de ce dossier" in result.output
    assert not (tmp_path / "e").exists()


def test_no_history_is_recorded_when_no_file_could_be_read(tmp_path):
    inputs = tmp_path / "entrees"
    inputs.mkdir()
    (inputs / "pas_un_classeur.xlsx").write_text("ceci n'est pas un classeur")
    out = tmp_path / "sorties" / "t.xlsx"
    result = invoke("consolider", inputs, "-o", out, "--arrete", "2023-12-31", "-q")
    assert result.exit_code == 0, result.output
    assert "rien d'enregistré" in result.output and "aucun classeur n'a pu être lu" in result.output
    assert out.exists() and not (out.parent / "historique.sqlite").exists()


def test_an_unexpected_error_is_a_french_message_with_the_detail_in_a_file(tmp_path, monkeypatch):
    import re

    from convention_xlsx.cli import printing as printing_module

    def broken(*args, **kwargs):
        raise ValueError("bogue interne")

    monkeypatch.setattr(printing_module, "consolidate_folder", broken)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    (tmp_path / "entrees").mkdir()
    (tmp_path / "entrees" / "a.xlsx").write_bytes(b"x")
    result = CliRunner().invoke(main, ["valider", str(tmp_path / "entrees"), "-q"])
    assert result.exit_code == 1
    assert "Erreur inattendue (ValueError)" in result.output and "Traceback" not in result.output
    (detail,) = re.findall(r"dans (\S+convention-xlsx-erreur-\S+\.txt)", result.output)
    assert "bogue interne" in Path(detail).read_text("utf-8")
