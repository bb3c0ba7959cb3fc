"""Options and steps of ``consolider`` around the dashboard: history, bilan year, observations, editions, PDF.

Each step calls the library and turns its outcome into French messages; nothing is computed here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pandas as pd

from ..config import Config
from ..dashboard.names import COMPLETE, EDITIONS, MEMBERS
from ..history import HISTORY_FILE, HistoryError, load, record_month
from ..indicators import Figures
from ..observations import CarriedObservations, find_previous, read_observations


def dashboard_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--sans-historique``, ``--annee-bilan``, ``--precedent``, ``--edition``, ``--pdf``."""
    options = [
        click.option("--pdf", is_flag=True,
                     help="Écrire aussi, à côté du classeur, un PDF des feuilles de synthèse (Synthèse, "
                     "Établissements, Par DISP, Suivi des envois, Bilan), avec LibreOffice s'il est installé."),
        click.option("--edition", type=click.Choice(EDITIONS), default=COMPLETE, show_default=True,
                     help="« complete » pour les présidents et référents ; « membres » pour les adhérents : "
                     "mêmes chiffres, sans noms de bénévoles, anomalies, mandats, manifeste ni coordonnées."),
        click.option("--precedent", "previous", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Tableau de bord précédent dont reprendre les observations des référents (par "
                     "défaut le plus récent tableau_de_bord_AAAA-MM.xlsx du dossier de sortie)."),
        click.option("--annee-bilan", "bilan_year", type=int, metavar="AAAA",
                     help="Année N du bilan, comparée à N−1 (par défaut l'année de l'arrêté)."),
        click.option("--sans-historique", "no_history", is_flag=True,
                     help=f"Ne rien enregistrer dans l'historique des traitements ({HISTORY_FILE} à côté du "
                     "tableau de bord) ; l'historique existant est seulement lu."),
    ]
    for option in options:
        func = option(func)
    return func


def check_bilan_year(year: int | None, config: Config, arrete_year: int) -> int:
    """The bilan's year, or a French usage error when it is outside the convention up to the arrêté."""
    first = config.period_start.year
    last = min(config.period_end.year, arrete_year)
    if year is None:
        return arrete_year
    if not first <= year <= last:
        raise click.BadParameter(f"l'année du bilan doit être comprise entre {first} et {last} (la convention "
                                 "jusqu'à l'arrêté).", param_hint="--annee-bilan")
    return year


def default_name(stem: str, edition: str) -> str:
    return f"{stem}_{MEMBERS}.xlsx" if edition == MEMBERS else f"{stem}.xlsx"


def history_path(output: Path) -> Path:
    return output.parent / HISTORY_FILE


def read_history(db: Path) -> pd.DataFrame | None:
    try:
        return load(db)
    except HistoryError as err:
        click.echo(f"Attention : {err}", err=True)
        return None


def record_history(db: Path, figures: Figures, cons) -> None:
    try:
        month = record_month(db, figures, cons.report)
    except HistoryError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"Historique : chiffres de {month[5:]}/{month[:4]} enregistrés dans {db}.")


def carried_observations(previous: Path | None, output: Path, password: str | None) -> CarriedObservations | None:
    """What the référents wrote in the previous dashboard (with a French line saying what was found)."""
    source = previous or find_previous(output.parent, output)
    if source is None:
        return None
    carried = read_observations(source, password)
    for note in carried.notes:
        click.echo(f"Attention : {note}", err=True)
    if len(carried):
        click.echo(f"Observations des référents reprises de {source} : {len(carried)}.")
    return carried
