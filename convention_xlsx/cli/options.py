"""Options and helpers shared by several commands."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from ..config import Config, ConfigError, load_config
from ..errors import ArreteError, describe_os_error


def config_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--config FICHIER``: the convention's configuration (default: modeles/convention.toml)."""
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Fichier de configuration de la convention (par défaut modeles/convention.toml "
        "s'il existe, sinon la configuration livrée).",
    )(func)


def open_config(path: Path | None) -> Config:
    """Load the configuration, turning a configuration problem into a French usage error."""
    if path is not None and not path.is_file():
        raise click.BadParameter(f"le fichier {path} n'existe pas.", param_hint="--config")
    try:
        return load_config(path)
    except ConfigError as err:
        raise click.UsageError(str(err)) from err


PASSWORD_ENV = "CONVENTION_XLSX_MOT_DE_PASSE"


def input_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options of the commands that read section workbooks."""
    func = click.option("--quiet", "-q", is_flag=True, help="Ne pas afficher la barre de progression.")(func)
    func = click.option(
        "--mot-de-passe", "ask_password", is_flag=True,
        help=f"Demander le mot de passe des classeurs protégés (sinon la variable {PASSWORD_ENV}). "
        "Le mot de passe n'est jamais passé sur la ligne de commande.",
    )(func)
    return func


def password_from_env(ask: bool) -> str | None:
    """The password of protected inputs: asked at a prompt, or from the environment."""
    if ask:
        return click.prompt("Mot de passe des classeurs protégés", hide_input=True, err=True)
    return os.environ.get(PASSWORD_ENV) or None


def output_password_from_env() -> str:
    """The password that protects the dashboard: the environment, else a prompt (asked twice)."""
    from ..privacy import OUTPUT_PASSWORD_ENV

    password = os.environ.get(OUTPUT_PASSWORD_ENV)
    if password:
        return password
    if not sys.stdin or not sys.stdin.isatty():
        raise click.UsageError(
            f"--chiffrer : donnez le mot de passe par la variable {OUTPUT_PASSWORD_ENV} "
            "(aucune invite possible ici)."
        )
    return click.prompt("Mot de passe du tableau de bord", hide_input=True, confirmation_prompt=True, err=True)


class DateType(click.ParamType):
    """A day written AAAA-MM-JJ or JJ/MM/AAAA, with a French error (click.DateTime shows ``%Y-%m-%d``)."""

    name = "AAAA-MM-JJ"
    FORMATS = ("%Y-%m-%d", "%d/%m/%Y")

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return self.name

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        for fmt in self.FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        self.fail(f"« {value} » n'est pas une date : écrivez AAAA-MM-JJ ou JJ/MM/AAAA.", param, ctx)


def resolve_arrete(given: dt.date | None, config: Config, today: dt.date) -> tuple[dt.date, str]:
    """The date of arrêté and a note to print: ``--arrete`` checked against the convention's
    period up to today, or the default (today, or the convention's end once it is over)."""
    try:
        default, note = _default_arrete(config, today)
    except ArreteError as err:
        raise click.UsageError(str(err)) from err
    if given is None:
        return default, note
    last = min(config.period_end, today)
    if not config.period_start <= given <= last:
        why = "la période de la convention" if last == config.period_end else "du début de la convention à aujourd'hui"
        raise click.BadParameter(
            f"l'arrêté du {given:%d/%m/%Y} n'est pas possible : choisissez une date entre le "
            f"{config.period_start:%d/%m/%Y} et le {last:%d/%m/%Y} ({why}).",
            param_hint="--arrete",
        )
    return given, ""


def _default_arrete(config: Config, today: dt.date) -> tuple[dt.date, str]:
    from ..consolidate import default_arrete

    return default_arrete(config, today)


def require_inputs(folder: Path) -> None:
    """A French error (exit 1) when ``folder`` holds no candidate workbook at all."""
    from ..reading.files import list_inputs

    try:
        candidates, _ = list_inputs(folder)
    except OSError as err:
        raise click.ClickException(f"Impossible de lire le dossier {folder} : {describe_os_error(err)}.") from err
    if not candidates:
        raise click.ClickException(
            f"Aucun classeur trouvé dans {folder} (sous-dossiers compris) : vérifiez le dossier."
        )


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies below it, once both are resolved (links, ``..``)."""
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def refuse_inside(path: Path | None, folder: Path, option: str, what: str) -> None:
    """An output inside the input folder would be read as an input the next time: refuse it."""
    if path is not None and str(path) != "-" and inside(path, folder):
        raise click.BadParameter(
            f"{what} ({path}) serait dans le dossier des classeurs {folder}, où il serait lu comme un "
            "classeur de section la prochaine fois : choisissez un emplacement hors de ce dossier.",
            param_hint=option,
        )


@contextlib.contextmanager
def writing(path: Path) -> Iterator[None]:
    """Turn a system error while writing ``path`` into a French error naming it (exit 1)."""
    try:
        yield
    except OSError as err:
        if err.errno == errno.EPIPE:  # standard output closed early (``| head``): click handles it
            raise
        raise click.ClickException(f"Impossible d'écrire {path} : {describe_os_error(err)}.") from err


def mail_settings_from(config: Config):
    """The ``[courriel]`` settings, a configuration problem being a French usage error (exit 2)."""
    from ..mail.settings import MailConfigError, mail_settings

    try:
        return mail_settings(config)
    except MailConfigError as err:
        raise click.UsageError(str(err)) from err


def mail_password(user: str) -> str:
    """The mailbox password: the environment variable, else a hidden prompt (never an option)."""
    from ..mail import PASSWORD_ENV

    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    if not sys.stdin or not sys.stdin.isatty():
        raise click.UsageError(f"Donnez le mot de passe de la messagerie par la variable {PASSWORD_ENV} "
                               "(aucune invite possible ici).")
    return click.prompt(f"Mot de passe de la messagerie ({user})", hide_input=True, err=True)
