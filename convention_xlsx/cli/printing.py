"""How a report is shown in the terminal: a French summary, the anomalies, the counts."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from ..atomic import remove_leftovers_of, write_text
from ..config import Config
from ..consolidate import Consolidation, consolidate_folder
from ..report import Report
from ..run import leftovers_note

MAX_SHOWN = 200


def echo_report(report: Report, max_shown: int = MAX_SHOWN, verdict: str = "") -> None:
    """Print the anomalies file by file, then ``verdict``, then the counts (which close the output)."""
    findings = report.findings
    if findings:
        click.echo(f"Anomalies ({len(report.errors)} erreur(s), {len(report.warnings)} avertissement(s)) :")
    current = None
    for finding in findings[:max_shown]:
        if finding.file != current:
            current = finding.file
            click.echo(f"\n  {click.style(current, bold=True)}")
        where = " › ".join(x for x in (finding.sheet, finding.cell) if x)
        tag = click.style("erreur", fg="red") if finding.is_error else click.style("avertissement", fg="yellow")
        line = f"    [{tag}] {where + ' : ' if where else ''}{finding.message}"
        if finding.suggestion:
            line += f" (suggestion : {finding.suggestion})"
        click.echo(line + f" [{finding.code}]")
    if len(findings) > max_shown:
        click.echo(f"\n  … et {len(findings) - max_shown} autres anomalies (voir --json ou la feuille Anomalies).")
    click.echo("")
    if verdict:
        click.echo(verdict)
    echo_counts(report)


def echo_counts(report: Report) -> None:
    click.echo(
        f"Fichiers : {report.files_read} lu(s), {report.files_rejected} rejeté(s), "
        f"{report.files_ignored} ignoré(s)."
    )
    left_out = (f" ; {report.values_left_out} valeur(s) écartée(s) dans des lignes reprises"
                if report.values_left_out else "")
    click.echo(
        f"Lignes : {report.rows_read} lue(s) = {report.rows_consolidated} consolidée(s) "
        f"+ {report.rows_rejected} rejetée(s){left_out}."
    )


def write_json(report: Report | dict, target: Path) -> None:
    """``--json``: the report as the library returns it (a :class:`Report`, or the dict of
    ``MonthResult.to_json``); ``-`` writes to standard output."""
    data = report.to_json() if isinstance(report, Report) else report
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if str(target) == "-":
        sys.stdout.write(text)
        return
    cleaned = remove_leftovers_of(Path(target))  # what a run killed while writing this report left
    if cleaned:
        click.echo(leftovers_note(cleaned))
    write_text(target, text)


@contextmanager
def progress_bar(quiet: bool, label: str = "Lecture des classeurs") -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on standard error, or nothing with ``--quiet``."""
    if quiet:
        yield None
        return
    state: dict[str, object] = {}

    def update(done: int, total: int) -> None:
        bar = state.get("bar")
        if bar is None and total:
            bar = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)
            bar.__enter__()
            state["bar"], state["done"] = bar, 0
        if bar is not None and not state.get("closed"):
            bar.update(done - state["done"])
            state["done"] = done
            if done >= total:  # finished: its line is done before another bar starts
                bar.__exit__(None, None, None)
                state["closed"] = True

    try:
        yield update
    finally:
        bar = state.get("bar")
        if bar is not None and not state.get("closed"):
            bar.__exit__(None, None, None)


def read_folder(dossier: Path, config: Config, *, arrete: dt.date, today: dt.date, password: str | None,
                quiet: bool, json_path: Path | None) -> Consolidation:
    """Read, validate and consolidate ``dossier`` behind a progress bar, then write ``--json``."""
    from .options import writing

    with progress_bar(quiet) as progress:
        cons = consolidate_folder(dossier, config, arrete=arrete, today=today, password=password,
                                  progress=progress)
    if json_path is not None:
        with writing(json_path):
            write_json(cons.report, json_path)
    return cons
