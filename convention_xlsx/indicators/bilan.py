"""The yearly bilan: each indicator for the year N beside N−1, and recommendations.

Dated records give both years directly. Snapshot figures (presence, CPs, cross-members,
mandates) are known at the arrêté only: for a past year they come from the history of
monthly runs (the last month recorded in that year), « non disponible » when no month of
it was recorded. Recommendations are pure functions of the figures; each cites its clause
and its evidence, and carries a stable ``key`` that the référents' observations hang on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from ..schema import Spec
from .activity import (
    ANVP_ONLY,
    AUXILIA_ONLY,
    action_figures,
    call_figures,
    meeting_figures,
    missed_quarters,
    quarters_with_news,
    represented,
    training_figures,
)
from .common import between, count_sum, fr_date
from .people import EXPIRED, EXPIRING
from .vocabulary import Vocabulary

COUNT, SHARE, AMOUNT = "nombre", "part", "montant"
NOT_AVAILABLE = "non disponible"
"""N−1 of a snapshot figure before the history exists, or of a year outside the convention."""
BILAN_COLUMNS = ("clause", "indicator", "kind", "n", "n1", "change")


@dataclass(frozen=True)
class Recommendation:
    clause: str
    text: str
    evidence: str
    key: str = ""
    """Stable identifier (the same rule gives the same key every month): observations are keyed by it."""


def year_window(year: int, arrete: dt.date, period: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date] | None:
    """The part of ``year`` inside the convention period and up to the arrêté (None if empty)."""
    start = max(dt.date(year, 1, 1), period[0])
    end = min(dt.date(year, 12, 31), period[1], arrete)
    return (start, end) if start <= end else None


def dated_rows(tables: dict[str, pd.DataFrame], news: pd.DataFrame, window, spec: Spec, v: Vocabulary) -> list[tuple]:
    """(clause, indicator, kind, value) for the dated indicators over ``window`` (None: no data)."""
    if window is None:
        empty = (dt.date(1970, 1, 1), dt.date(1970, 1, 1))
        return [(c, i, k, NOT_AVAILABLE) for c, i, k, _ in dated_rows(tables, news, empty, spec, v)]
    start, end = window
    a = action_figures(tables["actions"], start, end, v)
    m = meeting_figures(tables["meetings"], start, end, v)
    t = training_figures(tables["trainings"], start, end)
    c = call_figures(tables["calls"], start, end, v)
    ref = between(tables["referrals"], "month", start, end)
    in_window = news[(news["start"] >= start) & (news["start"] <= end)] if len(news) else news
    rows = [
        ("§1", "Actions menées", COUNT, a.actions),
        ("§1", "dont actions communes", COUNT, a.joint),
        ("§1", "Réunions avec la direction ou le SPIP", COUNT, m.meetings),
        ("§1", "Part des réunions où les deux associations sont représentées", SHARE, m.both_share),
        ("§1", "Part des réunions préparées en commun", SHARE, m.preparation_share),
        ("§1", "Part des réunions dont les deux ont reçu le compte-rendu", SHARE, m.minutes_share),
        ("§1", spec.sheet("referrals").column("informed").label, COUNT, count_sum(ref, "informed")),
        ("§2", "Formations communes", COUNT, t.trainings),
        ("§2", "Participants aux formations communes", COUNT, t.participants),
    ]
    for association in v.parties:
        who = spec.in_sentence(association)
        rows.append(("§3", f"Trimestres avec des nouvelles du partenaire publiées par {who}",
                     COUNT, quarters_with_news(in_window, association)))
    rows += [
        ("§4", "Appels à projet déposés", COUNT, c.filed),
        ("§4", "dont déposés en commun", COUNT, c.joint_filed),
        ("§4", "Appels à projet gagnés", COUNT, c.won),
        ("§4", "Montants demandés", AMOUNT, c.requested),
        ("§4", "Montants obtenus", AMOUNT, c.granted),
    ]
    return rows


def snapshot_rows(current: dict[str, int], previous: dict[str, int] | None = None) -> list[tuple]:
    """(clause, indicator, kind, N, N−1) for the snapshot figures; N−1 « non disponible » when
    no month of N−1 was recorded."""
    previous = previous or {}
    return [("§1", label, COUNT, value, previous.get(label, NOT_AVAILABLE)) for label, value in current.items()]


def bilan_table(dated_n: list[tuple], dated_n1: list[tuple], snapshots: list[tuple]) -> pd.DataFrame:
    rows = [(c, i, k, n, p) for (c, i, k, n), (_, _, _, p) in zip(dated_n, dated_n1, strict=True)]
    rows += snapshots
    out = pd.DataFrame(rows, columns=list(BILAN_COLUMNS[:-1]), dtype=object)
    out["change"] = [n - p if _number(n) and _number(p) else None
                     for n, p in zip(out["n"], out["n1"], strict=True)]
    order = {c: i for i, c in enumerate(("§1", "§2", "§3", "§4", "§5"))}
    return out.sort_values("clause", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not pd.isna(value)


# --- Recommendations -----------------------------------------------------------------------


def _names(items: Iterable[str], most: int = 12) -> str:
    items = list(items)
    shown = ", ".join(items[:most])
    return shown + (f" et {len(items) - most} autres" if len(items) > most else "")


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _by_establishment(rows: pd.DataFrame, names: dict[str, str]) -> str:
    """« Fresnes (3), Nanterre (1) »: the establishments concerned, most meetings first."""
    counts = rows["establishment"].fillna("hors établissement").value_counts()
    ordered = sorted(counts.items(), key=lambda item: (-item[1], names.get(item[0], item[0])))
    return _names(f"{names.get(code, code)} ({n})" for code, n in ordered)


def presence_recommendations(establishments: pd.DataFrame) -> list[Recommendation]:
    out = []
    anvp_only = establishments[establishments["status"] == ANVP_ONLY]
    if len(anvp_only):
        out.append(Recommendation("§1", (
            f"{_plural(len(anvp_only), 'établissement', 'établissements')} où l'ANVP est présente sans "
            "correspondant Auxilia : proposer à un visiteur le rôle de CP (§1)"), _names(anvp_only["name"]),
            "presence-anvp-sans-auxilia"))
    auxilia_only = establishments[establishments["status"] == AUXILIA_ONLY]
    if len(auxilia_only):
        out.append(Recommendation("§1", (
            f"{_plural(len(auxilia_only), 'établissement', 'établissements')} où Auxilia est présente sans "
            "visiteur ANVP : présenter l'ANVP aux personnes détenues et à la direction (§1)"),
            _names(auxilia_only["name"]), "presence-auxilia-sans-anvp"))
    return out


def news_recommendations(grid: pd.DataFrame, spec: Spec, year: int | None = None) -> list[Recommendation]:
    """Completed quarters without partner news, per association (of ``year`` only when given)."""
    out = []
    if year is not None and len(grid):
        grid = grid[grid["year"] == year]
    for association in spec.party_names:
        missed = missed_quarters(grid, association)
        if missed:
            done = int((~grid["ongoing"].astype(bool)).sum())
            who = spec.in_sentence(association)
            out.append(Recommendation("§3", (
                f"{_names(missed, 6)} : aucune nouvelle du partenaire publiée par {who} (§3)"),
                f"{len(missed)} trimestre(s) sans nouvelle sur {done} trimestre(s) écoulé(s)"
                + (f" en {year}" if year is not None else ""),
                f"nouvelles-{association.lower()}"))
    return out


def mandate_recommendations(mandates: pd.DataFrame, arrete: dt.date, expiry_days: int) -> list[Recommendation]:
    out = []
    if mandates.empty:
        return out
    expiring = mandates[mandates["state"] == EXPIRING]
    if len(expiring):
        limit = arrete + dt.timedelta(days=expiry_days)
        out.append(Recommendation("§1", (
            f"{_plural(len(expiring), 'mandat expire', 'mandats expirent')} avant le {fr_date(limit)} : "
            "les renouveler (§1)"), "Établissements : " + _names(sorted(set(expiring["establishment_name"]))),
            "mandats-a-renouveler"))
    expired = mandates[mandates["state"] == EXPIRED]
    if len(expired):
        out.append(Recommendation("§1", (
            f"{_plural(len(expired), 'mandat a expiré', 'mandats ont expiré')} : renouveler le mandat "
            "ou confier le rôle de CP à un adhérent d'Auxilia (§1)"),
            "Établissements : " + _names(sorted(set(expired["establishment_name"]))), "mandats-expires"))
    return out


def meeting_recommendations(meetings: pd.DataFrame, window, names: dict[str, str], year: int,
                            v: Vocabulary) -> list[Recommendation]:
    if window is None:
        return []
    rows = between(meetings, "date", *window)
    out = []
    absent = rows[[not (represented(a, v) and represented(x, v)) for a, x in
                   zip(rows["anvp_represented"], rows["auxilia_represented"], strict=True)]]
    if len(absent):
        out.append(Recommendation("§1", (
            f"{_plural(len(absent), 'réunion', 'réunions')} en {year} où une association n'était pas "
            "représentée : s'informer des réunions et se faire représenter par l'autre si besoin (§1)"),
            _by_establishment(absent, names), "reunions-absence"))
    unshared = rows[~(rows["minutes_anvp"].fillna(False) & rows["minutes_auxilia"].fillna(False))]
    if len(unshared):
        out.append(Recommendation("§1", (
            f"{_plural(len(unshared), 'réunion', 'réunions')} en {year} sans compte-rendu reçu par les deux "
            "associations : se transmettre les comptes-rendus (§1)"),
            _by_establishment(unshared, names), "reunions-compte-rendu"))
    return out


def training_recommendations(trainings: pd.DataFrame, window, year: int) -> list[Recommendation]:
    if window is None or len(between(trainings, "date", *window)):
        return []
    return [Recommendation("§2", (
        f"Aucune formation commune en {year} : en programmer une (accueil des nouveaux adhérents, "
        "découverte de l'univers pénitentiaire, écoute) (§2)"),
        f"0 formation commune du {fr_date(window[0])} au {fr_date(window[1])}", "formation-commune")]


def call_recommendations(calls: pd.DataFrame, window, year: int, v: Vocabulary) -> list[Recommendation]:
    if window is None:
        return []
    c = call_figures(calls, *window, v)
    if c.joint_filed:
        return []
    return [Recommendation("§4", (
        f"Aucun appel à projet déposé en commun en {year} : repérer ensemble un financeur public "
        "ou privé (§4)"), f"{c.filed} appel(s) déposé(s) en {year}, dont 0 en commun", "appel-commun")]


def completeness_recommendations(table: pd.DataFrame) -> list[Recommendation]:
    missing = table[table["state"].isin(("manquant", "en retard"))]
    if missing.empty:
        return []
    labels = [f"{a} {s} ({st})" for a, s, st in zip(missing["association"], missing["section"],
                                                    missing["state"], strict=True)]
    return [Recommendation("§5", (
        f"{_plural(len(missing), 'section attendue n’a', 'sections attendues n’ont')} pas envoyé de "
        "classeur à jour : les relancer (lien de courriel dans « Suivi des envois ») (§5)"), _names(labels),
        "envois-manquants")]
