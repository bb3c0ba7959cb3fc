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
