"""``--pdf``: the printable summary of the dashboard, through LibreOffice when it is installed.

Only the summary sheets (:func:`dashboard.summary_names`: Synthèse, the sites and their groups,
Changements, Suivi des envois, Bilan, Recommandations) go into the PDF — tens of pages; the detail sheets would make
thousands at national scale. A temporary workbook holding only those sheets is written beside
the output, converted by ``soffice --headless`` with a private, temporary profile (a LibreOffice
window the référent has open does not get in the way) and a time limit, then the PDF is moved
into place atomically. Nothing is left behind on failure; the temporary folder (profile and PDF) that a
killed run left is removed by the next one (:func:`remove_stale_work`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .atomic import atomic_path, process_alive, scratch_path
from .consolidate import Consolidation
from .dashboard import summary_names, write_dashboard
from .errors import describe_os_error
from .indicators import Figures

FRENCH_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">
<value>fr-FR</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" oor:op="fuse"><value>fr-FR</value></prop></item>
</oor:items>
"""
"""The private profile's settings: numbers printed the French way (« 151,9 ») whatever the computer's language."""

TIMEOUT = 300.0
"""Seconds LibreOffice may take (a summary of a national run takes well under a minute)."""


WORK_PREFIX = "convention-xlsx-pdf-"
"""The temporary folder of a conversion: ``convention-xlsx-pdf-<pid>-…`` in the system's temporary folder."""
_WORK = re.compile(re.escape(WORK_PREFIX) + r"(\d{1,10})-")


class PdfError(Exception):
    """The PDF could not be written (French message for the référent)."""


class LibreOfficeMissing(PdfError):
    """LibreOffice is not installed: the workbook is written, the PDF is not."""


def soffice() -> str | None:
    """The path of LibreOffice's ``soffice``, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def write_pdf(cons: Consolidation, figures: Figures, target: Path, edition: str = "complete",
              timeout: float = TIMEOUT, program: str | None = None, **dashboard: object) -> Path:
    """Write the PDF of the summary sheets at ``target``; raise :class:`PdfError` on failure.

    ``dashboard``: passed on to :func:`write_dashboard` (observations, sources)."""
    program = program or soffice()
    if program is None:
        raise LibreOfficeMissing(
            "LibreOffice n'est pas installé : le PDF n'a pas été produit (le classeur, lui, est écrit). "
            "Installez LibreOffice (https://fr.libreoffice.org) puis relancez avec --pdf.")
    target = Path(target)
    remove_stale_work()
    with scratch_path(target.parent, ".xlsx") as workbook, tempfile.TemporaryDirectory(
            prefix=f"{WORK_PREFIX}{os.getpid()}-", ignore_cleanup_errors=True) as work:
        write_dashboard(cons, workbook, figures, edition=edition, sheets=summary_names(figures, edition),
                        **dashboard)
        outdir = Path(work) / "pdf"
        user = Path(work) / "profil" / "user"
        user.mkdir(parents=True)
        (user / "registrymodifications.xcu").write_text(FRENCH_PROFILE, encoding="utf-8")
        profile = (Path(work) / "profil").as_uri()
        cmd = [program, "--headless", "--norestore", f"-env:UserInstallation={profile}",
               "--convert-to", "pdf", "--outdir", str(outdir), str(workbook)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as err:
            raise PdfError(f"LibreOffice n'a pas fini la conversion en PDF en {timeout:.0f} s : le PDF n'a pas "
                           "été produit (le classeur, lui, est écrit).") from err
        except OSError as err:
            raise PdfError(f"LibreOffice n'a pas pu être lancé ({describe_os_error(err)}) : le PDF n'a pas été "
                           "produit (le classeur, lui, est écrit).") from err
        produced = outdir / f"{workbook.stem}.pdf"
        if done.returncode != 0 or not produced.is_file():
            detail = (done.stderr or done.stdout).strip().splitlines()
            raise PdfError("LibreOffice n'a pas converti le tableau de bord en PDF"
                           + (f" ({detail[-1]})" if detail else "") + " : le classeur, lui, est écrit.")
        with atomic_path(target) as tmp:
            shutil.copyfile(produced, tmp)
    return target


def remove_stale_work(folder: Path | None = None, now: float | None = None) -> list[Path]:
    """Remove the conversion folders (a LibreOffice profile, a PDF) that killed runs left in ``folder`` (the
    system's temporary folder): those whose process is gone, older than twice the conversion's time limit
    (the LibreOffice it started may outlive it that long), or, without a process in their name, older than
    a day. Returns the folders removed; one that cannot be removed is left for the next run."""
    folder = Path(folder or tempfile.gettempdir())
    now = time.time() if now is None else now
    removed = []
    try:
        candidates = [p for p in folder.iterdir() if p.name.startswith(WORK_PREFIX) and p.is_dir()]
    except OSError:
        return removed
    for path in candidates:
        match = _WORK.match(path.name)
        try:
            age = now - path.stat().st_mtime
        except OSError:
            continue
        stale = age > 86_400 if match is None else (
            int(match.group(1)) != os.getpid() and not process_alive(int(match.group(1))) and age > 2 * TIMEOUT)
        if stale:
            shutil.rmtree(path, ignore_errors=True)
            if not path.exists():
                removed.append(path)
    return removed

