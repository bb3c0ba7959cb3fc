"""The generated documentation is up to date, and every command has French help."""

from __future__ import annotations

import re
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


def test_workbook_reference_is_generated_from_its_description():
    from convention_xlsx.model_docs import model_markdown
    from convention_xlsx.spec import default_spec

    text = model_markdown(default_spec())
    assert (DOCS / "modele.md").read_text("utf-8") == text, REGENERATE
    for sheet in default_spec().table_sheets:  # every sheet, every header, every dropdown value
        assert f"## {sheet.name}" in text
        for col in sheet.columns:
            assert col.label in text
            assert all(v in text for v in col.allowed[:12])


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


def test_the_engine_spells_no_header_dropdown_value_or_party_of_a_convention():
    """No workbook header, dropdown value or party name is written in the package's code (docstrings and
    comments aside): they all come from the convention's data files."""
    import ast

    from convention_xlsx.spec import default_spec

    spec = default_spec()
    common = {"Oui", "Non", "Autre", "Date", "Nom", "Section", "Avec", "Public", "Lieu", "Statut", "Objet", "Mois",
              "Radio", "Commun", "Privé", "Description", "Commentaire", "Courriel", "Association", "Thème", "Titre",
              "Rôle", "Prénom", "Support", "Financement", "Intitulé", "Financeur", "Émetteur", "Nature", "Code", "Type",
              "Action"}
    words = {spec.sheet(s.key).name for s in spec.table_sheets} | set(spec.party_names)
    for sheet in spec.sheets:
        for col in sheet.columns:
            words |= {col.label, *col.choices, *col.aliases}
    words -= common
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in sorted(words, key=len, reverse=True)))
    found = []
    for path in sorted((Path(__file__).resolve().parents[1] / "convention_xlsx").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        docs = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                hit = pattern.search(node.value)
                if hit:
                    found.append(f"{path.name}:{node.lineno} « {hit.group()} »")
    assert not found, found
