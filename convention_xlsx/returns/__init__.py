"""Annotated returns: for each workbook with anomalies, the section's next workbook, annotated.

Each return is the current template refilled with the section's data as read (:mod:`.rebuild`), every
anomaly highlighted and commented at its cell and listed first in « À corriger » (:mod:`.to_fix`). The
received file is never touched. Returns are built in the reading pool's child processes, with the same
limits as the reading (:mod:`.child`): a hostile file costs its child, never the run. A workbook with no
anomaly gets no return, so once a section has corrected everything the loop ends.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path

from ..consolidate import Consolidation, parse_context
from ..findings import Finding
from ..reading.model import ReadFailure
from ..reading.pool import read_many
from ..report import IGNORED, REJECTED
from .child import ReturnJob, make_return, write_fallback

SUFFIX = "_a_corriger.xlsx"
_OURS = re.compile(r"(?:_a_corriger)+$")


def return_target(out_dir: Path, path: str) -> Path:
    """Where the return of input ``path`` goes: same sub-folder, ``…_a_corriger.xlsx`` — once, even when the
    input is itself a return sent back (never ``…_a_corriger_a_corriger.xlsx``)."""
    relative = Path(path)
    stem = _OURS.sub("", relative.stem) or relative.stem
    return Path(out_dir) / relative.parent / (stem + SUFFIX)


def write_returns(cons: Consolidation, input_dir: Path, out_dir: Path, password: str | None = None,
                  workers: int | None = None) -> dict[str, Path]:
    """Write one return per input file with anomalies; return input file → return written."""
    files = {f.path: f for f in cons.report.files}
    by_file: dict[str, list[Finding]] = {}
    for finding in cons.report.findings:
        record = files.get(finding.file)
        if record is not None and record.status != IGNORED:
            by_file.setdefault(finding.file, []).append(finding)
    if not by_file:
        return {}
    jobs = {}
    for path, findings in sorted(by_file.items()):
        record = files[path]
        jobs[path] = ReturnJob(findings=findings, target=return_target(out_dir, path),
                               readable=not _unreadable(findings),
                               reason=record.reason if record.status == REJECTED else "",
                               association=record.association, encrypted="chiffré" in record.format)
    ctx = parse_context(cons.config, cons.today, cons.arrete)
    run_day = cons.today if isinstance(cons.today, dt.date) else dt.date.today()
    maker = functools.partial(make_return, ctx, cons.config, jobs, run_day)
    paths = [Path(input_dir) / path for path in jobs]
    results = read_many(paths, root=Path(input_dir), password=password, workers=workers, reader=maker)
    written: dict[str, Path] = {}
    for path, result in zip(jobs, results, strict=True):
        job = jobs[path]
        if isinstance(result, ReadFailure):  # the child died or could not build it: the list alone, here
            write_fallback(cons.config, job, path, run_day, password)
        written[path] = job.target
    return written


def _unreadable(findings: list[Finding]) -> bool:
    """A file rejected before its cells could be read (corrupt, encrypted without password, hostile…)."""
    from ..findings import CATALOGUE

    return any(CATALOGUE[f.code].scope == "fichier" and f.is_error and f.code not in (
        "section-invalide", "pas-un-rapport-de-section") for f in findings)
