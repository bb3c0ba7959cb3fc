"""Declared filters applied to a consolidated table (pure pandas, no file access)."""

from __future__ import annotations

import pandas as pd

from ..declaration import Condition, Filter


def condition_mask(frame: pd.DataFrame, cond: Condition) -> pd.Series:
    values = frame[cond.column]
    mask = pd.Series(True, index=frame.index)
    if cond.values:
        mask &= values.isin(list(cond.values)).fillna(False).astype(bool)
    if cond.excluded:
        mask &= ~values.isin(list(cond.excluded)).fillna(False).astype(bool)
    if cond.filled is True:
        mask &= values.notna()
    elif cond.filled is False:
        mask &= values.isna()
    return mask


def filter_mask(frame: pd.DataFrame, f: Filter) -> pd.Series:
    """Rows that satisfy every condition of ``f.all`` and one group of ``f.any`` (when it has any)."""
    mask = pd.Series(True, index=frame.index)
    for cond in f.all:
        mask &= condition_mask(frame, cond)
    if f.any:
        either = pd.Series(False, index=frame.index)
        for group in f.any:
            both = pd.Series(True, index=frame.index)
            for cond in group:
                both &= condition_mask(frame, cond)
            either |= both
        mask &= either
    return mask


def apply(frame: pd.DataFrame, f: Filter) -> pd.DataFrame:
    return frame if f.empty or frame.empty else frame[filter_mask(frame, f)]
