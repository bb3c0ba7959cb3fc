"""``convention-xlsx consolider``: the monthly run — validate, consolidate, write the dashboard."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..atomic import scratch_path
from ..privacy import OUTPUT_PASSWORD_ENV, anonymise, encrypt_workbook
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
from .outputs import (
    carried_observations,
    check_bilan_year,
    dashboard_options,
    default_name,
    history_path,
    read_history,
    record_history,
)
from .printing import echo_report, read_folder

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
              help="Écrire aussi le rapport (comptes et anomalies) en JSON dans ce fichier.")
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
    from ..dashboard import write_dashboard
    from ..indicators import compute

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
    password = password_from_env(ask_password)
    output_password = output_password_from_env() if chiffrer else None
    if note:
        click.echo(note)
    cons = read_folder(dossier, config, arrete=day, today=today, password=password, quiet=quiet,
                       json_path=json_path)
    report = cons.report
    echo_report(report)
    if returns_dir is not None:  # before the dashboard, whose anomalies link to these copies
        from ..returns import write_returns

        with writing(returns_dir):
            cons.returns = write_returns(cons, dossier, returns_dir)
        click.echo(f"{len(cons.returns)} classeur(s) annoté(s) à renvoyer aux sections : {returns_dir}")
    shown = anonymise(cons) if anonymiser else cons
    db = history_path(output)
    figures = compute(shown, history=read_history(db), bilan_year=year)
    observations = carried_observations(previous, output, output_password)
    options = {"edition": edition, "observations": observations}
    if output_password:
        with writing(output), scratch_path(output.parent, ".xlsx") as plain:
            write_dashboard(shown, plain, figures, **options)
            encrypt_workbook(plain, output, output_password)
        click.echo(f"Tableau de bord chiffré écrit : {output} (arrêté au {day:%d/%m/%Y}).")
    else:
        with writing(output):
            write_dashboard(shown, output, figures, **options)
        click.echo(f"Tableau de bord écrit : {output} (arrêté au {day:%d/%m/%Y}).")
    if no_history:
        pass
    elif report.files_read == 0:
        click.echo("Historique : rien d'enregistré, car aucun classeur n'a pu être lu ; les chiffres "
                   f"déjà enregistrés pour {day:%m/%Y} sont gardés.")
    else:
        with writing(db):
            record_history(db, figures, cons)
    if pdf:
        with writing(output.with_suffix(".pdf")):
            write_summary_pdf(shown, figures, output.with_suffix(".pdf"), edition)
    if strict and not report.valid:
        raise SystemExit(1)


def write_summary_pdf(cons, figures, target: Path, edition: str) -> None:
    """``--pdf``: a missing LibreOffice is a message (exit 0), a failed conversion an error (exit 1)."""
    from ..pdf import LibreOfficeMissing, PdfError, write_pdf

    try:
        write_pdf(cons, figures, target, edition)
    except LibreOfficeMissing as err:
        click.echo(str(err))
        return
    except PdfError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"PDF des feuilles de synthèse écrit : {target}.")
