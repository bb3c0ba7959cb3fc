"""``convention-xlsx envoyer``: send each section its return and its reminder, once."""

from __future__ import annotations

from pathlib import Path

import click

from . import main
from .options import config_option, mail_password, mail_settings_from, open_config
from .printing import progress_bar


@main.command("envoyer")
@click.argument("rapport", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--essai", is_flag=True,
              help="Écrire les messages (.eml, à ouvrir dans la messagerie) sans rien envoyer ni rien enregistrer.")
@click.option("--quiet", "-q", is_flag=True, help="Ne pas afficher la barre de progression.")
@config_option
def envoyer(rapport: Path, essai: bool, quiet: bool, config_path: Path | None) -> None:
    """Envoyer à chaque section son retour annoté et ses relances, d'après RAPPORT.

    RAPPORT est le JSON écrit par consolider --retours RETOURS --json RAPPORT. Chaque
    section qui a un retour le reçoit en pièce jointe avec la liste de ce qu'il
    faut corriger ; une section en retard ou manquante reçoit une relance ; les
    deux en un seul message s'il le faut. L'adresse est toujours le courriel de
    la section dans la configuration. Chaque message est aussi écrit en .eml
    dans le dossier RAPPORT_courriels à côté du rapport. Ce qui est parti est
    noté dans envois.sqlite à côté du rapport : relancer la commande ne renvoie
    rien, et après une coupure seuls les messages non partis sont envoyés. Le mot
    de passe est demandé, ou lu dans la variable
    CONVENTION_XLSX_MOT_DE_PASSE_COURRIEL. Code de sortie : 0 si tout est
    parti, 1 si un message n'a pas pu partir.
    """
    from ..mail import MailError
    from ..mail.plan import plan_messages
    from ..mail.send import deliver, prepare

    config = open_config(config_path)
    settings = mail_settings_from(config)
    try:
        plan = plan_messages(rapport, config)
        result = prepare(plan, config, settings, trial=essai)
    except MailError as err:
        raise click.ClickException(str(err)) from err
    for note in plan.skipped:
        click.echo(f"Attention : {note}", err=True)
    already = f"déjà envoyé(s) auparavant : {len(result.already)}"
    if essai:
        for prepared in result.pending:
            click.echo(f"  · {_label(prepared.outgoing)} → {prepared.outgoing.address}")
        click.echo(f"Essai : {len(result.pending)} message(s) écrit(s) dans {result.outbox}, rien n'a été envoyé "
                   f"({already}).")
        return
    if not result.pending:
        click.echo(f"Rien à envoyer : {already} (registre {result.ledger}).")
        return
    password = mail_password(settings.user)
    with progress_bar(quiet, "Envoi des messages") as progress:
        try:
            deliver(result, config, settings, password, progress=progress)
        except MailError as err:
            _echo_outcome(result)
            raise click.ClickException(str(err)) from err
    _echo_outcome(result)
    unsent = len(result.unsent) + len(result.failed)
    if result.stopped:
        raise click.ClickException(f"{result.stopped} {unsent} message(s) ne sont pas partis : relancez « envoyer » "
                                   "plus tard, seuls ceux-là seront envoyés.")
    if result.failed:
        raise click.ClickException(f"{len(result.failed)} message(s) refusé(s) par le serveur : vérifiez les "
                                   "adresses dans la configuration, puis relancez « envoyer ».")


def _echo_outcome(result) -> None:
    for prepared in result.sent:
        click.echo(f"  ✓ {_label(prepared.outgoing)} → {prepared.outgoing.address}")
    for prepared, reason in result.failed:
        click.echo(f"  ✗ {_label(prepared.outgoing)} → {prepared.outgoing.address} : {reason}", err=True)
    click.echo(f"Envoyé(s) : {len(result.sent)} ; déjà envoyé(s) auparavant : {len(result.already)} ; refusé(s) : "
               f"{len(result.failed)} ; non envoyé(s) : {len(result.unsent)}. Messages : {result.outbox} ; "
               f"registre : {result.ledger}.")


def _label(outgoing) -> str:
    parts = []
    if outgoing.attachment is not None:
        parts.append("retour")
    if outgoing.remind:
        parts.append(f"relance ({outgoing.state})")
    return f"{outgoing.association} {outgoing.section} : {' et '.join(parts)}"
