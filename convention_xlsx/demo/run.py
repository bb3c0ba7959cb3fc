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
from ..consolidate import default_arrete
from ..history import backfill
from ..run import MonthResult, RunOptions, consolidate_step, publish
from . import DemoPlan, plan_demo
from .files import clear_previous, write_config, write_workbooks

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


def run_demo(base: Config, inputs: Path, output: Path, *, seed: int = 1, sections: int | None = None,
             today: dt.date | None = None, writing: Progress | None = None,
             reading: Progress | None = None) -> DemoResult:
    """Write the demo's workbooks into ``inputs`` (its configuration beside them) and run the month on them.

    Raises :class:`~convention_xlsx.demo.files.DemoError`, :class:`~convention_xlsx.run.RunError` or an
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
                         carry_observations=False)
    month = consolidate_step(Path(inputs), config, options, reading)
    db.unlink(missing_ok=True)
    backfill(db, month.consolidation)
    publish(month, options)
    return DemoResult(plan, config, config_file, month,
                      {"ecriture": written, "total": time.perf_counter() - started})
