"""Validity periods (mandates…) and obligations per period (partner news each quarter…), as pure functions."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .common import Quarter, between, months, quarters

CURRENT, EXPIRING, EXPIRED, FUTURE = "en cours", "à renouveler", "expiré", "à venir"
STATES = (EXPIRING, CURRENT, EXPIRED, FUTURE)
"""States of a validity period, most urgent first (the order of its sheet)."""


def state(start: dt.date, end: dt.date, arrete: dt.date, alert_days: int) -> str:
    """At the arrêté: current (start ≤ arrêté ≤ end), expiring (current, ending within ``alert_days``),
    expired (end < arrêté) or future (start > arrêté)."""
    if end < arrete:
        return EXPIRED
    if start > arrete:
        return FUTURE
    if end <= arrete + dt.timedelta(days=alert_days):
        return EXPIRING
    return CURRENT


def validity_table(rows: pd.DataFrame, start: str, end: str, arrete: dt.date, alert_days: int,
                   names: dict[str, str]) -> pd.DataFrame:
    """The rows holding both dates, with their ``state`` and ``days_left`` at the arrêté, most urgent first."""
    frame = rows[rows[start].notna() & rows[end].notna()].copy() if len(rows) else rows.copy()
    frame["state"] = [state(s.date(), e.date(), arrete, alert_days) for s, e in zip(frame[start], frame[end],
                                                                                 strict=True)]
    frame["days_left"] = [(e.date() - arrete).days for e in frame[end]]
    if "establishment" in frame:
        frame["establishment_name"] = [names.get(c, "") if isinstance(c, str) else "" for c in frame["establishment"]]
    order = {s: i for i, s in enumerate(STATES)}
    frame["_order"] = frame["state"].map(order)
    frame = frame.sort_values(["_order", end], kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True)


def current_at(rows: pd.DataFrame, start: str, end: str, day: dt.date) -> int:
    if rows.empty:
        return 0
    stamp = pd.Timestamp(day)
    return int(((rows[start] <= stamp) & (rows[end] >= stamp)).sum())


def current_by_month(rows: pd.DataFrame, start: str, end: str, index: pd.DatetimeIndex, arrete: dt.date) -> list[int]:
    """Periods current on each month's last day (the arrêté for its own month)."""
    out = []
    for first in index:
        day = min(first + pd.offsets.MonthEnd(0), pd.Timestamp(arrete))
        out.append(current_at(rows, start, end, day.date()))
    return out


# --- obligations ------------------------------------------------------------------------------------


def period_spans(kind: str, start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date, int]]:
    """(label, first day, last day, year) of each period from ``start``'s to ``end``'s."""
    if kind == "trimestre":
        return [(q.label, q.start, q.end, q.year) for q in quarters(start, end)]
    if kind == "mois":
        out = []
        for first in months(start, end):
            last = (first + pd.offsets.MonthEnd(0)).date()
            out.append((f"{first:%m/%Y}", first.date(), last, first.year))
        return out
    return [(str(y), dt.date(y, 1, 1), dt.date(y, 12, 31), y) for y in range(start.year, end.year + 1)]


def obligation_grid(rows: pd.DataFrame, date_key: str, by: str, values: tuple[str, ...], kind: str,
                    start: dt.date, arrete: dt.date) -> pd.DataFrame:
    """One row per period up to the arrêté's: for each value of ``by`` (each party) the rows dated in
    it, and whether the period is still in progress (``ongoing``: not yet a shortfall)."""
    out = []
    for label, first, last, year in period_spans(kind, start, arrete):
        in_period = between(rows, date_key, first, min(last, arrete))
        row: dict[str, object] = {"period": label, "year": year, "start": first, "ongoing": last > arrete}
        for value in values:
            row[value] = int((in_period[by] == value).sum()) if by else len(in_period)
        out.append(row)
    return pd.DataFrame(out, columns=["period", "year", "start", "ongoing", *values])


def periods_met(grid: pd.DataFrame, value: str, minimum: int, year: int | None = None) -> int:
    rows = grid if year is None else grid[grid["year"] == year]
    return int((rows[value] >= minimum).sum()) if len(rows) else 0


def periods_missed(grid: pd.DataFrame, value: str, minimum: int, year: int | None = None) -> list[str]:
    """Completed periods in which ``value`` fell short of the obligation."""
    rows = grid if year is None else grid[grid["year"] == year]
    if rows.empty:
        return []
    return list(rows.loc[(rows[value] < minimum) & ~rows["ongoing"].astype(bool), "period"])


__all__ = ["Quarter"]
