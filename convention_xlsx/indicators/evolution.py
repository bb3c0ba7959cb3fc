"""``Évolution``: month by month over the convention period up to the arrêté.

Two kinds of figures side by side. Dated records give their month directly (actions,
meetings, trainings, partner news, calls, and mandates current at each month's end from
their start and end dates). Snapshot figures (presence per status, visitors, CPs,
cross-members) come from the history of monthly runs: a month no run recorded stays
empty (NaN), never zero. Pure: the history is passed in as a frame.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .activity import represented
from .common import months
from .snapshot import NATIONAL, STATUS_INDICATORS, by_month
from .vocabulary import Vocabulary

DATED = ("actions", "joint_actions", "meetings", "meetings_both", "trainings", "news_anvp", "news_auxilia",
         "calls_filed", "calls_won", "mandates_current")
SNAPSHOT = (*(i.key for i in STATUS_INDICATORS), "anvp_visitors", "auxilia_cps", "cross_members")
EVOLUTION_COLUMNS = (*DATED, *SNAPSHOT)


def _per_month(dates: pd.Series, index: pd.DatetimeIndex) -> pd.Series:
    """How many of ``dates`` fall in each month of ``index`` (0 where none)."""
    if dates.empty:
        return pd.Series(0, index=index, dtype=int)
    month = dates.dt.to_period("M").dt.to_timestamp()
    return month.value_counts().reindex(index, fill_value=0).astype(int)


def dated_by_month(tables: dict[str, pd.DataFrame], mandates: pd.DataFrame, start: dt.date,
                   arrete: dt.date, v: Vocabulary) -> pd.DataFrame:
    """Month (first day) × dated indicator, from ``start``'s month to the arrêté's.

    ``tables`` are the counted rows (no joint duplicate, nothing after the arrêté);
    ``mandates`` the table of :func:`people.mandates`.
    """
    index = pd.DatetimeIndex(months(start, arrete), name="month")

    def within(frame: pd.DataFrame, column: str) -> pd.DataFrame:
        values = frame[column]
        return frame[(values >= pd.Timestamp(start)) & (values <= pd.Timestamp(arrete))]

    actions = within(tables["actions"], "date")
    meetings = within(tables["meetings"], "date")
    both = [represented(a, v) and represented(x, v)
            for a, x in zip(meetings["anvp_represented"], meetings["auxilia_represented"], strict=True)]
    news = within(tables["communication"], "date")
    news = news[news["nature"] == v.news]
    calls = within(tables["calls"], "filed")
    filed = calls[calls["status"].isin(v.filed)]
    first, second = v.parties
    out = pd.DataFrame({
        "actions": _per_month(actions["date"], index),
        "joint_actions": _per_month(actions.loc[actions["associations"] == v.joint_action, "date"], index),
        "meetings": _per_month(meetings["date"], index),
        "meetings_both": _per_month(meetings.loc[pd.Series(both, index=meetings.index, dtype=bool), "date"],
                                    index),
        "trainings": _per_month(within(tables["trainings"], "date")["date"], index),
        "news_anvp": _per_month(news.loc[news["issuer"] == first, "date"], index),
        "news_auxilia": _per_month(news.loc[news["issuer"] == second, "date"], index),
        "calls_filed": _per_month(filed["filed"], index),
        "calls_won": _per_month(filed.loc[filed["status"] == v.accepted, "filed"], index),
    }, index=index)
    out["mandates_current"] = mandates_by_month(mandates, index, arrete)
    return out


def mandates_by_month(mandates: pd.DataFrame, index: pd.DatetimeIndex, arrete: dt.date) -> list[int]:
    """Mandates current on each month's last day (the arrêté for its own month)."""
    if mandates.empty:
        return [0] * len(index)
    starts, ends = mandates["mandate_start"], mandates["mandate_end"]
    out = []
    for first in index:
        day = min(first + pd.offsets.MonthEnd(0), pd.Timestamp(arrete))
        out.append(int(((starts <= day) & (ends >= day)).sum()))
    return out


def evolution(dated: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """The dated figures with the national snapshot of each recorded month beside them.

    ``history`` should already hold this run's month (see :func:`snapshot.with_current`);
    months outside ``dated``'s index (after the arrêté) are left out.
    """
    snap = by_month(history, NATIONAL, SNAPSHOT).reindex(dated.index)
    out = dated.join(snap)
    out.index.name = "month"
    return out[list(EVOLUTION_COLUMNS)]


def disp_evolution(history: pd.DataFrame, index: pd.DatetimeIndex, disps: list[str],
                   key: str = "establishments_both") -> pd.DataFrame:
    """Month × DISP: the snapshot ``key`` of each DISP in each recorded month (NaN where none)."""
    rows = history[(history["indicator"] == key) & history["scope"].isin(disps)]
    grid = rows.pivot_table(index="month", columns="scope", values="value", aggfunc="last")
    grid.index = pd.to_datetime(grid.index + "-01")
    grid = grid.reindex(index=index, columns=disps)
    grid.index.name = "month"
    return grid


def recorded_months(history: pd.DataFrame, index: pd.DatetimeIndex) -> list[bool]:
    """For each month of ``index``, whether the history holds a national snapshot for it."""
    months_recorded = set(history.loc[history["scope"] == NATIONAL, "month"])
    return [f"{m.year:04d}-{m.month:02d}" in months_recorded for m in index]
