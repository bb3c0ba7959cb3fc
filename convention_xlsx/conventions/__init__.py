"""What a convention needs beyond its data: a small package per convention, named by its configuration.

Most of a convention is data (its workbook, its indicators, its référentiel). What cannot be said in data
lives in ``convention_xlsx.conventions.<name>`` (``[convention] extension = "<name>"``), which may define:

- ``prepare_tables(tables, spec) -> tables``: reshape the consolidated tables before the figures (merge a
  volunteer listed by both parties…);
- ``row_rules(sheet, row, period, spec) -> Iterator[RowIssue]``: rules of one row beyond the declared ones;
- ``site_columns(sites, tables, spec, arrete) -> sites``: columns of the sites table beyond the declared ones,
  ``site_labels``: their headers, ``site_printed``: those of them in the printed part of the sites sheet;
  a ``presence_check`` column (text: why a site's presence needs checking) is counted in the Synthèse's
  « Fiabilité des chiffres ».

A convention without an extension gets the engine alone; the engine names no party.
"""

from __future__ import annotations

import functools
import importlib
from types import SimpleNamespace


def _same(tables, spec):
    return tables


def _no_rules(sheet, row, period, spec):
    return iter(())


def _sites_as_they_are(sites, tables, spec, arrete):
    return sites


DEFAULTS = {"prepare_tables": _same, "row_rules": _no_rules, "site_columns": _sites_as_they_are, "site_labels": {},
            "site_printed": frozenset()}


@functools.lru_cache(maxsize=8)
def load(name: str) -> SimpleNamespace:
    """The hooks of extension ``name`` ("" for none), each falling back to doing nothing."""
    module = importlib.import_module(f"{__name__}.{name}") if name else None
    return SimpleNamespace(**{hook: getattr(module, hook, default) for hook, default in DEFAULTS.items()})
