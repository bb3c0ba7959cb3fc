"""The history of monthly runs: one SQLite file beside the dashboard (``sorties/historique.sqlite``).

Why: presence, visitors, CPs and cross-members are a snapshot — a section's workbook holds
today's situation only — so the figures reported in March could not be reproduced in June
without keeping them. Every ``consolider`` run records its figures for the month of its
arrêté; running the same month again replaces that month (in one transaction). The file
holds no personal data: counts only, by country, DISP and establishment.

Schema (``PRAGMA user_version`` = 1)::

    runs(month TEXT PRIMARY KEY,          -- « AAAA-MM », the arrêté's month
         arrete TEXT NOT NULL,            -- AAAA-MM-JJ
         generated_at TEXT NOT NULL,      -- AAAA-MM-JJTHH:MM:SS, when the run recorded it
         tool_version TEXT, template_version TEXT,
         source TEXT NOT NULL,            -- « consolider », « reconstitué » (backfill), « simulé » (demo)
         files_read INTEGER, files_rejected INTEGER, files_ignored INTEGER,
         rows_read INTEGER, rows_consolidated INTEGER, rows_rejected INTEGER,
         sections_expected INTEGER, sections_up_to_date INTEGER)
    figures(month TEXT NOT NULL REFERENCES runs(month) ON DELETE CASCADE,
            indicator TEXT NOT NULL,      -- e.g. establishments_both, auxilia_cps (see indicators.board)
            scope TEXT NOT NULL,          -- « national », a group, or a site code
            value REAL NOT NULL,
            PRIMARY KEY (month, indicator, scope))

The rows to record are computed by pure functions (:func:`run_row`, :func:`figure_rows`);
this module only stores and loads them. docs/historique.md describes it for the référents.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from . import __version__
from .consolidate import Consolidation
from .indicators import Figures, compute
from .indicators.completeness import CompletenessFigures
from .indicators.snapshot import HISTORY_COLUMNS, empty_history, month_key
from .report import Report

HISTORY_FILE = "historique.sqlite"
SCHEMA_VERSION = 1
RUN, BACKFILL, SIMULATED = "consolider", "reconstitué", "simulé"
"""How a month was recorded: by its monthly run, reconstructed after the fact from a later run, or
simulated by the demo (never passed off as a monthly run)."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    month TEXT PRIMARY KEY,
    arrete TEXT NOT NULL,
    generated_at TEXT NOT NULL,
    tool_version TEXT,
    template_version TEXT,
    source TEXT NOT NULL,
    files_read INTEGER, files_rejected INTEGER, files_ignored INTEGER,
    rows_read INTEGER, rows_consolidated INTEGER, rows_rejected INTEGER,
    sections_expected INTEGER, sections_up_to_date INTEGER
);
CREATE TABLE IF NOT EXISTS figures (
    month TEXT NOT NULL REFERENCES runs(month) ON DELETE CASCADE,
    indicator TEXT NOT NULL,
    scope TEXT NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (month, indicator, scope)
);
"""
RUN_COLUMNS = ("month", "arrete", "generated_at", "tool_version", "template_version", "source", "files_read",
               "files_rejected", "files_ignored", "rows_read", "rows_consolidated", "rows_rejected",
               "sections_expected", "sections_up_to_date")


class HistoryError(Exception):
    """The history file cannot be read or written (the message is in French)."""


def run_row(arrete: dt.date, report: Report, completeness: CompletenessFigures, template_version: str,
            source: str = RUN, generated_at: dt.datetime | None = None) -> dict:
    """The ``runs`` row of one run (pure)."""
    generated_at = generated_at or dt.datetime.now()
    cf = completeness
    return {
        "month": month_key(arrete), "arrete": arrete.isoformat(),
        "generated_at": generated_at.isoformat(timespec="seconds"), "tool_version": __version__,
        "template_version": template_version, "source": source,
        "files_read": report.files_read, "files_rejected": report.files_rejected,
        "files_ignored": report.files_ignored, "rows_read": report.rows_read,
        "rows_consolidated": report.rows_consolidated, "rows_rejected": report.rows_rejected,
        "sections_expected": cf.expected, "sections_up_to_date": cf.up_to_date,
    }


def figure_rows(arrete: dt.date, snap: pd.DataFrame) -> list[tuple[str, str, str, float]]:
    """The ``figures`` rows of one run: (month, indicator, scope, value) (pure).

    ``snap``: the snapshot rows of the run (``Figures.timeline.snapshot``)."""
    month = month_key(arrete)
    return [(month, str(i), str(s), float(v))
            for i, s, v in zip(snap["indicator"], snap["scope"], snap["value"], strict=True)]


SQLITE_DAMAGE = (
    ("not a database", "ce n'est pas une base SQLite"),
    ("malformed", "le fichier est endommagé"),
    ("no such table", "il lui manque une table : ce n'est pas un historique de convention-xlsx"),
    ("no such column", "une colonne attendue manque : ce n'est pas un historique de convention-xlsx"),
    ("has no column named", "une colonne attendue manque : ce n'est pas un historique de convention-xlsx"),
)
"""SQLite's English messages (a part of them) that mean the file itself is not a usable history."""
SQLITE_SITUATION = (
    ("locked", "un autre programme le tient ouvert en écriture", "fermez ce programme"),
    ("readonly", "il est en lecture seule", "rendez-le modifiable (droits du fichier ou du dossier)"),
    ("unable to open", "il ne peut pas être ouvert", "vérifiez les droits du dossier"),
    ("full", "le disque est plein", "libérez de la place"),
    ("disk i/o", "erreur de lecture ou d'écriture du disque", "vérifiez le disque ou le partage réseau"),
)
"""Those that mean the file is fine but cannot be used now: (English, reason, what to do)."""


