"""Volunteers (``Intervenants``): CPs, visitor-CPs, cross-members and mandates (§1).

A volunteer listed by both associations' sections (same name, first name and
establishment, compared without case or accents) counts once, with what both lists say.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from ..consolidate import Consolidation
from ..text import fold
from .common import counted, share
from .vocabulary import vocabulary

CURRENT, EXPIRING, EXPIRED, FUTURE = "en cours", "à renouveler", "expiré", "à venir"
MANDATE_STATES = (EXPIRING, CURRENT, EXPIRED, FUTURE)
"""Mandate states in the order the ``Mandats`` sheet lists them (most urgent first)."""


def mandate_state(start: dt.date, end: dt.date, arrete: dt.date, expiry_days: int) -> str:
    """State of a mandate at the arrêté: current (start ≤ arrêté ≤ end), expiring (current and
    ending within ``expiry_days``), expired (end < arrêté) or future (start > arrêté)."""
    if end < arrete:
        return EXPIRED
    if start > arrete:
        return FUTURE
    if end <= arrete + dt.timedelta(days=expiry_days):
        return EXPIRING
    return CURRENT


def volunteers(cons: Consolidation) -> pd.DataFrame:
    """The volunteers, each person once (see the module docstring).

    A person listed twice keeps the first row's provenance, but what both rows say is
    merged, whatever the order of the files: a visitor on one list and a CP on the other
    is a visitor who is also CP; a membership stated on either row counts; the mandate is
    the first one given.
    """
    frame = counted(cons, "volunteers")
    if frame.empty:
        return frame
    key = (frame["last_name"].map(lambda v: fold(v or "")) + "\x1f"
           + frame["first_name"].map(lambda v: fold(v or "")) + "\x1f"
           + frame["establishment"].fillna("").astype(str))
    duplicated = key.duplicated()
    if not duplicated.any():
        return frame
    v = vocabulary(cons.config.spec)
    groups = frame.groupby(key, sort=False)
    people = frame[~duplicated].set_index(key[~duplicated])
    is_cp = frame["role"].isin(v.cp_roles)
    is_visitor = frame["role"].isin(v.visitor_roles).groupby(key, sort=False).any()
    first_cp = frame["role"].where(is_cp).groupby(key, sort=False).first()
    role = first_cp.where(first_cp.notna(), groups["role"].first())
    people["role"] = role.where(~(first_cp.notna() & is_visitor), v.visitor_and_cp)
    for column in ("anvp_member", "auxilia_member"):
        values = frame[column]
        said_yes = values.fillna(False).astype(bool).groupby(key, sort=False).any()
        said = values.notna().groupby(key, sort=False).any()
        people[column] = said_yes.astype("boolean").where(said, pd.NA)
    for column in ("mandate_start", "mandate_end"):
        people[column] = groups[column].first()
    return people.reset_index(drop=True)


def mandates(cons: Consolidation) -> pd.DataFrame:
    """Every mandate (start and end given) with its state and the days left at the arrêté."""
    frame = volunteers(cons)
    if not frame.empty:
        frame = frame[frame["mandate_start"].notna() & frame["mandate_end"].notna()]
    frame = frame.copy()
    days = cons.config.mandate_expiry_days
    frame["state"] = [
        mandate_state(s.date(), e.date(), cons.arrete, days)
        for s, e in zip(frame["mandate_start"], frame["mandate_end"], strict=True)
    ]
    frame["days_left"] = [(e.date() - cons.arrete).days for e in frame["mandate_end"]]
    ref = cons.config.referentiel
    frame["establishment_name"] = [ref[c].name if c in ref else "" for c in frame["establishment"]]
    order = {s: i for i, s in enumerate(MANDATE_STATES)}
    frame["_order"] = frame["state"].map(order)
    frame = frame.sort_values(["_order", "mandate_end", "last_name"], kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True)


@dataclass(frozen=True)
class PeopleFigures:
    volunteers: int
    visitors: int
    cps: int
    visitor_cps: int
    visitor_cp_share: float | None
    cross_members: int
    mandates_current: int
    mandates_expiring: int
    mandates_expired: int


def people_figures(cons: Consolidation, mandate_table: pd.DataFrame) -> PeopleFigures:
    v = vocabulary(cons.config.spec)
    frame = volunteers(cons)
    roles = frame["role"] if not frame.empty else pd.Series([], dtype=object)
    cps = int(roles.isin(v.cp_roles).sum())
    visitor_cps = int((roles == v.visitor_and_cp).sum())
    states = mandate_table["state"] if not mandate_table.empty else pd.Series([], dtype=object)
    return PeopleFigures(
        volunteers=len(frame),
        visitors=int(roles.isin(v.visitor_roles).sum()),
        cps=cps,
        visitor_cps=visitor_cps,
        visitor_cp_share=share(visitor_cps, cps),
        cross_members=_cross(frame),
        mandates_current=int(states.isin((CURRENT, EXPIRING)).sum()),
        mandates_expiring=int((states == EXPIRING).sum()),
        mandates_expired=int((states == EXPIRED).sum()),
    )


def _cross(frame: pd.DataFrame) -> int:
    if frame.empty:
        return 0
    both = frame["anvp_member"].fillna(False) & frame["auxilia_member"].fillna(False)
    return int(both.sum())


def per_establishment(cons: Consolidation, mandate_table: pd.DataFrame) -> pd.DataFrame:
    """Per establishment code: visitor-CPs, cross-members, current and expiring mandates."""
    v = vocabulary(cons.config.spec)
    frame = volunteers(cons)
    codes = frame["establishment"] if not frame.empty else pd.Series([], dtype=object)
    out = pd.DataFrame({
        "establishment": codes,
        "visitor_cps": (frame["role"] == v.visitor_and_cp) if not frame.empty else [],
        "cross_members": (frame["anvp_member"].fillna(False) & frame["auxilia_member"].fillna(False))
        if not frame.empty else [],
    }).dropna(subset=["establishment"])
    result = out.groupby("establishment").sum().astype(int)
    if not mandate_table.empty:
        m = mandate_table.dropna(subset=["establishment"])
        states = m["state"]
        result = result.join(
            pd.DataFrame({
                "establishment": m["establishment"],
                "mandates_current": states.isin((CURRENT, EXPIRING)).astype(int),
                "mandates_expiring": (states == EXPIRING).astype(int),
            }).groupby("establishment").sum(),
            how="outer",
        )
    for col in ("visitor_cps", "cross_members", "mandates_current", "mandates_expiring"):
        if col not in result:
            result[col] = 0
    return result.fillna(0).astype(int)
