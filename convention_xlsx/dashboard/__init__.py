"""The presidents' dashboard workbook (XlsxWriter): one module per sheet or group.

The writer only lays out what :func:`convention_xlsx.indicators.compute` returns.
Volunteers' text never becomes a formula, a link or a number (workbook options); the
file is written next to its target and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from xlsxwriter.workbook import Workbook

from ..atomic import atomic_path
from ..consolidate import Consolidation
from ..indicators import Figures, compute
from ..observations import CarriedObservations
from . import names as n
from .about import finding_links, write_about, write_anomalies
from .bilan import write_bilan
from .establishments import write_by_disp, write_establishments
from .evolution import write_evolution
from .follow_up import write_follow_up
from .names import EDITIONS, SHEET_NAMES, SUMMARY_SHEETS
from .people import write_mandates
from .records import write_communication, write_records
from .styles import Styles, page_setup
from .synthese import write_synthese

__all__ = ["EDITIONS", "SHEET_NAMES", "SUMMARY_SHEETS", "write_dashboard"]

WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": True,
    "default_date_format": "dd/mm/yyyy",
}

RECORD_SHEETS = {n.ACTIONS: "actions", n.MEETINGS: "meetings", n.REFERRALS: "referrals",
                 n.TRAININGS: "trainings", n.CALLS: "calls"}


def write_dashboard(cons: Consolidation, path: Path, figures: Figures | None = None, *, edition: str = n.COMPLETE,
                    sheets: tuple[str, ...] | None = None,
                    observations: CarriedObservations | None = None) -> None:
    """Write the dashboard of ``cons`` to ``path`` (atomically; the parent folder is created).

    ``edition``: ``complete`` or ``membres`` (see :data:`names.EDITIONS`). ``sheets``: write only
    these sheets (e.g. :data:`names.SUMMARY_SHEETS` for the PDF). ``observations``: what the
    référents wrote in the previous dashboard, written back into ``Bilan``.
    """
    names = n.sheet_names(edition, sheets)
    figures = figures if figures is not None else compute(cons)
    links = finding_links(cons, Path(path).parent)
    with atomic_path(Path(path)) as tmp:
        _write(cons, figures, str(tmp), names, edition, observations, links)


def _write(cons: Consolidation, f: Figures, target: str, names: tuple[str, ...], edition: str,
           observations: CarriedObservations | None, links: dict[str, str]) -> None:
    wb = Workbook(target, WORKBOOK_OPTIONS)
    title = cons.config.title
    members = edition == n.MEMBERS
    suffix = " – édition des adhérents" if members else ""
    wb.set_properties({"title": f"{title} – tableau de bord au {cons.arrete:%d/%m/%Y}{suffix}",
                       "subject": "Tableau de bord du partenariat", "company": "ANVP – Auxilia",
                       "comments": "Produit par convention-xlsx"})
    styles = Styles(wb)
    sheets = {name: wb.add_worksheet(name) for name in names}
    header_rows: dict[str, int | None] = {}
    if n.ESTABLISHMENTS in sheets:
        write_establishments(sheets[n.ESTABLISHMENTS], styles, f)
    disp_rows = write_by_disp(wb, sheets[n.BY_DISP], styles, f) if n.BY_DISP in sheets else None
    if n.SYNTHESE in sheets:
        write_synthese(wb, sheets[n.SYNTHESE], styles, f, title, disp_rows, names)
    if n.EVOLUTION in sheets:
        header_rows[n.EVOLUTION] = write_evolution(wb, sheets[n.EVOLUTION], styles, f)
    for name, key in RECORD_SHEETS.items():
        if name in sheets:
            write_records(sheets[name], styles, cons, key, provenance=not members)
    if n.COMMUNICATION in sheets:
        header_rows[n.COMMUNICATION] = write_communication(sheets[n.COMMUNICATION], styles, cons, f,
                                                           provenance=not members)
    if n.MANDATES in sheets:
        write_mandates(sheets[n.MANDATES], styles, f, cons.config.mandate_expiry_days)
    if n.FOLLOW_UP in sheets:
        write_follow_up(sheets[n.FOLLOW_UP], styles, f, contacts=not members)
    if n.BILAN in sheets:
        write_bilan(wb, sheets[n.BILAN], styles, f, observations, with_observations=not members)
    if n.ANOMALIES in sheets:
        write_anomalies(sheets[n.ANOMALIES], styles, cons, links)
    now = dt.datetime.now()
    generated = f"{now:%d/%m/%Y à %H:%M}" if cons.today == now.date() else f"{cons.today:%d/%m/%Y}"
    if n.ABOUT in sheets:
        write_about(sheets[n.ABOUT], styles, cons, generated, manifest=not members)
    for name, ws in sheets.items():
        row = header_rows.get(name, None if name in (n.SYNTHESE, n.BILAN, n.FOLLOW_UP, n.ABOUT) else 3)
        page_setup(ws, name, title, cons.arrete, cons.today, None if row is None else (row, row),
                   portrait=False)
    if n.BY_DISP in sheets:
        sheets[n.BY_DISP].fit_to_pages(1, 1)  # the table and its chart on one page
    next(iter(sheets.values())).activate()
    wb.close()
