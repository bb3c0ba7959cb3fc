"""Dated records: actions, meetings (§1), trainings (§2), partner news (§3), calls (§4).

Each ``*_figures`` function takes the counted rows (see :func:`common.counted`) and a
window, so that the same function gives the figure since the start of the convention,
for the year N and for the year N−1 of the bilan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from .common import Quarter, between, count_sum, months, quarters, share
from .vocabulary import Vocabulary

BOTH, ANVP_ONLY, AUXILIA_ONLY, NONE = "Les deux", "ANVP seule", "Auxilia seule", "Aucune"
REPRESENTATION = (BOTH, ANVP_ONLY, AUXILIA_ONLY, NONE)


def represented(value: object, v: Vocabulary) -> bool:
    """« Oui » and « Par … » both count as represented; « Non » (or empty) does not."""
    return isinstance(value, str) and value != v.no


def by_other(value: object, v: Vocabulary) -> bool:
    return value in v.by_other


def representation(anvp: object, auxilia: object, v: Vocabulary) -> str:
    """Who was represented at a meeting: both, the first party only, the second only, none."""
    a, x = represented(anvp, v), represented(auxilia, v)
    return BOTH if a and x else ANVP_ONLY if a else AUXILIA_ONLY if x else NONE


# --- Actions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionFigures:
    actions: int
    joint: int
    people_reached: int


def action_figures(actions: pd.DataFrame, start: dt.date, end: dt.date, v: Vocabulary) -> ActionFigures:
    rows = between(actions, "date", start, end)
    return ActionFigures(
        actions=len(rows),
        joint=int((rows["associations"] == v.joint_action).sum()),
        people_reached=count_sum(rows, "people_reached"),
    )


def actions_by_month(actions: pd.DataFrame, start: dt.date, end: dt.date, v: Vocabulary) -> pd.DataFrame:
    """Month (first day) × action type, zero-filled over every month of the window,
    plus ``Total`` and ``dont communes`` (joint)."""
    index = pd.DatetimeIndex(months(start, end), name="month")
    rows = between(actions, "date", start, end)
    month = rows["date"].dt.to_period("M").dt.to_timestamp()
    grid = pd.crosstab(month, rows["action_type"]) if len(rows) else pd.DataFrame(index=index)
    grid = grid.reindex(index=index, columns=list(v.action_types), fill_value=0).fillna(0).astype(int)
    grid["Total"] = grid.sum(axis=1)
    joint = (rows["associations"] == v.joint_action).groupby(month).sum() if len(rows) else pd.Series()
    grid["dont communes"] = joint.reindex(index, fill_value=0).astype(int).to_numpy()
    return grid


def actions_by_type(actions: pd.DataFrame, start: dt.date, end: dt.date, v: Vocabulary) -> pd.DataFrame:
    rows = between(actions, "date", start, end)
    joint = rows["associations"] == v.joint_action
    out = pd.DataFrame({
        "actions": rows.groupby("action_type").size(),
        "joint": joint.groupby(rows["action_type"]).sum(),
        "people_reached": rows.groupby("action_type")["people_reached"].sum(),
    }).reindex(list(v.action_types)).fillna(0).astype(int)
    out.index.name = "action_type"
    return out


def joint_actions_per_establishment(actions: pd.DataFrame, arrete: dt.date, v: Vocabulary) -> pd.Series:
    """Joint actions in the 12 months up to the arrêté, by establishment code."""
    start = (pd.Timestamp(arrete) - pd.DateOffset(years=1) + pd.Timedelta(days=1)).date()
    rows = between(actions, "date", start, arrete)
    rows = rows[(rows["associations"] == v.joint_action) & rows["establishment"].notna()]
    return rows.groupby("establishment").size()


# --- Meetings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingFigures:
    meetings: int
    both: int
    by_other: int
    joint_preparation: int
    minutes_both: int
    representation: dict[str, int]

    @property
    def both_share(self) -> float | None:
        return share(self.both, self.meetings)

    @property
    def preparation_share(self) -> float | None:
        return share(self.joint_preparation, self.meetings)

    @property
    def minutes_share(self) -> float | None:
        return share(self.minutes_both, self.meetings)


def meeting_figures(meetings: pd.DataFrame, start: dt.date, end: dt.date, v: Vocabulary) -> MeetingFigures:
    rows = between(meetings, "date", start, end)
    reps = [representation(a, x, v) for a, x in
            zip(rows["anvp_represented"], rows["auxilia_represented"], strict=True)]
    other = [by_other(a, v) or by_other(x, v) for a, x in
             zip(rows["anvp_represented"], rows["auxilia_represented"], strict=True)]
    return MeetingFigures(
        meetings=len(rows),
        both=reps.count(BOTH),
        by_other=sum(other),
        joint_preparation=int(rows["joint_preparation"].fillna(False).sum()),
        minutes_both=int((rows["minutes_anvp"].fillna(False) & rows["minutes_auxilia"].fillna(False)).sum()),
        representation={r: reps.count(r) for r in REPRESENTATION},
    )


def last_meetings(meetings: pd.DataFrame, v: Vocabulary) -> pd.DataFrame:
    """The last meeting of each establishment: date and who was represented."""
    rows = meetings[meetings["establishment"].notna()].sort_values("date", kind="stable")
    last = rows.groupby("establishment").tail(1)
    return pd.DataFrame({
        "last_meeting": last["date"].to_numpy(),
        "last_meeting_represented": [
            _who(a, x, v) for a, x in zip(last["anvp_represented"], last["auxilia_represented"], strict=True)
        ],
    }, index=pd.Index(last["establishment"], name="establishment"))


def _who(anvp: object, auxilia: object, v: Vocabulary) -> str:
    text = representation(anvp, auxilia, v)
    others = [f"{name} {value[0].lower()}{value[1:]}" for name, value in zip(v.parties, (anvp, auxilia), strict=True)
              if by_other(value, v)]
    return f"{text} ({', '.join(others)})" if others else text


# --- Referrals, trainings ------------------------------------------------------------------


REFERRAL_COUNTS = ("informed", "auxilia_signups", "visit_requests")


def referrals_per_establishment(referrals: pd.DataFrame) -> pd.DataFrame:
    rows = referrals[referrals["establishment"].notna()]
    return rows.groupby("establishment")[list(REFERRAL_COUNTS)].sum().fillna(0).astype(int)


@dataclass(frozen=True)
class TrainingFigures:
    trainings: int
    anvp_participants: int
    auxilia_participants: int
    hours: float

    @property
    def participants(self) -> int:
        return self.anvp_participants + self.auxilia_participants


def training_figures(trainings: pd.DataFrame, start: dt.date, end: dt.date) -> TrainingFigures:
    rows = between(trainings, "date", start, end)
    return TrainingFigures(
        trainings=len(rows),
        anvp_participants=count_sum(rows, "anvp_participants"),
        auxilia_participants=count_sum(rows, "auxilia_participants"),
        hours=float(rows["hours"].fillna(0).sum()) if len(rows) else 0.0,
    )


# --- Partner news (§3) ---------------------------------------------------------------------


def news_grid(communication: pd.DataFrame, start: dt.date, arrete: dt.date, v: Vocabulary) -> pd.DataFrame:
    """One row per quarter from ``start`` to the arrêté's quarter: for each association the
    number of partner news it published in the quarter (up to the arrêté), and whether the
    quarter is still in progress (``ongoing``: not yet a shortfall when it has none)."""
    news = communication[communication["nature"] == v.news]
    rows = []
    for q in quarters(start, arrete):
        in_q = between(news, "date", q.start, min(q.end, arrete))
        row: dict[str, object] = {"quarter": q.label, "year": q.year, "start": q.start,
                                  "ongoing": q.end > arrete}
        for association in v.parties:
            row[association] = int((in_q["issuer"] == association).sum())
        rows.append(row)
    return pd.DataFrame(rows, columns=["quarter", "year", "start", "ongoing", *v.parties])


def quarters_with_news(grid: pd.DataFrame, association: str, year: int | None = None) -> int:
    rows = grid if year is None else grid[grid["year"] == year]
    return int((rows[association] > 0).sum()) if len(rows) else 0


def missed_quarters(grid: pd.DataFrame, association: str) -> list[str]:
    """Completed quarters in which ``association`` published no partner news."""
    if grid.empty:
        return []
    rows = grid[(grid[association] == 0) & ~grid["ongoing"].astype(bool)]
    return list(rows["quarter"])


def quarter_label(day: dt.date) -> str:
    return Quarter(day.year, (day.month - 1) // 3 + 1).label


# --- Calls for projects (§4) ---------------------------------------------------------------


@dataclass(frozen=True)
class CallFigures:
    filed: int
    won: int
    requested: float
    granted: float
    joint_filed: int
    joint_won: int
    in_preparation: int

    @property
    def success_rate(self) -> float | None:
        return share(self.won, self.filed)


def call_figures(calls: pd.DataFrame, start: dt.date, end: dt.date, v: Vocabulary) -> CallFigures:
    rows = between(calls, "filed", start, end)
    filed = rows[rows["status"].isin(v.filed)]
    won = filed[filed["status"] == v.accepted]
    return CallFigures(
        filed=len(filed),
        won=len(won),
        requested=float(filed["requested"].fillna(0).sum()) if len(filed) else 0.0,
        granted=float(won["granted"].fillna(0).sum()) if len(won) else 0.0,
        joint_filed=int((filed["carrier"] == v.joint_carrier).sum()),
        joint_won=int((won["carrier"] == v.joint_carrier).sum()),
        in_preparation=int((rows["status"] == v.in_preparation).sum()),
    )


def calls_by_carrier(calls: pd.DataFrame, start: dt.date, end: dt.date, v: Vocabulary) -> pd.DataFrame:
    """Per carrier (joint, then each party): filed, won, requested and granted amounts."""
    rows = between(calls, "filed", start, end)
    out = []
    for carrier in v.carriers:
        f = call_figures(rows[rows["carrier"] == carrier], start, end, v)
        out.append({"carrier": carrier, "filed": f.filed, "won": f.won,
                    "requested": f.requested, "granted": f.granted})
    return pd.DataFrame(out).set_index("carrier")
