"""``Évolution``: every declared indicator marked ``evolution`` month by month, over the convention up to the arrêté.

Dated records give every month directly (counted by their date); validity periods are counted as current
on each month's last day; snapshot figures (presence, headcounts…) come from the history of monthly runs
and stay empty (NaN, never zero) for a month no run recorded.
"""

from __future__ import annotations

import pandas as pd

from ..declaration import OBLIGATION, PRESENCE, SHARE, VALIDITY
from .common import months
from .periods import current_by_month
from .snapshot import NATIONAL, by_month


def _per_month(rows: pd.DataFrame, date_key: str, index: pd.DatetimeIndex, columns: tuple[str, ...] = ()) -> pd.Series:
    if rows.empty:
        return pd.Series(0.0, index=index)
    month = rows[date_key].dt.to_period("M").dt.to_timestamp()
    if columns:
        values = sum(pd.to_numeric(rows[c], errors="coerce").fillna(0) for c in columns)
        return values.groupby(month).sum().reindex(index, fill_value=0).astype(float)
    return month.value_counts().reindex(index, fill_value=0).astype(float)


def series_keys(b, ind) -> list[tuple[str, str]]:
    """(column key, label) of the monthly series one indicator gives."""
    from .board import presence_keys, slug

    if ind.kind == PRESENCE:
        return [(key, label) for label, key in presence_keys(b.spec, ind)]
    if ind.kind == VALIDITY:
        return [(f"{ind.key}_current", ind.label)]
    if ind.kind == OBLIGATION:
        values = b.spec.sheet(ind.sheet).column(ind.by).allowed if ind.by else ("",)
        base = ind.tile or ind.label
        return [(f"{ind.key}_{slug(v)}" if v else ind.key, base.replace("{partie}", b.spec.in_sentence(v)))
                for v in values]
    return [(ind.key, ind.label)]


def evolution(b, f) -> None:
    """Fill ``f.timeline.evolution`` (month × key), its labels, which keys come from the history, and per group."""
    index = pd.DatetimeIndex(months(b.start, b.end), name="month")
    columns: dict[str, pd.Series] = {}
    snapshot_keys: list[str] = []
    for ind in b.board.indicators:
        if not ind.evolution:
            continue
        for key, label in series_keys(b, ind):
            f.timeline.labels[key] = label.replace("{annee}", str(b.n))
        if ind.kind == VALIDITY:
            rows = b.validity_rows(ind)
            columns[f"{ind.key}_current"] = pd.Series(current_by_month(rows, ind.start, ind.end, index, b.arrete),
                                                      index=index, dtype=float)
        elif ind.kind == OBLIGATION:
            rows = b.source(ind)
            for key, _ in series_keys(b, ind):
                value = next(v for v in (b.spec.sheet(ind.sheet).column(ind.by).allowed if ind.by else ("",))
                             if (key == ind.key if not v else key.endswith(_tail(v))))
                part = rows[rows[ind.by] == value] if ind.by else rows
                columns[key] = _per_month(part, b.date_key(ind), index)
        elif ind.kind == SHARE and b.dated(ind):
            num, den = b.board.indicator(ind.numerator), b.board.indicator(ind.denominator)
            n = _per_month(b.source(num), b.date_key(num), index, num.columns if num.kind == "somme" else ())
            d = _per_month(b.source(den), b.date_key(den), index, den.columns if den.kind == "somme" else ())
            columns[ind.key] = (n / d.where(d != 0)).astype(float)
        elif b.dated(ind):
            columns[ind.key] = _per_month(b.source(ind), b.date_key(ind), index,
                                          ind.columns if ind.kind == "somme" else ())
        else:
            snapshot_keys += [key for key, _ in series_keys(b, ind)]
    history = b.full_history
    snap = by_month(history, NATIONAL, tuple(snapshot_keys)).reindex(index) if snapshot_keys else None
    frame = pd.DataFrame(columns, index=index)
    if snap is not None:
        frame = frame.join(snap)
    order = [k for k in f.timeline.labels if k in frame]
    f.timeline.evolution = frame[order]
    f.timeline.evolution.index.name = "month"
    f.timeline.from_history = set(snapshot_keys)
    national = set(history.loc[history["scope"] == NATIONAL, "month"])
    f.timeline.recorded = [f"{m.year:04d}-{m.month:02d}" in national for m in index]
    presence = b.board.presence
    if presence is not None and not f.sites.empty:
        groups = list(dict.fromkeys(f.sites["group"]))
        rows = history[(history["indicator"] == f"{presence.key}_both") & history["scope"].isin(groups)]
        grid = rows.pivot_table(index="month", columns="scope", values="value", aggfunc="last")
        grid.index = pd.to_datetime(grid.index + "-01") if len(grid) else pd.DatetimeIndex([])
        grid = grid.reindex(index=index, columns=groups)
        grid.index.name = "month"
        f.timeline.groups = grid


def _tail(value: str) -> str:
    from .board import slug

    return "_" + slug(value)
