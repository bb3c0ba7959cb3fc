"""The presidents' dashboard workbook (XlsxWriter): one module per sheet or group.

The writer only lays out what :func:`convention_xlsx.indicators.compute` returns.
Volunteers' text never becomes a formula, a link or a number (workbook options); the
file is written next to its target and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from pathlib import Path

from xlsxwriter.workbook import Workbook

from ..consolidate import Consolidation
from ..indicators import Figures, compute
from . import names as n
from .about import write_about, write_anomalies
from .bilan import write_bilan
from .establishments import write_by_disp, write_establishments
from .follow_up import write_follow_up
from .names import SHEET_NAMES
from .people import write_mandates
from .records import write_communication, write_records
from .styles import Styles, page_setup
from .synthese import write_synthese

__all__ = ["SHEET_NAMES", "write_dashboard"]

WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": True,
    "default_date_format": "dd/mm/yyyy",
}

RECORD_SHEETS = {n.ACTIONS: "actions", n.MEETINGS: "meetings", n.REFERRALS: "referrals",
                 n.TRAININGS: "trainings", n.CALLS: "calls"}


def write_dashboard(cons: Consolidation, path: Path, figures: Figures | None = None) -> None:
    """Write the dashboard of ``cons`` to ``path`` (atomically; the parent folder is created)."""
    figures = figures if figures is not None else compute(cons)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tableau_de_bord_", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600: give the usual permissions
    try:
        _write(cons, figures, tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _write(cons: Consolidation, f: Figures, target: str) -> None:
    wb = Workbook(target, WORKBOOK_OPTIONS)
    title = cons.config.title
    wb.set_properties({"title": f"{title} – tableau de bord au {cons.arrete:%d/%m/%Y}",
                       "subject": "Tableau de bord du partenariat", "company": "ANVP – Auxilia",
                       "comments": "Produit par convention-xlsx"})
    styles = Styles(wb)
    sheets = {name: wb.add_worksheet(name) for name in SHEET_NAMES}
    header_rows: dict[str, int | None] = {}
    write_establishments(sheets[n.ESTABLISHMENTS], styles, f)
    disp_rows = write_by_disp(wb, sheets[n.BY_DISP], styles, f)
    write_synthese(wb, sheets[n.SYNTHESE], styles, f, title, disp_rows)
    for name, key in RECORD_SHEETS.items():
        write_records(sheets[name], styles, cons, key)
    header_rows[n.COMMUNICATION] = write_communication(sheets[n.COMMUNICATION], styles, cons, f)
    write_mandates(sheets[n.MANDATES], styles, f, cons.config.mandate_expiry_days)
    write_follow_up(sheets[n.FOLLOW_UP], styles, f)
    write_bilan(wb, sheets[n.BILAN], styles, f)
    write_anomalies(sheets[n.ANOMALIES], styles, cons)
    now = dt.datetime.now()
    generated = f"{now:%d/%m/%Y à %H:%M}" if cons.today == now.date() else f"{cons.today:%d/%m/%Y}"
    write_about(sheets[n.ABOUT], styles, cons, generated)
    for name, ws in sheets.items():
        row = header_rows.get(name, None if name in (n.SYNTHESE, n.BILAN, n.FOLLOW_UP, n.ABOUT) else 3)
        page_setup(ws, name, title, cons.arrete, cons.today, None if row is None else (row, row),
                   portrait=False)
    sheets[n.BY_DISP].fit_to_pages(1, 1)  # the table and its chart on one page
    sheets[n.SYNTHESE].activate()
    wb.close()
