"""Options and helpers shared by several commands."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..config import Config, ConfigError, load_config


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
