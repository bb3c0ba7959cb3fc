"""Writing the demo: its configuration (TOML, next to the inputs) and its workbooks, through the template.

The workbooks are written in the reading pool's child processes (:func:`..reading.pool.read_many`
with a writer in place of the reader: one pool mechanism for the project, chunks of files, both
cores, progress in this process). Each child builds the template once and keeps it: filling and
saving is then the whole cost of a file (see ``bench/README.md`` for the measurements).

Only files the demo wrote are ever removed: their names are listed in the demo's configuration
(``[demo] fichiers``), which starts with :data:`MARKER`; a configuration without it is never
overwritten.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import traceback
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path

import openpyxl

from .. import template
from ..atomic import write_text
from ..config import Config, load_config, tomllib
from ..reading.limits import DEFAULT_LIMITS, Limits
from ..reading.model import FileInfo, ReadFailure
from ..reading.pool import read_many
from ..schema import Kind, Sheet, Spec
from . import DemoPlan, DemoWorkbook

MARKER = "# Configuration de démonstration écrite par « convention-xlsx demo »"


class DemoError(Exception):
    """The demo cannot write where it was asked to; the message is French."""


def data_path(source: str, packaged: str) -> Path:
    """The file a configuration read (``source``), or the package's copy when it read that one."""
    if source and Path(source).is_file():
        return Path(source).resolve()
    return Path(str(resources.files("convention_xlsx").joinpath(f"data/{packaged}"))).resolve()


def referentiel_path(config: Config) -> Path:
    """The active configuration's référentiel file, or the one shipped with the package."""
    return data_path(config.referentiel.source, "etablissements.csv")


