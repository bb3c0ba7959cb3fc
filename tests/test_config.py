"""The convention's configuration and référentiel: shipped copy, local lookup, errors."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from conftest import PACKAGED_CONFIG, REPO

from convention_xlsx.config import ConfigError, load_config

PACKAGED_DATA = PACKAGED_CONFIG.parent


def test_shipped_configuration(config):
    assert (config.period_start, config.period_end) == (dt.date(2021, 1, 1), dt.date(2023, 12, 31))
    assert config.mandate_expiry_days == 60
    assert config.years == (2021, 2022, 2023)
    assert config.expected("ANVP", "National") is not None
    assert config.expected("auxilia", "national") is not None
    assert len(config.referentiel) == 186
    assert "CP-NANTERRE" in config.referentiel and "QPA-VILLEJUIF" in config.referentiel
    for section in config.sections:
        assert all(code in config.referentiel for code in section.establishments)


@pytest.mark.parametrize("name", ["convention.toml", "etablissements.csv"])
def test_modeles_copies_are_the_packaged_ones(name):
    assert (REPO / "modeles" / name).read_bytes() == (PACKAGED_DATA / name).read_bytes()


def write_config(folder, sections: str = "", start: str = "2021-01-01", end: str = "2023-12-31"):
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(PACKAGED_DATA / "etablissements.csv", folder / "etablissements.csv")
    path = folder / "convention.toml"
    path.write_text(
        f'[convention]\ndebut = {start}\nfin = {end}\nreferentiel = "etablissements.csv"\n{sections}',
        encoding="utf-8",
    )
    return path


def test_unknown_establishment_in_config_is_refused_with_suggestion(tmp_path):
    path = write_config(tmp_path, '[[sections]]\nassociation = "ANVP"\nnom = "X"\netablissements = ["Nanterre"]\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert "« Nanterre »" in str(err.value) and "CP-NANTERRE" in str(err.value)


def test_unknown_association_and_bad_toml_are_refused(tmp_path):
    with pytest.raises(ConfigError, match="ANVP ou Auxilia"):
        load_config(write_config(tmp_path / "a", '[[sections]]\nassociation = "GENEPI"\nnom = "X"\n'))
    bad = tmp_path / "b.toml"
    bad.write_text("[convention\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="TOML"):
        load_config(bad)


def test_local_modeles_config_is_used_from_the_working_directory(tmp_path, monkeypatch):
    write_config(tmp_path / "modeles", start="2024-01-01", end="2026-12-31")
    monkeypatch.chdir(tmp_path)
    config = load_config()
    assert (config.period_start, config.period_end) == (dt.date(2024, 1, 1), dt.date(2026, 12, 31))
    assert len(config.referentiel) == 186


def test_packaged_config_is_used_elsewhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config()
    assert config.period_end == dt.date(2023, 12, 31) and "livrée" in config.source


SECTION = '[[sections]]\nassociation = "ANVP"\nnom = "Agen"\netablissements = ["MA-AGEN"]\n'


@pytest.mark.parametrize(("start", "end"), [("2021-01-01T10:00:00", "2023-12-31"), ("2021-01-01", "2023-12-31 08:00:00")])
def test_a_date_with_a_time_is_refused(tmp_path, start, end):
    with pytest.raises(ConfigError, match="dates sans heure"):
        load_config(write_config(tmp_path, start=start, end=end))


@pytest.mark.parametrize(("seuils", "key"), [
    ('mandat_expiration_jours = "soixante"', "mandat_expiration_jours"),
    ("mandat_expiration_jours = -1", "mandat_expiration_jours"),
    ("mandat_expiration_jours = 60.5", "mandat_expiration_jours"),
    ("jour_envoi = 0", "jour_envoi"),
    ("jour_envoi = 31", "jour_envoi"),
    ('jour_envoi = "5"', "jour_envoi"),
    ("jour_envoi = true", "jour_envoi"),
])
def test_thresholds_must_be_integers_in_range(tmp_path, seuils, key):
    with pytest.raises(ConfigError, match=f"{key} doit être un nombre entier"):
        load_config(write_config(tmp_path, f"[seuils]\n{seuils}\n"))


def test_thresholds_in_range_are_read(tmp_path):
    config = load_config(write_config(tmp_path, "[seuils]\nmandat_expiration_jours = 0\njour_envoi = 28\n"))
    assert (config.mandate_expiry_days, config.report_day) == (0, 28)


def test_establishments_must_be_a_list_not_a_string(tmp_path):
    with pytest.raises(ConfigError, match=r'etablissements = \["MA-AGEN"\]'):
        load_config(write_config(tmp_path, SECTION.replace('["MA-AGEN"]', '"MA-AGEN"')))
    with pytest.raises(ConfigError, match="liste de codes"):
        load_config(write_config(tmp_path, SECTION.replace('["MA-AGEN"]', "[12]")))


def test_a_section_listed_twice_is_refused(tmp_path):
    twice = SECTION + SECTION.replace('"Agen"', '"agén"')
    with pytest.raises(ConfigError, match="ANVP « agén » est listée deux fois"):
        load_config(write_config(tmp_path, twice))
    other = SECTION + SECTION.replace('"ANVP"', '"Auxilia"')
    assert len(load_config(write_config(tmp_path, other)).sections) == 2


def test_a_toml_syntax_error_gives_the_place_in_french(tmp_path):
    bad = tmp_path / "b.toml"
    bad.write_text('[convention]\ndebut = 2021-01-01\nfin = "2023\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(bad)
    message = str(err.value)
    assert "n'est pas un fichier TOML valide (ligne 3, colonne" in message
    assert " at line" not in message and "Illegal" not in message and "Unterminated" not in message


def test_an_unreadable_configuration_is_french(tmp_path):
    with pytest.raises(ConfigError, match="Impossible de lire la configuration .* : c'est un dossier"):
        load_config(tmp_path)
    path = write_config(tmp_path / "c")
    (path.parent / "etablissements.csv").unlink()
    with pytest.raises(ConfigError, match="Impossible de lire le référentiel .* : fichier ou dossier introuvable"):
        load_config(path)


def test_config_errors_are_usage_errors_on_the_command_line(tmp_path):
    from click.testing import CliRunner

    from convention_xlsx.cli import main

    path = write_config(tmp_path, '[seuils]\njour_envoi = "soixante"\n')
    result = CliRunner().invoke(main, ["valider", str(tmp_path), "--config", str(path), "-q"])
    assert result.exit_code == 2 and "jour_envoi doit être un nombre entier" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, ValueError)
