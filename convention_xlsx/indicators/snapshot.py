"""Snapshot rows: what is known only at the arrêté (presence, headcounts, validity states).

Dated records can be counted for any past month at any time; a snapshot cannot — the sites
sheet holds today's situation only. Each monthly run therefore records its snapshot in the
history (:mod:`convention_xlsx.history`) as rows ``(indicator, scope, value)`` where ``scope`` is
``national``, a group or a site code (the rows are computed by :func:`indicators.board.snapshot_rows`).
This module reads them back from a history frame (columns ``month`` « AAAA-MM », ``indicator``,
``scope``, ``value``).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

NATIONAL = "national"
HISTORY_COLUMNS = ("month", "indicator", "scope", "value")


def month_key(day: dt.date) -> str:
    """The history's month key: « AAAA-MM »."""
    return f"{day.year:04d}-{day.month:02d}"


def empty_history() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=float if c == "value" else object) for c in HISTORY_COLUMNS})


def with_current(history: pd.DataFrame | None, month: str, current: pd.DataFrame) -> pd.DataFrame:
    """The history with ``month`` replaced by this run's rows (what the run will record)."""
    history = empty_history() if history is None else history
    now = current.assign(month=month)[list(HISTORY_COLUMNS)]
    kept = history[history["month"] != month]
    return pd.concat([kept, now], ignore_index=True) if len(kept) else now.reset_index(drop=True)


def latest_in_year(history: pd.DataFrame | None, year: int,
                   scope: str = NATIONAL) -> tuple[str, dict[str, float]] | None:
    """The last recorded month of ``year`` and its values for ``scope`` (None: no month recorded)."""
    if history is None or history.empty:
        return None
    rows = history[(history["scope"] == scope) & history["month"].str.startswith(f"{year:04d}-")]
    if rows.empty:
        return None
    month = max(rows["month"])
    last = rows[rows["month"] == month]
    return month, dict(zip(last["indicator"], last["value"].astype(float), strict=True))


def by_month(history: pd.DataFrame, scope: str, keys: tuple[str, ...]) -> pd.DataFrame:
    """Months (first day, as Timestamps) × indicator keys for ``scope``; absent values NaN."""
    rows = history[(history["scope"] == scope) & history["indicator"].isin(keys)]
    grid = rows.pivot_table(index="month", columns="indicator", values="value", aggfunc="last")
    grid = grid.reindex(columns=list(keys))
    grid.index = pd.to_datetime(grid.index + "-01")
    return grid
