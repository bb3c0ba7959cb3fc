"""Options and helpers shared by several commands."""

from __future__ import annotations

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
