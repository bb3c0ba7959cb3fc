"""The run's report: every file with its fate, every finding, and the row accounting.

``lignes.lues == lignes.consolidees + lignes.rejetees`` always holds: a row read is
either consolidated or rejected (with at least one ``erreur`` at its cell).
The CLI's ``--json`` writes :meth:`Report.to_json` as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .findings import Finding, Severity

READ, REJECTED, IGNORED = "lu", "rejeté", "ignoré"


@dataclass
class FileRecord:
    """One input file and what became of it (a row of the run manifest)."""

    path: str
    """Shown to the user: relative to the input folder."""
    status: str = READ
    reason: str = ""
    sha256: str = ""
    size: int = 0
    modified: dt.datetime | None = None
    format: str = ""
    association: str = ""
    section: str = ""
    email: str = ""
    updated: dt.date | None = None
    template_version: str = ""
    rows_read: int = 0
    rows_consolidated: int = 0
    rows_rejected: int = 0
    values_left_out: int = 0
    """Values in error left out of rows that were consolidated (« a value, not the row »)."""
    sender: str = ""
    """For a file collected from the mailbox (``collecter``): the message's sender, date and subject."""
    received: dt.datetime | None = None
    subject: str = ""


@dataclass
class Report:
    files: list[FileRecord] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def _count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def files_read(self) -> int:
        return self._count(READ)

    @property
    def files_rejected(self) -> int:
        return self._count(REJECTED)

    @property
    def files_ignored(self) -> int:
        return self._count(IGNORED)

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_consolidated(self) -> int:
        return sum(f.rows_consolidated for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def values_left_out(self) -> int:
        return sum(f.values_left_out for f in self.files)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_json(self) -> dict:
        return {
            "fichiers": {
                "lus": self.files_read,
                "rejetes": self.files_rejected,
                "ignores": self.files_ignored,
            },
            "lignes": {
                "lues": self.rows_read,
                "consolidees": self.rows_consolidated,
                "rejetees": self.rows_rejected,
                "valeurs_ecartees": self.values_left_out,
            },
            "anomalies": [f.to_dict() for f in self.findings],
        }
