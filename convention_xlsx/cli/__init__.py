"""The command-line interface: parses options, calls the library, prints French messages.

Only this package imports click or prints. Each command lives in its own module and
is registered on :data:`main` below; domain errors become ``click.ClickException``
(exit 1) or ``click.UsageError`` (exit 2) here, never a traceback. A system error
that no command caught (an unwritable folder, a full disk) is turned into a French
error by :class:`Commands`, the group of all commands.
"""

from __future__ import annotations

import datetime as dt
import errno
import tempfile
import traceback
from pathlib import Path
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
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as err:  # a bug of ours: a French message, the traceback in a file
            raise click.ClickException(unexpected_error_message(err)) from err


def unexpected_error_message(err: Exception) -> str:
    """Keep the technical detail out of the référent's way, but keep it."""
    report = Path(tempfile.gettempdir()) / f"convention-xlsx-erreur-{dt.datetime.now():%Y%m%d-%H%M%S}.txt"
    try:
        report.write_text("".join(traceback.format_exception(err)), encoding="utf-8")
        where = f" Le détail technique est dans {report} : transmettez-le à qui maintient l'outil."
    except OSError:
        where = ""
    return f"Erreur inattendue ({type(err).__name__}) : le traitement s'est arrêté.{where}"


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
    « collecter » prend les classeurs reçus dans la messagerie du référent,
    « envoyer » renvoie à chaque section son retour annoté et ses relances.
    « demo » montre toute la chaîne sur des données fictives.
    """


def _register() -> None:
    from . import collecter, consolider, demo, envoyer, modele, valider  # noqa: F401  (each adds its command)


_register()
