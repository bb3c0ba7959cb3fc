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
from convention_xlsx.spec import default_spec
from convention_xlsx.tables import build_frame

SPEC = default_spec()

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
                      sheet=SPEC.by_key[sheet_key].name, excel_row=len(rows) + 2,
                      joint_duplicate=joint_duplicate)
        rows.append(record)
        return self

    def record(self) -> FileRecord:
        n = sum(len(r) for r in self.rows.values())
        return FileRecord(path=self.path, status=self.status, reason=self.reason, sha256="0" * 64,
                          association=self.association, section=self.section, email=self.email,
                          updated=self.updated, template_version=SPEC.version,
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
    for sheet in SPEC.table_sheets:
        records = [r for f in files if f.status == READ for r in f.rows.get(sheet.key, [])]
        tables[sheet.key] = build_frame(sheet, records)
    report = Report(files=[f.record() for f in files], findings=list(findings or []))
    return Consolidation(config=cfg or config(), arrete=arrete, today=today or arrete, tables=tables,
                         report=report)


def sample(seed: int = 1, sections: int = 24, arrete: dt.date = dt.date(2023, 6, 30)) -> Consolidation:
    """A plausible national picture (random but reproducible), for dashboard tests and looks."""
    import random

    rnd = random.Random(seed)
    cfg = config()
    codes = list(cfg.referentiel.codes)
    rnd.shuffle(codes)
    files: list[SectionFile] = []
    types = ("Rencontre quartier arrivants", "Collectif associatif local", "Manifestation en établissement",
             "Journées Nationales Prison", "Recrutement de bénévoles", "Autre")
    for i in range(sections):
        association = "ANVP" if i % 3 else "Auxilia"
        own = codes[i * 4:(i + 1) * 4]
        f = SectionFile(association, f"Section {i + 1}",
                        updated=arrete - dt.timedelta(days=rnd.choice((3, 10, 25, 70))))
        for code in own:
            anvp = association == "ANVP" or rnd.random() < 0.5
            f.add("establishments", establishment=code, anvp_present=anvp,
                  anvp_visitors=rnd.randint(1, 12) if anvp else 0,
                  auxilia_present=association == "Auxilia" or rnd.random() < 0.4,
                  auxilia_cps=rnd.randint(0, 3), auxilia_learners=rnd.randint(0, 40))
            for k in range(3):
                f.add("volunteers", last_name=f"Nom{i}{k}", first_name="Prénom", establishment=code,
                      role=rnd.choice(("Visiteur ANVP", "Visiteur et correspondant",
                                       "Correspondant de prison Auxilia")),
                      anvp_member=True, auxilia_member=rnd.random() < 0.3,
                      mandate_start=dt.date(2022, 9, 1) if k == 0 else None,
                      mandate_end=arrete + dt.timedelta(days=rnd.choice((-20, 30, 200))) if k == 0 else None)
        for _ in range(12):
            day = dt.date(2021, 1, 1) + dt.timedelta(days=rnd.randint(0, (arrete - dt.date(2021, 1, 1)).days))
            f.add("actions", date=day, establishment=rnd.choice(own), action_type=rnd.choice(types),
                  associations=rnd.choice(("ANVP", "Auxilia", "ANVP et Auxilia")), people_reached=rnd.randint(5, 60),
                  description="Rencontre avec les arrivants")
            f.add("meetings", date=day, establishment=rnd.choice(own), with_whom="SPIP",
                  anvp_represented=rnd.choice(("Oui", "Oui", "Non", "Par Auxilia")),
                  auxilia_represented=rnd.choice(("Oui", "Non", "Par l'ANVP")),
                  joint_preparation=rnd.random() < 0.5, minutes_anvp=True, minutes_auxilia=rnd.random() < 0.6,
                  subject="Point annuel")
        f.add("referrals", month=dt.date(2023, 3, 1), establishment=own[0], informed=rnd.randint(0, 20),
              auxilia_signups=rnd.randint(0, 5), visit_requests=rnd.randint(0, 5))
        files.append(f)
    for association in ("ANVP", "Auxilia"):
        nat = SectionFile(association, "National", updated=arrete - dt.timedelta(days=5))
        for q in range(10):
            if rnd.random() < 0.75:
                nat.add("communication", date=dt.date(2021 + q // 4, 3 * (q % 4) + 1, 15), issuer=association,
                        medium="Site Internet", nature="Nouvelles du partenaire", title="Nouvelles d'Auxilia")
        nat.add("trainings", date=dt.date(2022, 10, 8), theme="Écoute", place="Paris", anvp_participants=12,
                auxilia_participants=9, hours=3.5, funding="Fondation")
        for k, status in enumerate(("Accepté", "Refusé", "Déposé", "Accepté")):
            nat.add("calls", filed=dt.date(2022, 2 + k, 10), funder=f"Fondation {k}", funder_type="Privé",
                    title="Projet commun", carrier=rnd.choice(("Commun", association)), requested=15000.0 + 5000 * k,
                    status=status, granted=12000.0 if status == "Accepté" else None)
        files.append(nat)
    files.append(SectionFile("ANVP", "Nanterre", updated=arrete - dt.timedelta(days=2)))
    return consolidation(files, arrete=arrete, cfg=cfg)
