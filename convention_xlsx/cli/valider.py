"""``convention-xlsx valider``: check every section workbook of a folder, change nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from . import main
from .options import (
    config_option,
    input_options,
    open_config,
    password_from_env,
    refuse_inside,
    require_inputs,
    resolve_arrete,
)
from .printing import echo_report, read_folder


@main.command("valider")
@click.argument("dossier", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Écrire aussi le rapport (comptes et anomalies) en JSON dans ce fichier (« - » : à l'écran).")
@input_options
@config_option
def valider(dossier: Path, json_path: Path | None, quiet: bool, ask_password: bool,
            config_path: Path | None) -> None:
    """Valider les classeurs de section de DOSSIER (sous-dossiers compris).

    Affiche chaque anomalie avec son fichier, sa feuille et sa cellule, puis les
    comptes. Code de sortie : 0 sans erreur, 1 s'il reste au moins une erreur,
    2 en cas de mauvaise utilisation. Aucun fichier n'est modifié.
    """
    config = open_config(config_path)
    today = dt.date.today()
    arrete, _ = resolve_arrete(None, config, today)
    refuse_inside(json_path, dossier, "--json", "le rapport JSON")
    require_inputs(dossier)
    password = password_from_env(ask_password)
    report = read_folder(dossier, config, arrete=arrete, today=today, password=password, quiet=quiet,
                         json_path=json_path).report
    if json_path is None or str(json_path) != "-":
        verdict = ("Aucune erreur : les classeurs peuvent être consolidés." if report.valid
                   else f"{len(report.errors)} erreur(s) : les lignes concernées seront rejetées.")
        echo_report(report, verdict=verdict)
    raise SystemExit(0 if report.valid else 1)
