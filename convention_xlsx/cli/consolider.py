"""``convention-xlsx consolider``: the monthly run — validate, consolidate, write the dashboard."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import click

from ..privacy import OUTPUT_PASSWORD_ENV
from . import main
from .options import (
    DateType,
    config_option,
    input_options,
    open_config,
    output_password_from_env,
    password_from_env,
    refuse_inside,
    require_inputs,
    resolve_arrete,
    writing,
)
from .outputs import check_bilan_year, dashboard_options, default_name
from .printing import echo_report, progress_bar, write_json

OUTPUT_DIR = Path("sorties")


def default_output(arrete: dt.date, edition: str = "complete") -> Path:
    return OUTPUT_DIR / default_name(f"tableau_de_bord_{arrete:%Y-%m}", edition)


@main.command("consolider")
@click.argument("dossier", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--sortie", "output", type=click.Path(dir_okay=False, path_type=Path),
              help="Classeur .xlsx du tableau de bord à écrire, hors de DOSSIER (par défaut "
              "sorties/tableau_de_bord_AAAA-MM.xlsx).")
@click.option("--arrete", type=DateType(),
              help="Date d'arrêté des chiffres, AAAA-MM-JJ ou JJ/MM/AAAA, dans la période de la convention "
              "et au plus aujourd'hui (par défaut aujourd'hui, ou la fin de la convention si elle est passée).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Écrire aussi le rapport (comptes, anomalies, état de chaque section et son retour) en JSON "
              "dans ce fichier (voir docs/rapport.md), que lit la commande envoyer.")
@click.option("--retours", "returns_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Écrire dans ce dossier, hors de DOSSIER, pour chaque classeur en anomalie, une copie "
              "annotée à renvoyer à la section.")
@click.option("--strict", is_flag=True, help="Sortir avec le code 1 s'il reste au moins une erreur.")
@click.option("--anonymiser", is_flag=True,
              help="Remplacer les noms des bénévoles par leurs initiales dans le tableau de bord.")
@click.option("--chiffrer", is_flag=True,
              help=f"Protéger le tableau de bord par un mot de passe (demandé, ou la variable {OUTPUT_PASSWORD_ENV}).")
@dashboard_options
@input_options
@config_option
def consolider(dossier: Path, output: Path | None, arrete: dt.date | None, json_path: Path | None,
               returns_dir: Path | None, strict: bool, anonymiser: bool, chiffrer: bool, no_history: bool,
               bilan_year: int | None, previous: Path | None, edition: str, pdf: bool, quiet: bool,
               ask_password: bool, config_path: Path | None) -> None:
    """Consolider les classeurs de section de DOSSIER en un tableau de bord.

    Valide chaque classeur (comme « valider »), garde le plus récent de chaque
    section, puis écrit le tableau de bord des présidents. Chaque traitement
    enregistre ses chiffres du mois dans l'historique (historique.sqlite à côté
    du tableau de bord), d'où viennent la feuille Évolution et l'année N−1 du
    bilan ; les observations écrites par les référents dans le Bilan du tableau
    de bord précédent sont reprises. Les fichiers d'entrée ne sont jamais
    modifiés. Code de sortie : 0 si le tableau de bord est écrit, 1 avec
    --strict s'il reste une erreur, 2 en cas de mauvaise utilisation.
    """
    from ..run import RunError, RunOptions, consolidate_step, leftovers_note, output_lock, publish

    if pdf and chiffrer:
        raise click.UsageError("--pdf et --chiffrer ne vont pas ensemble : le PDF ne pourrait pas être protégé "
                               "par le mot de passe. Produisez le classeur chiffré sans --pdf.")
    if output is not None and output.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"le tableau de bord est un classeur Excel : donnez un nom en .xlsx (reçu {output}).",
                                 param_hint="-o")
    config = open_config(config_path)
    today = dt.date.today()
    day, note = resolve_arrete(arrete, config, today)
    year = check_bilan_year(bilan_year, config, day.year)
    output = output or default_output(day, edition)
    refuse_inside(output, dossier, "-o", "le tableau de bord")
    refuse_inside(returns_dir, dossier, "--retours", "le dossier des retours")
    refuse_inside(json_path, dossier, "--json", "le rapport JSON")
    require_inputs(dossier)
    options = RunOptions(
        output=output, arrete=day, today=today, returns_dir=returns_dir, anonymise=anonymiser, edition=edition,
        record_history=not no_history, bilan_year=year, previous=previous,
        input_password=password_from_env(ask_password),
        output_password=output_password_from_env() if chiffrer else None, pdf=pdf)
    if note:
        click.echo(note)
    with contextlib.ExitStack() as held:  # one run at a time on the output folder, from reading to the last write
        try:
            cleaned = held.enter_context(output_lock(options))
        except RunError as err:
            raise click.ClickException(str(err)) from err
        if cleaned:
            click.echo(leftovers_note(cleaned))
        with progress_bar(quiet) as progress:
            result = consolidate_step(dossier, config, options, progress)
        report = result.consolidation.report
        echo_report(report)
        try:
            publish(result, options)
        except RunError as err:
            raise click.ClickException(str(err)) from err
        finally:
            for line in result.warnings:
                click.echo(f"Attention : {line}", err=True)
            for line in result.notes:
                click.echo(line)
            if json_path is not None:  # after the returns, whose paths it gives (even when the run stopped)
                with writing(json_path):
                    write_json(result.to_json(), json_path)
    if strict and not report.valid:
        raise SystemExit(1)
