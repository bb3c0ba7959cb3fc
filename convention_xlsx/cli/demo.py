"""``convention-xlsx demo``: the whole chain on fictitious data at national scale, in one command."""

from __future__ import annotations

import collections
import datetime as dt
from pathlib import Path

import click

from ..dashboard.registry import COMPLETE, EDITIONS
from ..errors import describe_os_error
from . import main
from .options import config_option, open_config, refuse_inside, resolve_arrete
from .printing import echo_counts, progress_bar

DEMO_DIR = Path("sorties") / "demo"
KIND_LABELS = {
    "liste": "valeur hors de la liste déroulante",
    "code": "commune saisie à la place du code établissement",
    "negatif": "nombre négatif",
    "annee": "année erronée (hors période)",
    "mandat": "mandat qui finit avant de commencer",
}
SHOWN = 5


@main.command("demo")
@click.option("--entrees", "inputs", type=click.Path(file_okay=False, path_type=Path),
              default=DEMO_DIR / "entrees", show_default=True,
              help="Dossier où écrire les classeurs de démonstration (les classeurs d'une démonstration "
              "précédente y sont d'abord supprimés, rien d'autre). La configuration de la démonstration "
              "est écrite à côté : convention.toml dans le dossier parent.")
@click.option("-o", "--sortie", "output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("sorties") / "tableau_de_bord_demo.xlsx", show_default=True,
              help="Tableau de bord à écrire, hors du dossier --entrees.")
@click.option("--sections", type=click.IntRange(min=6), default=None,
              help="Nombre de sections attendues (par défaut l'échelle nationale, la plus grande possible : "
              "environ 260).")
@click.option("--graine", type=int, default=1, show_default=True,
              help="Graine du tirage aléatoire : la même graine donne les mêmes classeurs.")
@click.option("--pdf", is_flag=True,
              help="Écrire aussi le PDF des feuilles de synthèse à côté du tableau de bord (LibreOffice).")
@click.option("--edition", type=click.Choice(EDITIONS), default=COMPLETE, show_default=True,
              help="complete (présidents, référents) ou membres (sans aucun nom ni anomalie).")
@click.option("--quiet", "-q", is_flag=True, help="Ne pas afficher les barres de progression.")
@config_option
def demo(inputs: Path, output: Path, sections: int | None, graine: int, pdf: bool, edition: str, quiet: bool,
         config_path: Path | None) -> None:
    """Générer des classeurs de section fictifs, les consolider et écrire le tableau de bord.

    Les classeurs sont remplis à partir du vrai modèle, comme le ferait un bénévole, avec
    quelques pour cent d'erreurs réalistes (valeurs mal orthographiées, codes inconnus,
    nombres négatifs…), une section en retard, une section manquante et une section qui
    a envoyé deux fois son classeur. Aucune personne réelle, jamais une personne détenue.
    """
    from ..demo.files import DemoError
    from ..demo.run import run_demo
    from ..run import RunError

    refuse_inside(output, inputs, "-o", "le tableau de bord")
    base = open_config(config_path)
    today = dt.date.today()
    _, note = resolve_arrete(None, base, today)  # the convention must have started: a French usage error otherwise
    try:
        with progress_bar(quiet, "Écriture des classeurs") as writing_bar, progress_bar(quiet) as reading_bar:
            result = run_demo(base, inputs, output, seed=graine, sections=sections, today=today,
                              writing=writing_bar, reading=reading_bar, pdf=pdf, edition=edition)
    except (DemoError, RunError) as err:
        raise click.ClickException(str(err)) from err
    except OSError as err:
        raise click.ClickException(f"Impossible d'écrire la démonstration dans {inputs} : "
                                   f"{describe_os_error(err)}.") from err
    plan, report = result.plan, result.month.consolidation.report
    if plan.size_note():
        click.echo(plan.size_note())
    click.echo(f"{len(plan.workbooks)} classeurs de démonstration écrits dans {inputs} en "
               f"{result.seconds['ecriture']:.0f} s (graine {graine}, {len(plan.expected)} sections attendues, "
               f"configuration {result.config_file}).")
    if note:
        click.echo(note)
    _echo_summary(plan, report)
    echo_counts(report)
    for note in result.month.notes:
        if not note.startswith("Tableau de bord"):
            click.echo(note)
    click.echo(f"Tableau de bord écrit : {output} (arrêté au {result.month.consolidation.arrete:%d/%m/%Y}, "
               f"{result.seconds['total']:.0f} s en tout).")
    click.echo(f"Pour le détail des anomalies : convention-xlsx valider {inputs} --config {result.config_file}")


def _echo_summary(plan, report) -> None:
    """What the demo planted and what the consolidation found: a few lines, not thousands."""
    kinds = collections.Counter(m.kind for m in plan.mistakes)
    planted = ", ".join(f"{count} {KIND_LABELS[kind]}" for kind, count in kinds.most_common())
    click.echo(f"Erreurs semées : {planted}.")
    click.echo(f"Section manquante : {plan.missing} ; section en retard : {plan.late} ; "
               f"envoyée deux fois : {plan.twice[0]} (ignoré) et {plan.twice[1]} (retenu).")
    codes = collections.Counter(f.code for f in report.findings)
    click.echo(f"Anomalies trouvées : {len(report.errors)} erreur(s), {len(report.warnings)} avertissement(s) — "
               + ", ".join(f"{code} {count}" for code, count in codes.most_common()) + ".")
    shown = {}
    for finding in report.errors:
        shown.setdefault(finding.code, finding)
    for finding in list(shown.values())[:SHOWN]:
        where = " › ".join(x for x in (finding.file, finding.sheet, finding.cell) if x)
        hint = f" (suggestion : {finding.suggestion})" if finding.suggestion else ""
        click.echo(f"  [{finding.code}] {where} : « {finding.value} »{hint}")
