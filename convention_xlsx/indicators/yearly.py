"""The yearly bilan: each declared indicator for the year N beside N−1, and the change."""

from __future__ import annotations

import pandas as pd

from ..declaration import OBLIGATION, PRESENCE, VALIDITY

BILAN_COLUMNS = ("clause", "indicator", "kind", "n", "n1", "change", "key")


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def bilan_frame(f) -> pd.DataFrame:
    """One row per bilan value (a presence gives its statuses, an obligation one row per party, a validity
    its current periods), sorted by clause, the declaration's order within a clause."""
    rows = []
    for ind in f.board.indicators:
        if not ind.bilan:
            continue
        if ind.kind == VALIDITY:
            parts = [f.values[f"{ind.key}_current"]]
        elif ind.kind in (PRESENCE, OBLIGATION):
            parts = f.parts(ind.key)
        else:
            parts = [f.values[ind.key]]
        for v in parts:
            change = v.year - v.previous if _number(v.year) and _number(v.previous) else None
            rows.append((v.clause, v.label, v.display, v.year, v.previous, change, v.key))
    out = pd.DataFrame(rows, columns=list(BILAN_COLUMNS), dtype=object)
    clauses = list(dict.fromkeys(sorted(c for c in out["clause"] if c)))
    order = {c: i for i, c in enumerate(clauses)}
    return out.sort_values("clause", key=lambda s: s.map(lambda c: order.get(c, len(order))),
                           kind="stable").reset_index(drop=True)
