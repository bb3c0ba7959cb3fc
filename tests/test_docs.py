"""The generated documentation is up to date, and every command has French help."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from convention_xlsx.cli import main
from convention_xlsx.cli.reference import commands_markdown
from convention_xlsx.findings import CATALOGUE, catalogue_markdown

DOCS = Path(__file__).resolve().parents[1] / "docs"
REGENERATE = "régénérez avec : python -m convention_xlsx.cli.reference"


def test_codes_catalogue_is_generated_from_the_code():
    assert (DOCS / "codes.md").read_text("utf-8") == catalogue_markdown(), REGENERATE
    for code in CATALOGUE:
        assert f"`{code}`" in catalogue_markdown()


def test_commands_reference_is_generated_from_the_help():
    assert (DOCS / "commandes.md").read_text("utf-8") == commands_markdown(), REGENERATE


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_french_help(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Utilisation :" in result.output and "Afficher cette aide et quitter." in result.output
    command = main.commands[name]
    assert command.help and command.help.strip()
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"--{param.name} of {name} has no help"