def sqlite_reason(err: BaseException) -> str:
    """The French reason of a SQLite (or pandas' SQL) error; SQLite's own words, quoted, when unknown."""
    message = str(err).lower()
    known = next((french for english, french in SQLITE_DAMAGE if english in message), None)
    known = known or next((french for english, french, _ in SQLITE_SITUATION if english in message), None)
    return known if known is not None else f"erreur de la base SQLite : « {str(err)[:200]} »"


def sqlite_advice(err: BaseException) -> str | None:
    """What to do when the file is fine but cannot be used now (None: the file itself is the problem)."""
    message = str(err).lower()
    return next((todo for english, _, todo in SQLITE_SITUATION if english in message), None)


def _unusable(db: Path, err: BaseException, nothing_recorded: bool) -> HistoryError:
    """The French error of a history SQLite cannot use: move a bad file aside, or fix the situation."""
    tail = " (rien n'a été enregistré)" if nothing_recorded else ""
    advice = sqlite_advice(err)
    if advice is None:
        return HistoryError(f"L'historique {db} est illisible ({sqlite_reason(err)}) : déplacez-le pour en "
                            f"commencer un nouveau{tail}.")
    return HistoryError(f"L'historique {db} n'a pas pu être utilisé ({sqlite_reason(err)}) : {advice}, puis "
                        f"relancez ; ne le déplacez pas, il est intact{tail}.")


def _connect(db: Path) -> sqlite3.Connection:
    db.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            conn.close()
            raise HistoryError(f"L'historique {db} vient d'une version plus récente de convention-xlsx : "
                               "mettez l'outil à jour (rien n'a été enregistré).")
        conn.executescript(SCHEMA)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except sqlite3.DatabaseError as err:
        raise _unusable(db, err, nothing_recorded=True) from err
    return conn


def roll_back_interrupted(db: Path) -> None:
    """Undo the record of a run killed while it wrote (SQLite's own recovery, run before reading).

    Such a run leaves SQLite's « hot » journal (``historique.sqlite-journal``) beside the file: the
    first read-write connection rolls it back, so the history is as it was before that run. The reads
    below are read-only and cannot do it (SQLite would refuse them as if the file were damaged), so a
    read-write connection is opened once here. Never remove that journal by hand: it holds the pages
    the rollback needs.
    """
    if not db.with_name(db.name + "-journal").exists():
        return
    try:
        conn = sqlite3.connect(db)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        pass  # a read-only folder: the read below says the history cannot be read


