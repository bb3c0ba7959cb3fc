"""Every figure of the dashboard and the bilan, computed from a :class:`Consolidation`.

Pure: no file access, no spreadsheet library. :func:`compute` returns a
:class:`Figures` that the dashboard writer lays out without computing anything.
Figures are taken "at" the arrêté date: records dated after it are ignored, and the
second report of a joint record (``joint_duplicate``) is skipped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from ..consolidate import Consolidation
from ..schema import Spec
from . import activity, bilan, completeness, evolution, people, presence, snapshot
from .activity import ActionFigures, CallFigures, MeetingFigures, TrainingFigures
from .bilan import Recommendation
from .common import count_sum, counted
from .common import months as common_months
from .completeness import CompletenessFigures
from .people import PeopleFigures
from .vocabulary import Vocabulary, vocabulary

__all__ = ["Figures", "Recommendation", "compute"]


@dataclass
class Figures:
    """What the dashboard shows. Frames use English column keys; the writer labels them."""

    arrete: dt.date
    today: dt.date
    spec: Spec
    """The workbook's description the figures were computed against (labels, vocabulary)."""
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
    bilan_year: int = 0
    """The year N of the bilan (the arrêté's year unless asked otherwise)."""
    bilan_months: tuple[str | None, str | None] = (None, None)
    """The months (« AAAA-MM ») whose snapshot gives N and N−1 in the bilan (None: not recorded)."""
    snapshot: pd.DataFrame = field(default_factory=snapshot.empty_history)
    """This run's snapshot rows (indicator, scope, value): what the history records for its month."""
    evolution: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Month × figure (see :mod:`indicators.evolution`): dated records and recorded snapshots."""
    evolution_disp: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Month × DISP: establishments where both associations are present, from the history."""

    @property
    def news_quarters(self) -> dict[str, int]:
        """Per association, quarters (up to the arrêté) with at least one partner news."""
        return {a: activity.quarters_with_news(self.news, a) for a in self.news.columns[4:]}


def compute(cons: Consolidation, history: pd.DataFrame | None = None, bilan_year: int | None = None) -> Figures:
    """All the figures of the dashboard at the arrêté date of ``cons``.

    ``history``: the snapshot rows recorded by earlier runs (columns ``month``, ``indicator``,
    ``scope``, ``value``; see :mod:`convention_xlsx.history`), for ``Évolution`` and the bilan's
    N−1. ``bilan_year``: the year N of the bilan (default: the arrêté's year).
    """
    cfg = cons.config
    spec, v = cfg.spec, vocabulary(cfg.spec)
    start, end = cfg.period_start, min(cfg.period_end, cons.arrete)
    tables = {k: counted(cons, k) for k in activity_keys()}
    mandates = people.mandates(cons)
    est = presence.resolve(cons)
    est = _join_activity(est, cons, tables, mandates, v)
    year = cons.arrete.year
    news = activity.news_grid(tables["communication"], start, end, v)
    comp = completeness.completeness(cons)
    pfig = people.people_figures(cons, mandates)
    statuses = presence.status_counts(est)
    n = bilan_year or year
    period = (cfg.period_start, cfg.period_end)
    window_n = bilan.year_window(n, cons.arrete, period)
    window_n1 = bilan.year_window(n - 1, cons.arrete, period)
    snap = snapshot.snapshot_rows(est, pfig)
    month = snapshot.month_key(cons.arrete)
    full_history = snapshot.with_current(history, month, snap)
    until_arrete = full_history[full_history["month"] <= month]
    current = snapshot.latest_in_year(until_arrete, n)
    previous = snapshot.latest_in_year(until_arrete, n - 1)
    snapshots = bilan.snapshot_rows(_labelled(current), _labelled(previous))
    names = dict(zip(est["establishment"], est["name"], strict=True))
    recs = (
        bilan.presence_recommendations(est)
        + bilan.mandate_recommendations(mandates, cons.arrete, cfg.mandate_expiry_days)
        + bilan.meeting_recommendations(tables["meetings"], window_n, names, n, v)
        + bilan.training_recommendations(tables["trainings"], window_n, n)
        + bilan.news_recommendations(news, spec, n)
        + bilan.call_recommendations(tables["calls"], window_n, n, v)
        + bilan.completeness_recommendations(comp)
    )
    return Figures(
        arrete=cons.arrete,
        today=cons.today,
        spec=spec,
        year=year,
        period=(start, end),
        establishments=est,
        status_counts=statuses,
        by_disp=presence.by_disp(est),
        declared_visitors=count_sum(est, "anvp_visitors"),
        declared_cps=count_sum(est, "auxilia_cps"),
        people=pfig,
        mandates=mandates,
        actions=activity.action_figures(tables["actions"], start, end, v),
        actions_year=(activity.action_figures(tables["actions"], *window_n, v) if window_n
                      else activity.ActionFigures(0, 0, 0)),
        actions_by_month=activity.actions_by_month(tables["actions"], start, end, v),
        actions_by_type=activity.actions_by_type(tables["actions"], start, end, v),
        meetings=activity.meeting_figures(tables["meetings"], start, end, v),
        trainings=activity.training_figures(tables["trainings"], start, end),
        referrals={k: count_sum(tables["referrals"], k) for k in activity.REFERRAL_COUNTS},
        news=news,
        calls=activity.call_figures(tables["calls"], start, end, v),
        calls_by_carrier=activity.calls_by_carrier(tables["calls"], start, end, v),
        completeness=comp,
        completeness_figures=completeness.completeness_figures(comp),
        bilan=bilan.bilan_table(
            bilan.dated_rows(tables, news, window_n, spec, v), bilan.dated_rows(tables, news, window_n1, spec, v),
            snapshots),
        recommendations=recs,
        bilan_year=n,
        bilan_months=(current[0] if current else None, previous[0] if previous else None),
        snapshot=snap,
        evolution=evolution.evolution(evolution.dated_by_month(tables, mandates, start, cons.arrete, v), full_history),
        evolution_disp=evolution.disp_evolution(full_history, pd.DatetimeIndex(common_months(start, cons.arrete)),
                                                list(dict.fromkeys(est["disp"]))),
    )


