"""All section workbooks → one DataFrame per sheet with provenance, and the report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from .config import Config
from .report import Report


@dataclass
class Consolidation:
    """The outcome of a run, which the indicators and the dashboard read.

    ``tables`` maps each table sheet's key (``establishments``, ``volunteers``,
    ``actions``, ``meetings``, ``referrals``, ``trainings``, ``communication``,
    ``calls``) to its typed frame (see :mod:`convention_xlsx.tables`): the rows that
    passed validation, from the retained (newest) workbook of each section.
    ``report.files`` is the run manifest (retained, ignored and rejected files).
    """

    config: Config
    arrete: dt.date
    today: dt.date
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    report: Report = field(default_factory=Report)
