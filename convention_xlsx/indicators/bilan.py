"""The yearly bilan's pieces shared by the figures: its windows, its recommendations' shape.

Dated records give both years directly. Snapshot figures (presence, headcounts, memberships) are known at
the arrêté only: for a past year they come from the history of monthly runs (the last month recorded in
that year), « non disponible » when no month of it was recorded. Each recommendation cites its clause and
its evidence, and carries a stable ``key`` that the référents' observations hang on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

NOT_AVAILABLE = "non disponible"
"""N−1 of a snapshot figure before the history exists, or of a year outside the convention."""


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


def _names(items: Iterable[str], most: int = 12) -> str:
    items = list(items)
    shown = ", ".join(items[:most])
    return shown + (f" et {len(items) - most} autres" if len(items) > most else "")


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def completeness_recommendations(table: pd.DataFrame, clause: str = "") -> list[Recommendation]:
    missing = table[table["state"].isin(("manquant", "en retard"))]
    if missing.empty:
        return []
    # The most urgent first: missing sections, then the late ones, the oldest figures first.
    missing = missing.assign(_order=(missing["state"] != "manquant").astype(int)).sort_values(
        ["_order", "updated", "association", "section"], kind="stable", na_position="first")
    labels = [f"{a} {s} ({st})" for a, s, st in zip(missing["association"], missing["section"],
                                                    missing["state"], strict=True)]
    cite = f" ({clause})" if clause else ""
    return [Recommendation(clause, (
        f"{_plural(len(missing), 'section attendue n’a', 'sections attendues n’ont')} pas envoyé de "
        f"classeur à jour : les relancer (lien de courriel dans « Suivi des envois »){cite}"),
        _names(labels) if len(labels) <= 12 else _names(labels) + " (liste complète dans « Suivi des envois »)",
        "envois-manquants")]