def _labelled(found: tuple[str, dict[str, float]] | None) -> dict[str, object]:
    """A recorded snapshot by the bilan's labels (« non disponible » when not recorded)."""
    values = found[1] if found else {}
    return {label: int(values[key]) if key in values else bilan.NOT_AVAILABLE
            for key, label in snapshot.LABELS.items() if key not in ("mandates_expiring", "mandates_expired")}


def snapshots_at(cons: Consolidation, days: list[dt.date]) -> dict[dt.date, pd.DataFrame]:
    """The snapshot rows (see :mod:`snapshot`) of ``cons`` as if arrêté at each of ``days``.

    Cheaper than :func:`compute` per day: presence is resolved once (the ``Établissements``
    sheet is today's situation, undated), volunteers' mandates follow their dates.
    """
    est = presence.resolve(cons)
    out = {}
    for day in days:
        at = dataclasses.replace(cons, arrete=day)
        mandates = people.mandates(at)
        joined = est.join(people.per_establishment(at, mandates))
        for col in ("visitor_cps", "cross_members", "mandates_current", "mandates_expiring"):
            joined[col] = joined[col].fillna(0).astype(int) if col in joined else 0
        out[day] = snapshot.snapshot_rows(joined, people.people_figures(at, mandates))
    return out


def activity_keys() -> tuple[str, ...]:
    return ("actions", "meetings", "referrals", "trainings", "communication", "calls")


def _join_activity(est: pd.DataFrame, cons: Consolidation, tables: dict[str, pd.DataFrame],
                   mandates: pd.DataFrame, v: Vocabulary) -> pd.DataFrame:
    """Add per-establishment volunteers, joint actions, last meeting and referrals."""
    est = est.join(people.per_establishment(cons, mandates))
    est["joint_actions_12m"] = activity.joint_actions_per_establishment(tables["actions"], cons.arrete, v)
    est = est.join(activity.last_meetings(tables["meetings"], v))
    est = est.join(activity.referrals_per_establishment(tables["referrals"]))
    counts = ["visitor_cps", "cross_members", "mandates_current", "mandates_expiring", "joint_actions_12m",
              *activity.REFERRAL_COUNTS]
    for col in counts:
        est[col] = est[col].fillna(0).astype(int) if col in est else 0
    if "last_meeting" not in est:
        est["last_meeting"] = pd.NaT
        est["last_meeting_represented"] = None
    return est
