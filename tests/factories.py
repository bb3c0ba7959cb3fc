"""Builders of small :class:`Consolidation` objects from readable records, for tests.

    anvp = SectionFile("ANVP", "Nanterre", updated=date(2023, 6, 2))
    anvp.add("establishments", establishment="CP-NANTERRE", anvp_present=True, anvp_visitors=4)
    cons = consolidation([anvp], arrete=date(2023, 6, 30))

Each row gets its provenance (file, section, association, sheet, Excel row from 2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import convention_xlsx
from convention_xlsx.config import Config, load_config
from convention_xlsx.consolidate import Consolidation
from convention_xlsx.findings import Finding
from convention_xlsx.report import READ, FileRecord, Report
from convention_xlsx.schema import BY_KEY, TABLE_SHEETS, TEMPLATE_VERSION
from convention_xlsx.tables import build_frame

CONFIG_PATH = Path(convention_xlsx.__file__).parent / "data" / "convention.toml"


def config() -> Config:
    """The configuration shipped with the package (period 2021–2023, 8 expected sections)."""
    return load_config(CONFIG_PATH)


@dataclass
class SectionFile:
    """One retained (or not) section workbook and its rows, sheet by sheet."""

    association: str
    section: str
    updated: dt.date | None = dt.date(2023, 6, 2)
    status: str = READ
    email: str = ""
    path: str = ""
    reason: str = ""
    rows: dict[str, list[dict]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.path:
            self.path = f"{self.association}_{self.section}.xlsx".replace(" ", "_")

    def add(self, sheet_key: str, joint_duplicate: bool = False, **values: object) -> SectionFile:
        """Add one row to ``sheet_key``; dates may be given as ``date`` objects."""
        rows = self.rows.setdefault(sheet_key, [])
        record = {k: _typed(v) for k, v in values.items()}
        record.update(source_file=self.path, section=self.section, association=self.association,
                      sheet=BY_KEY[sheet_key].name, excel_row=len(rows) + 2,
                      joint_duplicate=joint_duplicate)
        rows.append(record)
        return self

    def record(self) -> FileRecord:
        n = sum(len(r) for r in self.rows.values())
        return FileRecord(path=self.path, status=self.status, reason=self.reason, sha256="0" * 64,
                          association=self.association, section=self.section, email=self.email,
                          updated=self.updated, template_version=TEMPLATE_VERSION,
                          rows_read=n, rows_consolidated=n if self.status == READ else 0)


def _typed(value: object) -> object:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def consolidation(files: list[SectionFile], arrete: dt.date = dt.date(2023, 6, 30),
                  today: dt.date | None = None, findings: list[Finding] | None = None,
                  cfg: Config | None = None) -> Consolidation:
    """A Consolidation as the consolidation step would give it for these files."""
    tables = {}
    for sheet in TABLE_SHEETS:
        records = [r for f in files if f.status == READ for r in f.rows.get(sheet.key, [])]
        tables[sheet.key] = build_frame(sheet, records)
    report = Report(files=[f.record() for f in files], findings=list(findings or []))
    return Consolidation(config=cfg or config(), arrete=arrete, today=today or arrete, tables=tables,
                         report=report)
