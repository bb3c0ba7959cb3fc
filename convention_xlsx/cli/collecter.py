"""``convention-xlsx collecter``: save the month's workbooks from the référent's mailbox."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from . import main
from .options import DateType, config_option, mail_password, mail_settings_from, open_config
from .printing import progress_bar


@main.command("collecter")
@click.argument("dossier", type=click.Path(file_okay=False, path_type=Path))
@click.option("--depuis", "since", type=DateType(),
              help="Ne regarder que les messages reçus depuis ce jour (AAAA-MM-JJ ou JJ/MM/AAAA) ; par défaut "
              "tout le dossier de la messagerie.")
@click.option("--quiet", "-q", is_flag=True, help="Ne pas afficher la barre de progression.")
@config_option
def collecter(dossier: Path, since: dt.date | None, quiet: bool, config_path: Path | None) -> None:
    """Enregistrer dans DOSSIER les classeurs reçus dans la messagerie du référent.

    Chaque classeur joint aux messages du dossier IMAP de [courriel] (.xlsx,
    .xlsm, .ods, .xls) est enregistré une seule fois : une pièce jointe déjà
    collectée (même contenu) est ignorée. La messagerie n'est jamais modifiée
    (aucun message marqué lu, déplacé ni supprimé) ; les autres pièces jointes
    sont ignorées, et aucun nom de pièce jointe ne peut écrire hors de DOSSIER.
    L'expéditeur, la date et l'objet de chaque classeur sont notés dans
    DOSSIER/.collecte.json : la commande consolider les reprend dans le
    manifeste. Le mot
    de passe est demandé, ou lu dans la variable
    CONVENTION_XLSX_MOT_DE_PASSE_COURRIEL (jamais sur la ligne de commande).
    """
    from ..mail import MailError
    from ..mail.collect import collect

    config = open_config(config_path)
    settings = mail_settings_from(config)
    password = mail_password(settings.user)
    with progress_bar(quiet, "Lecture des messages") as progress:
        try:
            result = collect(settings, password, dossier, since=since, progress=progress)
        except MailError as err:
            raise click.ClickException(str(err)) from err
    for saved in result.saved:
        record = saved.record
        origin = f" (pièce jointe « {saved.original} »)" if saved.original else ""
        click.echo(f"  + {record.name}{origin} — {record.sender or 'expéditeur inconnu'}")
    for note in result.notes:
        click.echo(f"Attention : {note}", err=True)
    click.echo(f"Messages lus : {result.messages} dans « {settings.folder} » ({settings.imap}).")
    click.echo(f"Classeurs : {len(result.saved)} enregistré(s) dans {dossier}, {result.duplicates} déjà collecté(s), "
               f"{result.too_large} trop volumineux ; autres pièces jointes ignorées : {result.others}"
               + (f" ; messages illisibles : {result.unreadable}" if result.unreadable else "") + ".")
    if result.log is not None:
        click.echo(f"Journal de la collecte : {result.log}")
