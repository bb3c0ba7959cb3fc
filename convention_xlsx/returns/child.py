"""Building one return, in a reading-pool child: read the file again under the pool's limits, rebuild the
template with its data, annotate it, save it atomically (encrypted again when the input was)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import atomic_path, scratch_path
from ..config import Config
from ..findings import Finding
from ..parse import Context, parse_workbook, unread_sheets
from ..reading.limits import DEFAULT_LIMITS, Limits
from ..reading.model import FileInfo, RawWorkbook, ReadFailure
from ..reading.workbook import display_path, read_workbook
from .place import place
from .rebuild import rebuild
from .to_fix import annotate
from .vml import anchor_comments


@dataclass
class ReturnJob:
    """What the child needs to build the return of one input file."""

    findings: list[Finding]
    target: Path
    readable: bool = True
    """False for a file whose cells could not be read the first time: its return is the blank template."""
    reason: str = ""
    association: str = ""
    encrypted: bool = False
    extra: dict = field(default_factory=dict)


def make_return(ctx: Context, config: Config, jobs: dict[str, ReturnJob], run_day: dt.date, path: Path,
                root: Path | None, password: str | None, limits: Limits = DEFAULT_LIMITS) -> FileInfo | ReadFailure:
    """The pool's « reader » for returns (run in a child): build and write the return of ``path``."""
    shown = display_path(Path(path), root)
    job = jobs[shown]
    try:
        raw = parsed = None
        if job.readable:
            outcome = read_workbook(Path(path), root, password, limits, unread=unread_sheets(ctx.spec))
            if isinstance(outcome, RawWorkbook):
                raw, parsed = outcome, parse_workbook(outcome, ctx)
        wb = rebuild(raw, parsed, ctx, config)
        association = (parsed.association if parsed is not None else None) or job.association
        reason = "" if raw is not None else _unread(job)
        annotate(wb, place(job.findings, parsed, config.spec), config, file_name=Path(shown).name,
                 association=association, run_day=run_day, reason=reason)
        _save(wb, job.target, password if job.encrypted else None)
        return FileInfo(path=shown)
    except MemoryError:
        return ReadFailure(FileInfo(path=shown), "lecture-interrompue", "mémoire dépassée en écrivant le retour")
    except Exception as err:  # noqa: BLE001 - the parent writes the list alone instead
        return ReadFailure(FileInfo(path=shown), "fichier-illisible", f"retour impossible ({type(err).__name__})")


def write_fallback(config: Config, job: ReturnJob, path: str, run_day: dt.date, password: str | None) -> None:
    """The return of a file whose child failed: the blank template and the list, built from the findings
    alone (no byte of the file is read here)."""
    wb = rebuild(None, None, None, config)  # type: ignore[arg-type]
    annotate(wb, place(job.findings, None, config.spec), config, file_name=Path(path).name,
             association=job.association, run_day=run_day, reason=_unread(job))
    _save(wb, job.target, password if job.encrypted else None)


def _unread(job: ReturnJob) -> str:
    detail = f" ({job.reason})" if job.reason else ""
    return (f"Votre fichier n'a pas pu être lu{detail} : ce classeur est le modèle vierge, recopiez-y vos "
            "données puis renvoyez-le.")


def _save(wb, target: Path, password: str | None) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if password:
        from ..privacy import encrypt_workbook

        with scratch_path(target.parent, ".xlsx") as plain:
            wb.save(plain)
            anchor_comments(plain)
            encrypt_workbook(plain, target, password)
        return
    with atomic_path(target) as tmp:
        wb.save(tmp)
        anchor_comments(tmp)
