"""The demo as one library function: plan, write the workbooks through the template, then the monthly run.

The CLI's ``demo`` only parses options and prints what :func:`run_demo` returns; tests and the
benchmark call it with a fixed ``today`` so that the same seed gives the same dashboard.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ..consolidate import Consolidation, default_arrete
from ..dashboard.registry import COMPLETE
from ..history import SIMULATED, figure_rows, record, run_row
from ..indicators.board import snapshot
from ..indicators.snapshot import month_key
from ..run import MonthResult, RunOptions, consolidate_step, leftovers_note, output_lock, publish
from . import DemoPlan, plan_demo
from .files import clear_previous, write_config, write_workbooks
from .timeline import draw_lists, lists_at, make_timeline, month_ends, situation_at

DEMO_HISTORY = "historique_demo.sqlite"
"""The demo's own history, apart from the référent's real ``historique.sqlite``."""

Progress = Callable[[int, int], None]


@dataclass
class DemoResult:
    plan: DemoPlan
    config: Config
    """The demo's configuration (written beside the inputs), which the run used."""
    config_file: Path
    month: MonthResult
    seconds: dict[str, float] = field(default_factory=dict)
    """``ecriture`` (the workbooks) and ``total``."""


def simulate_history(db: Path, cons: Consolidation, seed: int) -> list[str]:
    """Record in ``db`` every month of the convention before the arrêté's, as the demo's timeline says the
    sites and the lists of people were then (:mod:`.timeline`), each marked « simulé »; return the months
    recorded."""
    import dataclasses

    sheet = cons.config.spec.sites
    if sheet is None or sheet.key not in cons.tables:
        return []
    sites = cons.tables[sheet.key]
    spec, start = cons.config.spec, cons.config.period_start
    timeline = make_timeline(seed, sites, spec, start, cons.arrete)
    draw_lists(seed, timeline, cons.tables, spec, start, cons.arrete)
    written = []
    for day in month_ends(start, cons.arrete):
        tables = {**cons.tables, **lists_at(cons.tables, timeline, day), sheet.key: situation_at(sites, timeline, spec,
                                                                                                   day)}
        rows, completeness = snapshot(dataclasses.replace(cons, arrete=day, today=day, tables=tables))
        record(db, run_row(day, cons.report, completeness, cons.config.spec.version, SIMULATED),
               figure_rows(day, rows))
        written.append(month_key(day))
    return written


def run_demo(base: Config, inputs: Path, output: Path, *, seed: int = 1, sections: int | None = None,
             today: dt.date | None = None, writing: Progress | None = None,
             reading: Progress | None = None, pdf: bool = False, edition: str = COMPLETE) -> DemoResult:
    """Write the demo's workbooks into ``inputs`` (its configuration beside them) and run the month on them.

    ``pdf``: also print the summary sheets to PDF beside ``output`` (LibreOffice); ``edition``: ``complete`` or
    ``membres``. Raises :class:`~convention_xlsx.demo.files.DemoError`, :class:`~convention_xlsx.run.RunError` or an
    ``OSError`` with what could not be written.
    """
    today = today or dt.date.today()
    started = time.perf_counter()
    plan = plan_demo(base, seed=seed, sections=sections, today=today)
    config_file = Path(inputs).parent / "convention.toml"
    clear_previous(Path(inputs), config_file)
    config = write_config(plan, base, config_file)
    write_workbooks(plan, Path(inputs), config, progress=writing)
    written = time.perf_counter() - started
    db = Path(output).parent / DEMO_HISTORY
    options = RunOptions(output=Path(output), arrete=default_arrete(config, today)[0], today=today, history=db,
                         carry_observations=False, pdf=pdf, edition=edition)
    with output_lock(options) as cleaned:  # one run at a time on the output folder, as consolider
        month = consolidate_step(Path(inputs), config, options, reading)
        if cleaned:
            month.notes.append(leftovers_note(cleaned))
        db.unlink(missing_ok=True)
        simulated = simulate_history(db, month.consolidation, seed)
        if simulated:
            month.notes.append(f"Historique de démonstration : {len(simulated)} mois simulés avant celui de "
                               f"l'arrêté ({db.name}), marqués « simulé » dans la feuille Évolution.")
        publish(month, options)
    return DemoResult(plan, config, config_file, month,
                      {"ecriture": written, "total": time.perf_counter() - started})
