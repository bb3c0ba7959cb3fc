"""The command-line interface: parses options, calls the library, prints French messages.

Only this package imports click or prints. Each command lives in its own module and
is registered on :data:`main` below; domain errors become ``click.ClickException``
(exit 1) or ``click.UsageError`` (exit 2) here, never a traceback.
"""

from __future__ import annotations

import click

from .. import __version__
from . import french

french.install()

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT, options_metavar="[OPTIONS]", subcommand_metavar="COMMANDE [ARGUMENTS]...")
@click.version_option(__version__, "--version", message="convention-xlsx %(version)s")
def main() -> None:
    """Tableau de bord du partenariat ANVP – Auxilia.

    \b
    Chaque section remplit un classeur standard (commande « modele »),
    le référent le valide (« valider ») et consolide chaque mois tous les
    classeurs en un tableau de bord pour les présidents (« consolider »).
    « demo » montre toute la chaîne sur des données fictives.
    """


def _register() -> None:
    from . import consolider, demo, modele, valider  # noqa: F401  (each module adds its command to main)


_register()
