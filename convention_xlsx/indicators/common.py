"""Helpers shared by the indicator modules: usable rows, date windows, quarters.

Every figure is computed "at" the arrêté date: a record dated after it is ignored, and
the second report of a joint record (``joint_duplicate``) is skipped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from ..config import section_key
from ..consolidate import Consolidation
from ..report import READ, FileRecord
from ..schema import Kind
from ..tables import COPY, JOINT_DUPLICATE, build_frame

SITE = "establishment"
"""The figures' name for a table's site column, whatever its key in the workbook's description."""


def table(cons: Consolidation, key: str) -> pd.DataFrame:
    """The consolidated table ``key`` (an empty typed one when the run has none), its site column — the first
    column of kind ``code`` — also under :data:`SITE`."""
    sheet = cons.config.spec.sheet(key)
    frame = cons.tables.get(key)
    if frame is None:
        frame = build_frame(sheet, [])
    site = next((c.key for c in sheet.data_columns if c.kind is Kind.ESTABLISHMENT), None)
    if site is not None and site != SITE and SITE not in frame:
        frame = frame.assign(**{SITE: frame[site]})
    return frame


def counted(cons: Consolidation, key: str) -> pd.DataFrame:
    """The rows the figures count: no joint duplicate, nothing dated after the arrêté."""
    frame = table(cons, key)
    frame = frame[~(frame[JOINT_DUPLICATE].astype(bool) | frame[COPY].astype(bool))]
    column = cons.config.spec.sheet(key).date_key
    if column is not None:
        frame = frame[frame[column].notna() & (frame[column] <= pd.Timestamp(cons.arrete))]
    return frame


def between(frame: pd.DataFrame, column: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The rows whose ``column`` falls in [start, end] (both included)."""
    values = frame[column]
    return frame[(values >= pd.Timestamp(start)) & (values <= pd.Timestamp(end))]


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide (shown as « – »)."""
    return part / whole if whole else None


def retained_files(cons: Consolidation) -> list[FileRecord]:
    """The files whose rows were consolidated (status « lu »)."""
    return [f for f in cons.report.files if f.status == READ]


def row_dates(cons: Consolidation, frame: pd.DataFrame) -> pd.Series:
    """Update date (``Date de mise à jour``) of the workbook each row comes from: by file path,
    else by the section (association and folded name) of a retained file."""
    by_path = {f.path: f.updated for f in retained_files(cons)}
    by_section = {section_key(f.association, f.section): f.updated for f in retained_files(cons)}
    dates = [by_path.get(p) or by_section.get(section_key(a or "", s or ""))
             for p, a, s in zip(frame["source_file"], frame["association"], frame["section"], strict=True)]
    return pd.Series(pd.to_datetime(dates, errors="coerce"), index=frame.index, dtype="datetime64[ns]")


def freshness_rank(cons: Consolidation, frame: pd.DataFrame) -> pd.Series:
    """Per row, the rank of its workbook from the least to the most recently updated (update date,
    then file time, then path: the order that keeps a section's newest workbook)."""
    def key(f: FileRecord) -> tuple:
        modified = f.modified or dt.datetime.min
        return (f.updated or modified.date(), modified, f.path)

    order = {f.path: i for i, f in enumerate(sorted(retained_files(cons), key=key))}
    return frame["source_file"].map(order).astype("float64")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        if self.number == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.number + 1, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"T{self.number} {self.year}"


def quarter_of(day: dt.date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def quarters(start: dt.date, end: dt.date) -> list[Quarter]:
    """The quarters from the one holding ``start`` to the one holding ``end``."""
    out: list[Quarter] = []
    q = quarter_of(start)
    while q.start <= end:
        out.append(q)
        q = Quarter(q.year + 1, 1) if q.number == 4 else Quarter(q.year, q.number + 1)
    return out


def months(start: dt.date, end: dt.date) -> list[pd.Timestamp]:
    """First days of the months from ``start``'s month to ``end``'s month."""
    if end < start:
        return []
    return list(pd.date_range(pd.Timestamp(start).to_period("M").to_timestamp(),
                              pd.Timestamp(end), freq="MS"))


def count_sum(frame: pd.DataFrame, column: str) -> int:
    """Sum of a nullable integer column (empty cells count as 0)."""
    return int(frame[column].fillna(0).sum()) if len(frame) else 0


def fr_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""
