"""Snapshot figures: what is known only at the arrêté (presence, visitors, CPs, members, mandates).

Dated records (actions, meetings…) can be counted for any past month at any time; a
snapshot cannot — the ``Établissements`` sheet holds today's situation only. Each
monthly run therefore records its snapshot in the history (:mod:`convention_xlsx.history`),
as rows ``(indicator, scope, value)`` where ``scope`` is ``national``, a DISP name or an
establishment code. This module computes those rows (pure), and reads them back from a
history frame (columns ``month`` « AAAA-MM », ``indicator``, ``scope``, ``value``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from .activity import ANVP_ONLY, AUXILIA_ONLY, BOTH, NONE
from .people import PeopleFigures

NATIONAL = "national"
HISTORY_COLUMNS = ("month", "indicator", "scope", "value")


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str


STATUS_INDICATORS = (
    Indicator("establishments_both", "Établissements où les deux associations sont présentes"),
    Indicator("establishments_anvp_only", "Établissements où seule l'ANVP est présente"),
    Indicator("establishments_auxilia_only", "Établissements où seule Auxilia est présente"),
    Indicator("establishments_none", "Établissements sans aucune des deux associations"),
)
STATUS_OF = dict(zip((i.key for i in STATUS_INDICATORS), (BOTH, ANVP_ONLY, AUXILIA_ONLY, NONE), strict=True))

NATIONAL_INDICATORS = (
    *STATUS_INDICATORS,
    Indicator("anvp_visitors", "Visiteurs ANVP actifs (déclarés)"),
    Indicator("auxilia_cps", "CP Auxilia en poste (déclarés)"),
    Indicator("visitor_cps", "Visiteurs qui sont aussi CP"),
    Indicator("cross_members", "Bénévoles adhérents des deux associations"),
    Indicator("mandates_current", "Mandats en cours"),
    Indicator("mandates_expiring", "Mandats à renouveler"),
    Indicator("mandates_expired", "Mandats expirés"),
)
"""Recorded for the whole country; the bilan shows them for N and N−1."""

DISP_KEYS = ("establishments_both", "establishments_anvp_only", "establishments_auxilia_only",
             "establishments_none", "anvp_visitors", "auxilia_cps", "cross_members", "mandates_current")
ESTABLISHMENT_KEYS = ("anvp_present", "auxilia_present", "anvp_visitors", "auxilia_cps", "cross_members",
                      "mandates_current")
LABELS = {i.key: i.label for i in NATIONAL_INDICATORS}


def month_key(day: dt.date) -> str:
    """The history's month key: « AAAA-MM »."""
    return f"{day.year:04d}-{day.month:02d}"


def national_values(establishments: pd.DataFrame, people: PeopleFigures) -> dict[str, float]:
    """The national snapshot, by indicator key."""
    status = establishments["status"]
    values: dict[str, float] = {key: float((status == s).sum()) for key, s in STATUS_OF.items()}
    values["anvp_visitors"] = float(establishments["anvp_visitors"].fillna(0).sum())
    values["auxilia_cps"] = float(establishments["auxilia_cps"].fillna(0).sum())
    values.update(visitor_cps=float(people.visitor_cps), cross_members=float(people.cross_members),
                  mandates_current=float(people.mandates_current),
                  mandates_expiring=float(people.mandates_expiring), mandates_expired=float(people.mandates_expired))
    return values


def snapshot_rows(establishments: pd.DataFrame, people: PeopleFigures) -> pd.DataFrame:
    """Every snapshot row of one run: national, per DISP, per establishment (``indicator``,
    ``scope``, ``value``). ``establishments`` is the resolved table of :mod:`presence` with the
    per-establishment volunteer counts joined."""
    rows = [(key, NATIONAL, value) for key, value in national_values(establishments, people).items()]
    est = _establishment_values(establishments)
    by_disp = est.groupby(establishments["disp"], sort=False).sum()
    for disp, values in by_disp.iterrows():
        rows += [(key, str(disp), float(values[key])) for key in DISP_KEYS]
    for code, values in est.iterrows():
        rows += [(key, str(code), float(values[key])) for key in ESTABLISHMENT_KEYS]
    return pd.DataFrame(rows, columns=list(HISTORY_COLUMNS[1:]))


def _establishment_values(est: pd.DataFrame) -> pd.DataFrame:
    status = est["status"]
    out = pd.DataFrame({key: (status == s).astype(float) for key, s in STATUS_OF.items()}, index=est.index)
    out["anvp_present"] = status.isin((BOTH, ANVP_ONLY)).astype(float)
    out["auxilia_present"] = status.isin((BOTH, AUXILIA_ONLY)).astype(float)
    for key in ("anvp_visitors", "auxilia_cps", "cross_members", "mandates_current"):
        column = est[key] if key in est else pd.Series(0, index=est.index)
        out[key] = pd.to_numeric(column, errors="coerce").fillna(0).astype(float)
    return out


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