def _toml(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string or list of strings is valid TOML


def config_text(plan: DemoPlan, base: Config) -> str:
    """The demo's configuration: the active one's period, référents and thresholds, the demo's sections."""
    lines = [
        MARKER,
        f"# Graine {plan.seed} : {len(plan.expected)} sections attendues, {len(plan.workbooks)} classeurs.",
        "# Relancer « convention-xlsx demo » la réécrit ; pour vos vraies sections, partez de",
        "# modeles/convention.toml.",
        "",
        "[convention]",
        f"titre = {_toml(base.title)}",
        f"debut = {base.period_start.isoformat()}",
        f"fin = {base.period_end.isoformat()}",
        f"classeur = {_toml(str(data_path(base.spec.source, 'classeur.toml')))}",
    ]
    if base.dashboard is not None and base.dashboard.indicators:
        lines.append(f"indicateurs = {_toml(str(data_path(base.dashboard.source, 'indicateurs.toml')))}")
    if base.extension:
        lines.append(f"extension = {_toml(base.extension)}")
    ref = base.referentiel
    lines += ["", "[referentiel]", f"fichier = {_toml(str(referentiel_path(base)))}",
              f"groupe = {_toml(ref.group_column)}", f"libelle_site = {_toml(ref.site_label)}",
              f"libelle_groupe = {_toml(ref.group_label)}"]
    if ref.date:
        lines.append(f"date = {_toml(ref.date)}")
    lines += ["", "[referents]"]
    lines += [f"{name} = {_toml(mail)}" for name, mail in base.referents.items()]
    lines += ["", "[seuils]", f"mandat_expiration_jours = {base.mandate_expiry_days}",
              f"jour_envoi = {base.report_day}", ""]
    for s in plan.expected:
        lines += ["[[sections]]", f"association = {_toml(s.association)}", f"nom = {_toml(s.name)}",
                  f"etablissements = {_toml(list(s.establishments))}", f"courriel = {_toml(s.email)}", ""]
    lines += ["[demo]", f"graine = {plan.seed}", f"fichiers = {_toml(plan.files)}", ""]
    return "\n".join(lines)


def previous_files(config_path: Path) -> list[str]:
    """The files a previous demo wrote, from its configuration; DemoError if the file is not the demo's."""
    if not config_path.exists():
        return []
    try:
        text = config_path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise DemoError(f"Impossible de lire {config_path} : {err}.") from err
    if not text.startswith(MARKER):
        raise DemoError(
            f"{config_path} existe et n'a pas été écrit par la démonstration : il n'est pas remplacé. "
            "Choisissez un autre dossier avec --entrees."
        )
    try:
        names = tomllib.loads(text).get("demo", {}).get("fichiers", [])
    except tomllib.TOMLDecodeError:
        return []
    return [n for n in names if isinstance(n, str) and Path(n).name == n]


def clear_previous(folder: Path, config_path: Path) -> int:
    """Remove the workbooks a previous demo wrote in ``folder`` (and nothing else); how many."""
    removed = 0
    for name in previous_files(config_path):
        path = folder / name
        if path.is_file():
            path.unlink()
            removed += 1
    return removed


def write_config(plan: DemoPlan, base: Config, config_path: Path) -> Config:
    """Write the demo's configuration and load it back (the consolidation uses exactly that file)."""
    write_text(config_path, config_text(plan, base))
    return load_config(config_path)


def write_workbooks(plan: DemoPlan, folder: Path, config: Config, workers: int | None = None,
                    progress: Callable[[int, int], None] | None = None) -> list[Path]:
    """Write every workbook of ``plan`` into ``folder`` in the reading pool's children."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / w.file for w in plan.workbooks]
    writer = functools.partial(write_in_child, config, {w.file: w for w in plan.workbooks})
    results = read_many(paths, root=folder, workers=workers, progress=progress, reader=writer)
    failed = [r for r in results if isinstance(r, ReadFailure)]
    if failed:
        raise DemoError(f"{len(failed)} classeur(s) de démonstration n'ont pas pu être écrits : "
                        f"{failed[0].info.path} : {failed[0].reason}")
    return paths


_BLANK: dict[tuple, openpyxl.Workbook] = {}
"""The blank template of this process, built once (keyed by what it depends on in the configuration)."""


def write_in_child(config: Config, specs: dict[str, DemoWorkbook], path: Path, root: Path | None,
                   password: str | None, limits: Limits = DEFAULT_LIMITS) -> FileInfo | ReadFailure:
    """Write one workbook (run in a pool child, with the signature of the pool's readers)."""
    try:
        write_workbook(specs[path.name], path, config)
        return FileInfo(path=path.name, size=path.stat().st_size, modified=dt.datetime.now())
    except Exception:  # noqa: BLE001 - the child must report, not die: the parent raises DemoError
        return ReadFailure(FileInfo(path=path.name), "fichier-illisible", traceback.format_exc(limit=3))


def write_workbook(spec: DemoWorkbook, path: Path, config: Config) -> None:
    """Fill the template as the section's volunteer would, and save it.

    The blank template is built once per process and emptied again after each file
    (measured per workbook of the default demo: building it each time 58 ms, re-loading it
    from bytes 69 ms, ``copy.deepcopy`` fails on openpyxl's shared styles, reusing it 34 ms).
    """
    key = (config.title, config.period_start, config.period_end, tuple(config.referents.items()),
           config.report_day, config.referentiel.establishments)
    wb = _BLANK.get(key)
    if wb is None:
        _BLANK.clear()
        wb = _BLANK[key] = _blank(config)
    section = {"association": spec.association, "section_name": spec.section, "email": spec.email,
               "editor": spec.editor, "updated": spec.updated}
    try:
        template.fill_workbook(wb, config.spec, section=section, tables=spec.tables)
        template.save_workbook(wb, path)
    finally:
        _empty(wb, config.spec)


def _blank(config: Config) -> openpyxl.Workbook:
    """The blank template, in the state it keeps after any number of fills and saves.

    openpyxl adds a cell style the first time a combination is used and sets a few sheet
    attributes on the first save: one sample row of every sheet and one save in memory first,
    so that a file's bytes do not depend on which files the same process wrote before it.
    """
    wb = template.build_template(config)
    spec = config.spec
    sample = {"association": spec.party_names[0], "section_name": "-", "email": "-", "editor": "-",
              "updated": config.period_start}
    rows = {sheet.key: [_sample_row(sheet, config)] for sheet in spec.table_sheets}
    template.fill_workbook(wb, spec, section=sample, tables=rows)
    _empty(wb, spec)
    template.fill_workbook(wb, spec, section=sample, tables={})
    wb.save(io.BytesIO())
    wb.properties.modified = template.FIXED_TIMESTAMP  # wb.save stamped it; template.save_workbook does not
    return wb


def _sample_row(sheet: Sheet, config: Config) -> dict[str, object]:
    values = {Kind.DATE: config.period_start, Kind.MONTH: config.period_start, Kind.COUNT: 1, Kind.AMOUNT: 1.5,
              Kind.DECIMAL: 1.5}
    return {c.key: values.get(c.kind, "-") for c in sheet.data_columns}


def _empty(wb: openpyxl.Workbook, spec: Spec) -> None:
    """Back to the blank template: drop every cell a volunteer filled below the headers (the
    derived formulas of the template stay), so that each file is as if built afresh."""
    for sheet in spec.table_sheets:
        ws = wb[sheet.name]
        derived = {i for i, col in enumerate(sheet.columns, 1) if col.derived}
        cells = ws._cells  # openpyxl keeps cells in this dict; it has no public way to remove one
        for position in [p for p in cells if p[0] >= template.FIRST_DATA_ROW and p[1] not in derived]:
            del cells[position]


def write_all_here(plan: DemoPlan, folder: Path, config: Config, names: Sequence[str] = ()) -> None:
    """Write workbooks in this process (tests, measurements): all of them, or those named."""
    wanted = set(names)
    for spec in plan.workbooks:
        if not wanted or spec.file in wanted:
            write_workbook(spec, folder / spec.file, config)
