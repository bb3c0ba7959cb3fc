"""The monthly run as one library function: consolidate → returns → figures with history → dashboard →
history record → PDF.

The CLI (``consolider``), the demo and the benchmark all go through :func:`run_month` (or its two
halves, :func:`consolidate_step` then :func:`publish`), so what the benchmark measures is what the
référent runs. Nothing here prints: what the référent should read comes back as French
:attr:`MonthResult.notes`; a problem that stops the run is a :class:`RunError` with a French message.
Every output is written atomically (see :mod:`convention_xlsx.atomic`). One run at a time writes
into an output folder: :func:`output_lock` holds its lock (see :mod:`convention_xlsx.lock`) and,
once held, removes what a killed run left there (temporary files of ours only).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import remove_leftovers, scratch_path
from .config import Config
from .consolidate import Consolidation, consolidate_folder
from .dashboard.registry import COMPLETE
from .errors import describe_os_error
from .history import HISTORY_FILE, RUN, HistoryError, load, load_runs, record_month
from .indicators import Figures, compute
from .indicators.snapshot import month_key
from .lock import LockBusy, folder_lock
from .observations import CarriedObservations, find_previous, read_observations

Progress = Callable[[int, int], None]


class RunError(Exception):
    """The run cannot go on (an output cannot be written, the history is unusable); French message."""


@dataclass(frozen=True)
class RunOptions:
    """What a monthly run writes, and how.

    ``output``: the dashboard (``.xlsx``). ``returns_dir``: where to write the annotated returns
    (None: none). ``history``: the history file (default ``historique.sqlite`` beside the
    dashboard); ``record_history`` False only reads it. ``previous``: the dashboard whose
    observations are carried over (default: the newest monthly dashboard beside ``output``;
    none with ``carry_observations`` False).
    """

    output: Path
    arrete: dt.date
    today: dt.date
    returns_dir: Path | None = None
    anonymise: bool = False
    edition: str = COMPLETE
    record_history: bool = True
    history: Path | None = None
    bilan_year: int | None = None
    previous: Path | None = None
    carry_observations: bool = True
    input_password: str | None = None
    output_password: str | None = None
    pdf: bool = False
    lock_wait: float | None = None
    """Seconds to wait for another run on the same output folder (None: :func:`lock.default_wait`)."""

    @property
    def history_path(self) -> Path:
        return self.history or Path(self.output).parent / HISTORY_FILE


@dataclass
class MonthResult:
    """What a run did: the consolidation, the figures, what was written, and what to tell the référent."""

    consolidation: Consolidation
    figures: Figures | None = None
    dashboard: Path | None = None
    returns: dict[str, Path] = field(default_factory=dict)
    history_month: str | None = None
    """« AAAA-MM » recorded in the history, or None when nothing was recorded."""
    pdf: Path | None = None
    observations: CarriedObservations | None = None
    notes: list[str] = field(default_factory=list)
    """French lines for the référent, in the order things happened."""
    warnings: list[str] = field(default_factory=list)
    """French lines that deserve attention (unreadable history, previous dashboard unreadable…)."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per stage: ``lecture`` (read and parse, in the pool), ``consolidation``, ``retours``,
    ``chiffres``, ``tableau``, ``historique``, ``pdf``; and within them ``fichiers`` and ``analyse``
    (summed over the pool's children: reading the files, parsing them), ``regles`` (between rows)."""

    def to_json(self) -> dict:
        """The JSON report of ``consolider --json`` (docs/rapport.md): the consolidation's report, the
        date of arrêté, and ``sections``, the state of each section as « Suivi des envois » shows it
        with its annotated return (the returns are known once :func:`publish` wrote them)."""
        from .indicators.completeness import completeness, sections_report

        cons = self.consolidation
        table = self.figures.sending.table if self.figures is not None else completeness(cons)
        digests = {f.path: f.sha256 for f in cons.report.files}
        return {"arrete": cons.arrete.isoformat(), **cons.report.to_json(),
                "sections": sections_report(table, self.returns, digests)}


def run_month(folder: Path, config: Config, options: RunOptions, progress: Progress | None = None) -> MonthResult:
    """The whole monthly run on the workbooks under ``folder``, holding the output folder's lock."""
    with output_lock(options) as cleaned:
        result = consolidate_step(folder, config, options, progress)
        if cleaned:
            result.notes.append(leftovers_note(cleaned))
        return publish(result, options)


@contextlib.contextmanager
def output_lock(options: RunOptions) -> Iterator[list[Path]]:
    """Hold the lock of the output folder for a whole run (read, then every write).

    Once it is held, the temporary files a killed run left beside the dashboard, the history and
    in the returns folder are removed; yields the paths removed. Another run holding the lock
    longer than ``options.lock_wait`` is a :class:`RunError` (French, nothing written).
    """
    output = Path(options.output)
    folder = output.parent
    with contextlib.ExitStack() as held:
        with _writing(output):  # the lock file cannot be written: neither can the dashboard
            try:
                held.enter_context(folder_lock(folder, options.lock_wait))
            except LockBusy as err:
                raise RunError(str(err)) from err
            stems = (output.stem,)
            cleaned = remove_leftovers(folder, stems)
            if options.history_path.parent.resolve() != folder.resolve():
                cleaned += remove_leftovers(options.history_path.parent, stems)
            if options.returns_dir is not None:
                cleaned += remove_leftovers(options.returns_dir, recursive=True)
        yield cleaned


def leftovers_note(cleaned: list[Path]) -> str:
    """The French line that says what :func:`output_lock` removed."""
    names = ", ".join(p.name for p in cleaned[:3]) + (" …" if len(cleaned) > 3 else "")
    return (f"{len(cleaned)} fichier(s) temporaire(s) laissé(s) par un traitement interrompu, supprimé(s) : "
            f"{names}.")


def consolidate_step(folder: Path, config: Config, options: RunOptions,
                     progress: Progress | None = None) -> MonthResult:
    """Read, validate and consolidate ``folder`` (nothing is written)."""
    started = time.perf_counter()
    read_done: list[float] = []

    def tracked(done: int, total: int) -> None:
        if done == total:
            read_done.append(time.perf_counter())
        if progress is not None:
            progress(done, total)

    cons = consolidate_folder(Path(folder), config, arrete=options.arrete, today=options.today,
                              password=options.input_password, progress=tracked)
    end = time.perf_counter()
    read_end = read_done[-1] if read_done else end
    return MonthResult(consolidation=cons, timings={"lecture": read_end - started, "consolidation": end - read_end,
                                                    **cons.timings})


def publish(result: MonthResult, options: RunOptions) -> MonthResult:
    """Write the returns, the dashboard, the history record and the PDF of a consolidated month."""
    from .dashboard import write_dashboard
    from .privacy import anonymise, encrypt_workbook

    cons = result.consolidation
    clock = _Clock(result.timings)
    if options.returns_dir is not None:  # before the dashboard, whose anomalies link to these copies
        from .returns import write_returns

        with clock("retours"), _writing(options.returns_dir):
            result.returns = write_returns(cons, cons.source_dir or Path("."), options.returns_dir,
                                           password=options.input_password)
        result.notes.append(f"{len(result.returns)} classeur(s) annoté(s) à renvoyer aux sections : "
                            f"{options.returns_dir}")
    shown = anonymise(cons) if options.anonymise else cons
    with clock("chiffres"):
        history = _read_history(options.history_path, result)
        result.figures = figures = compute(shown, history=history, bilan_year=options.bilan_year)
    result.observations = _observations(options, result)
    output = Path(options.output)
    dashboard_options = {"edition": options.edition, "observations": result.observations,
                         "sources": _sources(options, cons), "returns": result.returns}
    with clock("tableau"), _writing(output):
        if options.output_password:
            with scratch_path(output.parent, ".xlsx") as plain:
                write_dashboard(shown, plain, figures, **dashboard_options)
                encrypt_workbook(plain, output, options.output_password)
        else:
            write_dashboard(shown, output, figures, **dashboard_options)
    result.dashboard = output
    protected = "chiffré " if options.output_password else ""
    result.notes.append(f"Tableau de bord {protected}écrit : {output} (arrêté au {cons.arrete:%d/%m/%Y}).")
    with clock("historique"):
        _record(options, result)
    if options.pdf:
        with clock("pdf"):
            _pdf(shown, figures, output.with_suffix(".pdf"), dashboard_options, result)
    return result


def _record(options: RunOptions, result: MonthResult) -> None:
    cons, db = result.consolidation, options.history_path
    if not options.record_history:
        return
    if cons.report.files_read == 0:
        result.notes.append("Historique : rien d'enregistré, car aucun classeur n'a pu être lu ; les chiffres "
                            f"déjà enregistrés pour {cons.arrete:%m/%Y} sont gardés.")
        return
    assert result.figures is not None
    try:
        with _writing(db):
            month = record_month(db, result.figures, cons.report, cons.config.spec.version)
    except HistoryError as err:
        raise RunError(str(err)) from err
    result.history_month = month
    result.notes.append(f"Historique : chiffres de {month[5:]}/{month[:4]} enregistrés dans {db}.")


def _read_history(db: Path, result: MonthResult):
    try:
        return load(db)
    except HistoryError as err:
        result.warnings.append(str(err))
        return None


def _observations(options: RunOptions, result: MonthResult) -> CarriedObservations | None:
    """What the référents wrote in the previous dashboard (with a French line saying what was found)."""
    output = Path(options.output)
    source = options.previous or find_previous(output.parent, output)
    if source is None or not options.carry_observations:
        return None
    carried = read_observations(source, options.output_password)
    result.warnings.extend(carried.notes)
    if len(carried):
        result.notes.append(f"Observations des référents reprises de {source} : {len(carried)}.")
    return carried


def _sources(options: RunOptions, cons: Consolidation) -> dict[str, str]:
    """How each month of the history was recorded (this run's month: by this run, when it records)."""
    try:
        runs = load_runs(options.history_path)
    except HistoryError:
        runs = None
    sources = {} if runs is None else dict(zip(runs["month"], runs["source"], strict=True))
    if options.record_history and cons.report.files_read:
        sources[month_key(cons.arrete)] = RUN
    return sources


def _pdf(cons: Consolidation, figures: Figures, target: Path, dashboard: dict, result: MonthResult) -> None:
    """A missing LibreOffice is a note (the workbook is written); a failed conversion a RunError."""
    from .pdf import LibreOfficeMissing, PdfError, write_pdf

    try:
        with _writing(target):
            write_pdf(cons, figures, target, **dashboard)
    except LibreOfficeMissing as err:
        result.notes.append(str(err))
        return
    except PdfError as err:
        raise RunError(str(err)) from err
    result.pdf = target
    result.notes.append(f"PDF des feuilles de synthèse écrit : {target}.")


class _writing:
    """Turn a system error while writing ``path`` into a French :class:`RunError` naming it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, err, tb) -> bool:
        if isinstance(err, OSError) and not isinstance(err, BrokenPipeError):
            raise RunError(f"Impossible d'écrire {self.path} : {describe_os_error(err)}.") from err
        return False


class _Clock:
    """``with clock("stage"):`` adds the stage's seconds to ``timings``."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings

    def __call__(self, stage: str) -> _Clock:
        self.stage = stage
        return self

    def __enter__(self) -> None:
        self.started = time.perf_counter()

    def __exit__(self, *exc: object) -> bool:
        self.timings[self.stage] = self.timings.get(self.stage, 0.0) + time.perf_counter() - self.started
        return False
