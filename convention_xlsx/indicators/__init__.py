"""Every figure of the dashboard and the bilan, computed from a :class:`Consolidation`.

Pure: no file access, no spreadsheet library. :func:`compute` returns a
:class:`Figures` that the dashboard writer lays out without computing anything.
Figures are taken "at" the arrêté date: records dated after it are ignored, and the
second report of a joint record (``joint_duplicate``) is skipped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from ..consolidate import Consolidation
from . import activity, bilan, completeness, people, presence
from .activity import ActionFigures, CallFigures, MeetingFigures, TrainingFigures
from .bilan import Recommendation
from .common import count_sum, counted
from .completeness import CompletenessFigures
from .people import PeopleFigures

__all__ = ["Figures", "Recommendation", "compute"]


@dataclass
class Figures:
    """What the dashboard shows. Frames use English column keys; the writer labels them."""

    arrete: dt.date
    today: dt.date
    year: int
    period: tuple[dt.date, dt.date]
    """The convention period up to the arrêté: the window of « depuis le début »."""
    establishments: pd.DataFrame
    status_counts: pd.Series
    by_disp: pd.DataFrame
    declared_visitors: int
    declared_cps: int
    people: PeopleFigures
    mandates: pd.DataFrame
    actions: ActionFigures
    actions_year: ActionFigures
    actions_by_month: pd.DataFrame
    actions_by_type: pd.DataFrame
    meetings: MeetingFigures
    trainings: TrainingFigures
    referrals: dict[str, int]
    news: pd.DataFrame
    calls: CallFigures
    calls_by_carrier: pd.DataFrame
    completeness: pd.DataFrame
    completeness_figures: CompletenessFigures
    bilan: pd.DataFrame
    recommendations: list[Recommendation] = field(default_factory=list)

    @property
    def news_quarters(self) -> dict[str, int]:
        """Per association, quarters (up to the arrêté) with at least one partner news."""
        return {a: activity.quarters_with_news(self.news, a) for a in ("ANVP", "Auxilia")}


def compute(cons: Consolidation) -> Figures:
    """All the figures of the dashboard at the arrêté date of ``cons``."""
    cfg = cons.config
    start, end = cfg.period_start, min(cfg.period_end, cons.arrete)
    tables = {k: counted(cons, k) for k in activity_keys()}
    mandates = people.mandates(cons)
    est = presence.resolve(cons)
    est = _join_activity(est, cons, tables, mandates)
    year = cons.arrete.year
    news = activity.news_grid(tables["communication"], start, cons.arrete)
    comp = completeness.completeness(cons)
    pfig = people.people_figures(cons, mandates)
    statuses = presence.status_counts(est)
    window_n = bilan.year_window(year, cons.arrete, (cfg.period_start, cfg.period_end))
    window_n1 = bilan.year_window(year - 1, cons.arrete, (cfg.period_start, cfg.period_end))
    snapshots = bilan.snapshot_rows({
        "Établissements où les deux associations sont présentes": int(statuses["Les deux"]),
        "Établissements où seule l'ANVP est présente": int(statuses["ANVP seule"]),
        "Établissements où seule Auxilia est présente": int(statuses["Auxilia seule"]),
        "Établissements sans aucune des deux associations": int(statuses["Aucune"]),
        "CP Auxilia en poste (déclarés)": count_sum(est, "auxilia_cps"),
        "Bénévoles adhérents des deux associations": pfig.cross_members,
        "Mandats en cours": pfig.mandates_current,
    })
    names = dict(zip(est["establishment"], est["name"], strict=True))
    recs = (
        bilan.presence_recommendations(est)
        + bilan.mandate_recommendations(mandates, cons.arrete, cfg.mandate_expiry_days)
        + bilan.meeting_recommendations(tables["meetings"], window_n, names, year)
        + bilan.training_recommendations(tables["trainings"], window_n, year)
        + bilan.news_recommendations(news)
        + bilan.call_recommendations(tables["calls"], window_n, year)
        + bilan.completeness_recommendations(comp)
    )
    return Figures(
        arrete=cons.arrete,
        today=cons.today,
        year=year,
        period=(start, end),
        establishments=est,
        status_counts=statuses,
        by_disp=presence.by_disp(est),
        declared_visitors=count_sum(est, "anvp_visitors"),
        declared_cps=count_sum(est, "auxilia_cps"),
        people=pfig,
        mandates=mandates,
        actions=activity.action_figures(tables["actions"], start, end),
        actions_year=activity.action_figures(tables["actions"], *(window_n or (start, start))),
        actions_by_month=activity.actions_by_month(tables["actions"], start, end),
        actions_by_type=activity.actions_by_type(tables["actions"], start, end),
        meetings=activity.meeting_figures(tables["meetings"], start, end),
        trainings=activity.training_figures(tables["trainings"], start, end),
        referrals={k: count_sum(tables["referrals"], k) for k in activity.REFERRAL_COUNTS},
        news=news,
        calls=activity.call_figures(tables["calls"], start, end),
        calls_by_carrier=activity.calls_by_carrier(tables["calls"], start, end),
        completeness=comp,
        completeness_figures=completeness.completeness_figures(comp),
        bilan=bilan.bilan_table(
            bilan.dated_rows(tables, news, window_n), bilan.dated_rows(tables, news, window_n1), snapshots),
        recommendations=recs,
    )


def activity_keys() -> tuple[str, ...]:
    return ("actions", "meetings", "referrals", "trainings", "communication", "calls")


def _join_activity(est: pd.DataFrame, cons: Consolidation, tables: dict[str, pd.DataFrame],
                   mandates: pd.DataFrame) -> pd.DataFrame:
    """Add per-establishment volunteers, joint actions, last meeting and referrals."""
    est = est.join(people.per_establishment(cons, mandates))
    est["joint_actions_12m"] = activity.joint_actions_per_establishment(tables["actions"], cons.arrete)
    est = est.join(activity.last_meetings(tables["meetings"]))
    est = est.join(activity.referrals_per_establishment(tables["referrals"]))
    counts = ["visitor_cps", "cross_members", "mandates_current", "mandates_expiring", "joint_actions_12m",
              *activity.REFERRAL_COUNTS]
    for col in counts:
        est[col] = est[col].fillna(0).astype(int) if col in est else 0
    if "last_meeting" not in est:
        est["last_meeting"] = pd.NaT
        est["last_meeting_represented"] = None
    return est
