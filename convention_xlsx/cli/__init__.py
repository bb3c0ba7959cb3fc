"""The command-line interface: parses options, calls the library, prints French messages.

Only this package imports click or prints. Each command lives in its own module and
is registered on :data:`main` below; domain errors become ``click.ClickException``
(exit 1) or ``click.UsageError`` (exit 2) here, never a traceback. A system error
that no command caught (an unwritable folder, a full disk) is turned into a French
error by :class:`Commands`, the group of all commands.
"""

from __future__ import annotations

import errno
from typing import Any

import click

from .. import __version__
from ..errors import describe_os_error
from . import french

french.install()

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Commands(click.Group):
    """The group of commands; running any of them never shows a traceback for a system error."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as err:  # Ctrl-C: "Interrompu." (see french.py), exit 1
            raise click.Abort() from err
        except OSError as err:
            if err.errno == errno.EPIPE:  # standard output closed early (``| head``): click handles it
                raise
            raise click.ClickException(os_error_message(err)) from err


def os_error_message(err: OSError) -> str:
    """A French sentence for a system error, naming the file(s) when the error carries them."""
    reason = describe_os_error(err)
    if err.filename is not None and err.filename2 is not None:
        return f"Opération impossible sur {err.filename} et {err.filename2} : {reason}."
    if err.filename is not None:
        return f"Opération impossible sur {err.filename} : {reason}."
    return f"Opération impossible : {reason}."


@click.group(cls=Commands, context_settings=CONTEXT, options_metavar="[OPTIONS]",
             subcommand_metavar="COMMANDE [ARGUMENTS]...")
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
