"""The presidents' dashboard workbook (XlsxWriter): the sheets of :mod:`.registry`, one module per sheet.

The writer only lays out what :func:`convention_xlsx.indicators.compute` returns. Volunteers' text never
becomes a formula, a link or a number (workbook options); the file is written next to its target and
renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from xlsxwriter.workbook import Workbook

from ..atomic import atomic_path
from ..consolidate import Consolidation
from ..indicators import Figures, compute
from ..observations import CarriedObservations
from .about import finding_links, write_about, write_anomalies
from .bilan import write_bilan
from .bulk import BulkWorksheet
from .changes import write_changes
from .evolution import write_evolution
from .follow_up import write_follow_up
from .records import write_records
from .registry import COMPLETE, EDITIONS, MEMBERS, SheetEntry, entries, summary_names
from .sites import write_by_group, write_sites
from .styles import Styles, page_setup
from .synthese import write_synthese
from .validity import write_validity

__all__ = ["COMPLETE", "EDITIONS", "MEMBERS", "summary_names", "write_dashboard"]

WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": True,
    "default_date_format": "dd/mm/yyyy",
}


def write_dashboard(cons: Consolidation, path: Path, figures: Figures | None = None, *, edition: str = COMPLETE,
                    sheets: tuple[str, ...] | None = None, observations: CarriedObservations | None = None,
                    sources: dict[str, str] | None = None, returns: Mapping[str, Path] | None = None) -> None:
    """Write the dashboard of ``cons`` to ``path`` (atomically; the parent folder is created).

    ``edition``: ``complete`` or ``membres``. ``sheets``: write only these sheet names (the printed summary).
    ``observations``: what the référents wrote in the previous dashboard, written back into the bilan.
    ``sources``: month « AAAA-MM » → how the history recorded it (a monthly run, reconstructed, simulated).
    ``returns``: input file → its annotated return (``--retours``), which the anomalies then link to.
    """
    figures = figures if figures is not None else compute(cons)
    chosen = entries(figures, edition, sheets)
    links = finding_links(cons, Path(path).parent, returns or {})
    with atomic_path(Path(path)) as tmp:
        _write(cons, figures, str(tmp), chosen, edition, observations, links, sources or {})


def _write(cons: Consolidation, f: Figures, target: str, chosen: list[SheetEntry], edition: str,
           observations: CarriedObservations | None, links: dict[str, str], sources: dict[str, str]) -> None:
    wb = Workbook(target, WORKBOOK_OPTIONS)
    title = cons.config.title
    members = edition == MEMBERS
    suffix = " – édition des adhérents" if members else ""
    wb.set_properties({"title": f"{title} – tableau de bord au {cons.arrete:%d/%m/%Y}{suffix}",
                       "subject": "Tableau de bord du partenariat", "company": title,
                       "comments": "Produit par convention-xlsx"})
    styles = Styles(wb)
    # the detail sheets' long tables rendered column-wise (95 % of the cells at national scale)
    sheets = {e.name: wb.add_worksheet(e.name, worksheet_class=BulkWorksheet if e.key.startswith("detail:") else None)
              for e in chosen}
    names = {e.key: e.name for e in chosen}
    header_rows: dict[str, int | None] = {e.name: e.header_row for e in chosen}
    errors = Counter(x.file for x in cons.report.findings if x.is_error)
    for e in chosen:
        ws = sheets[e.name]
        if e.key == "sites":
            write_sites(ws, styles, f, cons.config.extension)
        elif e.key == "groups":
            write_by_group(wb, ws, styles, f)
        elif e.key == "evolution":
            header_rows[e.name] = write_evolution(wb, ws, styles, f, sources)
        elif e.key == "changes":
            write_changes(ws, styles, f)
        elif e.key.startswith("detail:"):
            header_rows[e.name] = write_records(ws, styles, cons, f, e.key.split(":", 1)[1], provenance=not members)
        elif e.key.startswith("validity:"):
            ind = f.board.indicator(e.key.split(":", 1)[1])
            days = cons.config.mandate_expiry_days if ind.alert_days is None else ind.alert_days
            write_validity(ws, styles, f, ind, days)
        elif e.key == "follow_up":
            header_rows[e.name] = write_follow_up(ws, styles, f, dict(errors), contacts=not members)
        elif e.key == "anomalies":
            write_anomalies(ws, styles, cons, links)
    if "bilan" in names:
        write_bilan(wb, sheets[names["bilan"]], styles, f, sheets.get(names.get("recommendations", "")),
                    observations, with_observations=not members)
    if "synthese" in names:
        write_synthese(wb, sheets[names["synthese"]], styles, f, cons, title, chosen, names)
    now = dt.datetime.now()
    generated = f"{now:%d/%m/%Y à %H:%M}" if cons.today == now.date() else f"{cons.today:%d/%m/%Y}"
    if "about" in names:
        write_about(sheets[names["about"]], styles, cons, generated, manifest=not members)
    for name, ws in sheets.items():
        row = header_rows.get(name)
        page_setup(ws, name, title, cons.arrete, cons.today, None if row is None else (row, row), portrait=False)
    if "groups" in names:
        sheets[names["groups"]].fit_to_pages(1, 1)  # the table and its chart on one page
    next(iter(sheets.values())).activate()
    wb.close()