def record(db: Path, run: dict, rows: Iterable[tuple[str, str, str, float]]) -> None:
    """Store one month (replacing what was recorded for it) in a single transaction."""
    conn = _connect(Path(db))
    try:
        with conn:
            conn.execute("DELETE FROM figures WHERE month = ?", (run["month"],))
            conn.execute("DELETE FROM runs WHERE month = ?", (run["month"],))
            conn.execute(f"INSERT INTO runs ({', '.join(RUN_COLUMNS)}) VALUES ({', '.join('?' * len(RUN_COLUMNS))})",
                         [run[c] for c in RUN_COLUMNS])
            conn.executemany("INSERT INTO figures (month, indicator, scope, value) VALUES (?, ?, ?, ?)", rows)
    except sqlite3.DatabaseError as err:
        advice = sqlite_advice(err)
        raise HistoryError(f"Impossible d'enregistrer le mois {run['month']} dans l'historique {db} "
                           f"({sqlite_reason(err)})" + (f" : {advice}, puis relancez." if advice else ".")) from err
    finally:
        conn.close()


def record_month(db: Path, figures: Figures, report: Report, template_version: str, source: str = RUN) -> str:
    """Record ``figures`` for the arrêté's month; return that month (« AAAA-MM »)."""
    run = run_row(figures.arrete, report, figures.sending.counts, template_version, source)
    record(db, run, figure_rows(figures.arrete, figures.timeline.snapshot))
    return run["month"]


def recorded_months(db: Path) -> list[str]:
    return sorted(load_runs(db)["month"])


def _read(db: Path, query: str) -> pd.DataFrame | None:
    if not Path(db).is_file():
        return None  # never create the file just to read it (--sans-historique writes nothing)
    roll_back_interrupted(Path(db))
    try:
        conn = sqlite3.connect(f"{Path(db).resolve().as_uri()}?mode=ro", uri=True)
        try:
            return pd.read_sql_query(query, conn)
        finally:
            conn.close()
    except (sqlite3.DatabaseError, pd.errors.DatabaseError) as err:
        raise _unusable(db, err, nothing_recorded=False) from err


def load(db: Path) -> pd.DataFrame:
    """Every recorded figure (columns month, indicator, scope, value); empty when there is no file."""
    frame = _read(db, "SELECT month, indicator, scope, value FROM figures ORDER BY month")
    return empty_history() if frame is None else frame[list(HISTORY_COLUMNS)]


def load_runs(db: Path) -> pd.DataFrame:
    frame = _read(db, f"SELECT {', '.join(RUN_COLUMNS)} FROM runs ORDER BY month")
    return pd.DataFrame(columns=list(RUN_COLUMNS)) if frame is None else frame


def quarter_ends(start: dt.date, before: dt.date) -> list[dt.date]:
    """The quarter ends from ``start`` up to the month before ``before``'s month."""
    out = []
    for year in range(start.year, before.year + 1):
        for month, day in ((3, 31), (6, 30), (9, 30), (12, 31)):
            end = dt.date(year, month, day)
            if start <= end and month_key(end) < month_key(before):
                out.append(end)
    return out


def backfill(db: Path, cons: Consolidation, days: Iterable[dt.date] | None = None, replace: bool = False) -> list[str]:
    """Record past months from one consolidation, as if it had been run at each of ``days``.

    Default ``days``: each quarter end of the convention before the arrêté's month. Records dated
    after a day are ignored by the figures and mandates follow their dates, but the
    ``Établissements`` sheet holds today's situation: presence, visitors and CPs of a
    reconstituted month are today's. Those months are marked « reconstitué » in ``runs.source``;
    a month already recorded by a real run is kept unless ``replace``. Returns the months recorded.
    """
    days = list(days) if days is not None else quarter_ends(cons.config.period_start, cons.arrete)
    done = set() if replace else set(load_runs(db)["month"])
    days = [d for d in days if month_key(d) not in done]
    written = []
    for day in days:
        at = dataclasses.replace(cons, arrete=day)
        figures = compute(at)
        run = run_row(day, cons.report, figures.sending.counts, cons.config.spec.version, BACKFILL)
        record(db, run, figure_rows(day, figures.timeline.snapshot))
        written.append(run["month"])
    return written
