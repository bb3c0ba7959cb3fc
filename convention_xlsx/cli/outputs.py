"""Options of ``consolider`` around the dashboard: history, bilan year, observations, editions, PDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..config import Config
from ..dashboard.registry import COMPLETE, EDITIONS, MEMBERS
from ..history import HISTORY_FILE


def dashboard_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--sans-historique``, ``--annee-bilan``, ``--precedent``, ``--edition``, ``--pdf``."""
    options = [
        click.option("--pdf", is_flag=True,
                     help="Écrire aussi, à côté du classeur, un PDF des feuilles de synthèse (Synthèse, les sites "
                     "et leurs groupes, Changements, Suivi des envois, Bilan, Recommandations), avec LibreOffice "
                     "s'il est installé."),
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
