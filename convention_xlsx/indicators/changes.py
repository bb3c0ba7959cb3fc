"""« Changements »: per site, what changed since the previous recorded month and since the year before.

Read from the history of monthly runs (each run records each site's presence flags and headcounts): a party
that arrived or left a site, a headcount that moved (« CP Auxilia en poste : 2 → 3 »). Pure: the history in,
one row per site that changed out, the sites that changed most first.
"""

from __future__ import annotations

import pandas as pd

from .snapshot import month_key


def _month_before(history: pd.DataFrame, month: str, year: int | None = None) -> str | None:
    months = sorted(set(history["month"]))
    if year is not None:
        found = [m for m in months if m.startswith(f"{year:04d}-")]
        return found[-1] if found else None
    earlier = [m for m in months if m < month]
    return earlier[-1] if earlier else None


def site_changes(history: pd.DataFrame, arrete, codes: list[str], names: dict[str, str], groups: dict[str, str],
                 flags: dict[str, str], counts: dict[str, str]) -> tuple[pd.DataFrame, str | None, str | None]:
    """(one row per changed site, the previous month compared, the month of N−1 compared).

    ``flags``: history key of each party's presence → the party's name; ``counts``: history key of a
    headcount → its label.
    """
    month = month_key(arrete)
    previous = _month_before(history, month)
    last_year = _month_before(history, month, arrete.year - 1)
    rows = history[history["scope"].isin(codes)]
    grid = rows.pivot_table(index=["month", "scope"], columns="indicator", values="value", aggfunc="last")

    def at(when: str | None) -> pd.DataFrame | None:
        if when is None or when not in grid.index.get_level_values(0):
            return None
        return grid.loc[when]

    now, before, year_before = at(month), at(previous), at(last_year)
    out = []
    for code in codes:
        texts = [_differences(now, frame, code, flags, counts) for frame in (before, year_before)]
        if any(texts):
            weight = sum(len(t) for t in texts)
            out.append({"group": groups.get(code, ""), "establishment": code, "name": names.get(code, code),
                        "since_month": " ; ".join(texts[0]), "since_year": " ; ".join(texts[1]), "_w": weight})
    frame = pd.DataFrame(out, columns=["group", "establishment", "name", "since_month", "since_year", "_w"])
    frame = frame.sort_values(["_w", "group", "name"], ascending=[False, True, True], kind="stable")
    return frame.drop(columns="_w").reset_index(drop=True), previous, last_year


def _differences(now: pd.DataFrame | None, then: pd.DataFrame | None, code: str, flags: dict[str, str],
                 counts: dict[str, str]) -> list[str]:
    if now is None or then is None or code not in now.index:
        return []
    current = now.loc[code]
    earlier = then.loc[code] if code in then.index else None
    out = []
    for key, party in flags.items():
        a = float(earlier[key]) if earlier is not None and key in earlier and earlier[key] == earlier[key] else 0.0
        b = float(current[key]) if key in current and current[key] == current[key] else 0.0
        if a != b:
            out.append(f"présence {party} {'gagnée' if b else 'perdue'}")
    for key, label in counts.items():
        a = float(earlier[key]) if earlier is not None and key in earlier and earlier[key] == earlier[key] else 0.0
        b = float(current[key]) if key in current and current[key] == current[key] else 0.0
        if a != b:
            out.append(f"{label} : {a:.0f} → {b:.0f}")
    return out
