"""Presence of the two parties in every establishment of the référentiel (§1).

Each party is authoritative for its own columns of the sites sheet (the columns the spec marks
``partie``: its presence, its headcount…). The other party's view is used only where the
authoritative side gave nothing for the establishment. When several sections of one
association report the same establishment, the row of the most recently updated
workbook wins. An establishment nobody reported is « Aucune » (never « non renseigné »),
and its « Sections ayant rendu compte » cell says so by being empty.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..consolidate import Consolidation
from ..schema import Kind, Spec
from .activity import ANVP_ONLY, AUXILIA_ONLY, BOTH, NONE, REPRESENTATION
from .common import freshness_rank, row_dates, table

STATUSES = REPRESENTATION
"""Both, the first party only, the second only, none."""


def sides(spec: Spec) -> list[tuple[str, str, tuple[str, ...]]]:
    """(party, other party, the columns of the sites sheet it is authoritative for)."""
    sites = spec.sites
    first, second = spec.party_names[:2]
    own = {p: tuple(c.key for c in sites.columns if c.party == p) if sites else () for p in (first, second)}
    return [(first, second, own[first]), (second, first, own[second])]


def status(anvp: bool, auxilia: bool) -> str:
    if anvp and auxilia:
        return BOTH
    return ANVP_ONLY if anvp else AUXILIA_ONLY if auxilia else NONE


def is_present(flag: object, count: object) -> bool:
    """Present when the flag says Oui, or when the flag is empty and the count is > 0."""
    if flag is True or flag is False:
        return bool(flag)
    if pd.isna(flag):
        return not pd.isna(count) and int(count) > 0
    return bool(flag)


def _latest_rows(frame: pd.DataFrame, association: str) -> dict[str, pd.Series]:
    """Per establishment code, the row of ``association``'s most recently updated workbook."""
    rows = frame[(frame["association"] == association) & frame["establishment"].notna()]
    rows = rows.sort_values(["_updated", "_fresh", "excel_row"], kind="stable", na_position="first")
    return {code: row for code, row in rows.groupby("establishment").tail(1).set_index(
        "establishment", drop=False).iterrows()}


def resolve(cons: Consolidation) -> pd.DataFrame:
    """One row per establishment of the référentiel, in its order, indexed by code."""
    spec = cons.config.spec
    frame = table(cons, spec.sites.key).copy()
    frame["_updated"] = row_dates(cons, frame)
    frame["_fresh"] = freshness_rank(cons, frame)
    latest = {a: _latest_rows(frame, a) for a in spec.party_names}
    first, second = (spec.party(a) for a in spec.party_names[:2])
    reporters: dict[str, set[str]] = {}
    last_report: dict[str, dt.date] = {}
    for code, section, association, updated in zip(
        frame["establishment"], frame["section"], frame["association"], frame["_updated"], strict=True
    ):
        if code is None:
            continue
        reporters.setdefault(code, set()).add(f"{association} {section}")
        if not pd.isna(updated):
            last_report[code] = max(last_report.get(code, updated.date()), updated.date())
    records = []
    for est in cons.config.referentiel.establishments:
        rec: dict[str, object] = {"establishment": est.code, "disp": est.disp, "type": est.type,
                                  "name": est.name}
        views = []
        for own, other, fields in sides(spec):
            row = _pick(latest[own].get(est.code), latest[other].get(est.code), fields)
            if row is not None and row is latest[other].get(est.code):
                views.append(f"présence {own}")
            for f in fields:
                rec[f] = None if row is None or pd.isna(row[f]) else row[f]
        anvp = is_present(rec[first.presence], rec[first.headcount])
        auxilia = is_present(rec[second.presence], rec[second.headcount])
        rec["status"] = status(anvp, auxilia)
        rec["reporters"] = ", ".join(sorted(reporters.get(est.code, ())))
        rec["last_report"] = last_report.get(est.code)
        rec["other_view"] = ", ".join(views)
        records.append(rec)
    out = pd.DataFrame.from_records(records).set_index("establishment", drop=False)
    for col in spec.sites.data_columns:
        if col.kind is Kind.COUNT and col.key in out:
            out[col.key] = out[col.key].astype("Int64")
    return out


def _pick(own: pd.Series | None, other: pd.Series | None, fields: tuple[str, ...]) -> pd.Series | None:
    """The authoritative row when it says anything about ``fields``, else the other view."""
    for row in (own, other):
        if row is not None and any(not pd.isna(row[f]) for f in fields):
            return row
    return None


def status_counts(establishments: pd.DataFrame) -> pd.Series:
    """Number of establishments in each presence status (all four, zeros included)."""
    return establishments["status"].value_counts().reindex(list(STATUSES), fill_value=0).astype(int)


def by_disp(establishments: pd.DataFrame) -> pd.DataFrame:
    """Per DISP (référentiel order): establishments in each status, total, visitors, CPs,
    joint actions in the last 12 months."""
    order = list(dict.fromkeys(establishments["disp"]))
    grid = pd.crosstab(establishments["disp"], establishments["status"])
    grid = grid.reindex(index=order, columns=list(STATUSES), fill_value=0).fillna(0).astype(int)
    grid["Total"] = grid.sum(axis=1)
    sums = establishments.groupby("disp")[["anvp_visitors", "auxilia_cps", "joint_actions_12m"]].sum()
    grid = grid.join(sums.fillna(0).astype(int))
    grid.index.name = "disp"
    return grid
