"""``convention-xlsx modele``: the blank or pre-filled section template."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import Config
from ..errors import describe_os_error
from ..template import TemplateError, write_template
from ..text import ascii_name
from . import main
from .options import config_option, open_config


def section_file_name(association: str, section: str) -> str:
    """A portable file name for a section's workbook: ``ANVP_Fleury-Merogis.xlsx``."""
    return f"{ascii_name(association)}_{ascii_name(section)}.xlsx"


_OPTION_OF = {"association": "--association", "establishment": "--etablissement"}


def _write(path: Path, config: Config, **prefill: object) -> None:
    try:
        write_template(path, config, **prefill)
    except TemplateError as err:
        option = _OPTION_OF.get(err.field)
        raise click.UsageError(f"{option} : {err}" if option else str(err)) from err
    except OSError as err:
        raise click.ClickException(f"Impossible d'écrire {path} : {describe_os_error(err)}.") from err


@main.command("modele")
@click.option(
    "-o",
    "--sortie",
    "output",
    required=True,
    type=click.Path(path_type=Path),
    metavar="FICHIER",
    help="Fichier .xlsx à écrire (ou dossier avec --toutes-sections).",
)
@click.option(
    "--association",
    default=None,
    metavar="ASSOCIATION",
    help="Pré-remplit l'association (une partie de la convention) dans la feuille qui dit qui envoie.",
)
@click.option("--section", "section", default=None, metavar="NOM", help="Pré-remplit le nom de la section.")
@click.option(
    "--etablissement",
    "establishments",
    multiple=True,
    metavar="CODE",
    help="Code d'un site du référentiel (un établissement…) suivi par la section (option répétable) : une "
    "ligne pré-remplie dans la feuille des sites. Par défaut, ceux de la section dans la configuration.",
)
@click.option(
    "--courriel",
    "email",
    default=None,
    metavar="ADRESSE",
    help="Courriel de la section (par défaut celui de la configuration).",
)
@click.option(
    "--toutes-sections",
    "all_sections",
    is_flag=True,
    help="Écrit dans le dossier -o un classeur pré-rempli par section attendue de la configuration.",
)
@config_option
def modele(
    output: Path,
    association: str | None,
    section: str | None,
    establishments: tuple[str, ...],
    email: str | None,
    all_sections: bool,
    config_path: Path | None,
) -> None:
    """Écrit le modèle de classeur à remplir par une section, vierge ou pré-rempli.

    \b
    Exemples :
      convention-xlsx modele -o rapport_section.xlsx
      convention-xlsx modele --association ANVP --section Nanterre \\
          --etablissement CP-NANTERRE -o ANVP_Nanterre.xlsx
      convention-xlsx modele --toutes-sections -o classeurs/
    """
    config = open_config(config_path)
    if all_sections:
        if association or section or establishments or email:
            raise click.UsageError(
                "--toutes-sections pré-remplit chaque classeur à partir de la configuration : "
                "ne l'utilisez pas avec --association, --section, --etablissement ou --courriel."
            )
        if output.exists() and not output.is_dir():
            raise click.UsageError(f"-o : {output} existe et n'est pas un dossier.")
        for expected in config.sections:
            path = output / section_file_name(expected.association, expected.name)
            _write(
                path,
                config,
                association=expected.association,
                section=expected.name,
                establishments=expected.establishments,
                email=expected.email or None,
            )
            click.echo(f"Modèle pré-rempli écrit : {path}")
        click.echo(f"{len(config.sections)} classeurs de section écrits dans {output}.")
        return
    if section and association and not establishments:
        expected = config.expected(association, section)
        establishments = expected.establishments if expected else ()
    _write(output, config, association=association, section=section, establishments=establishments, email=email)
    kind = "pré-rempli" if association or section or establishments or email else "vierge"
    count = len(config.spec.sheets)
    click.echo(f"Modèle {kind} écrit : {output} ({count} feuilles, version {config.spec.version}).")
