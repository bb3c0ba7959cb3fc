"""Completeness and timeliness of the month's reports (« Suivi des envois », §5).

Each expected section of the configuration is « à jour » (its retained workbook was
updated in the arrêté's month or later), « en retard » (an older update: its figures
are used, with their date) or « manquant » (nothing retained). Retained workbooks of a
section not in the configuration are « non attendu ». Rates are counted against the
expected sections only: a section that did not report is never counted as zeros.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from ..config import ExpectedSection, section_key
from ..consolidate import Consolidation
from ..report import READ
from .common import fr_date, share

UP_TO_DATE, LATE, MISSING, UNEXPECTED = "à jour", "en retard", "manquant", "non attendu"
STATES = (UP_TO_DATE, LATE, MISSING, UNEXPECTED)

COLUMNS = ("association", "section", "establishments", "email", "state", "updated", "template_version",
           "file", "rows_consolidated", "rows_rejected", "note", "reminder")


@dataclass(frozen=True)
class CompletenessFigures:
    expected: int
    up_to_date: int
    late: int
    missing: int
    unexpected: int

    @property
    def received(self) -> int:
        return self.up_to_date + self.late

    @property
    def up_to_date_rate(self) -> float | None:
        return share(self.up_to_date, self.expected)

    @property
    def received_rate(self) -> float | None:
        return share(self.received, self.expected)


def timeliness(updated: dt.date | None, arrete: dt.date) -> str:
    """à jour when updated on or after the first day of the arrêté's month, else en retard."""
    if updated is not None and updated >= arrete.replace(day=1):
        return UP_TO_DATE
    return LATE


def reminder_url(section: ExpectedSection, state: str, arrete: dt.date, referent: str = "",
                 title: str = "Convention de partenariat") -> str:
    """A ``mailto:`` link to the section's contact with a prepared French reminder."""
    month = f"{arrete.month:02d}/{arrete.year}"
    subject = f"{title} : classeur de la section {section.name} ({month})"
    if state == MISSING:
        situation = f"nous n'avons pas encore reçu le classeur de la section {section.name} pour {month}."
    else:
        situation = (f"le dernier classeur reçu de la section {section.name} n'est pas à jour "
                     f"pour {month}.")
    body = (
        f"Bonjour,\n\nPour le tableau de bord du partenariat arrêté au {fr_date(arrete)}, {situation}\n"
        "Pourriez-vous nous envoyer votre classeur mis à jour (en renseignant la date de mise à jour "
        "dans la feuille « Section ») ?\n\nMerci pour votre engagement,\nLe référent du partenariat"
    )
    cc = f"&cc={quote(referent, safe='@')}" if referent else ""
    return (f"mailto:{quote(section.email, safe='@')}?subject={quote(subject, safe='')}"
            f"&body={quote(body, safe='')}{cc}")


def completeness(cons: Consolidation) -> pd.DataFrame:
    """One row per expected section (configuration order), then the non attendus."""
    retained = {}
    rejected = {}
    for f in cons.report.files:
        key = section_key(f.association, f.section)
        target = retained if f.status == READ else rejected
        prev = target.get(key)
        if prev is None or (f.updated or dt.date.min) >= (prev.updated or dt.date.min):
            target[key] = f
    rows = []
    for sec in cons.config.sections:
        f = retained.get(sec.key)
        state = MISSING if f is None else timeliness(f.updated, cons.arrete)
        note = ""
        if f is None and sec.key in rejected:
            note = f"Classeur rejeté : {rejected[sec.key].reason}".strip()
        reminder = "" if state == UP_TO_DATE or not sec.email else reminder_url(
            sec, state, cons.arrete, cons.config.referents.get(sec.association, ""), cons.config.title)
        rows.append(_row(sec.association, sec.name, ", ".join(sec.establishments), sec.email, state, f,
                         note, reminder))
    expected_keys = {s.key for s in cons.config.sections}
    for key, f in retained.items():
        if key not in expected_keys:
            rows.append(_row(f.association, f.section, "", f.email, UNEXPECTED, f,
                             "Section absente de la configuration : à ajouter si elle doit rendre compte.", ""))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _row(association, section, establishments, email, state, f, note, reminder) -> dict:
    return {
        "association": association, "section": section, "establishments": establishments,
        "email": email, "state": state,
        "updated": f.updated if f else None,
        "template_version": f.template_version if f else "",
        "file": f.path if f else "",
        "rows_consolidated": f.rows_consolidated if f else None,
        "rows_rejected": f.rows_rejected if f else None,
        "note": note, "reminder": reminder,
    }


def sections_report(table: pd.DataFrame, returns: Mapping[str, Path], digests: Mapping[str, str]) -> list[dict]:
    """The ``sections`` list of the JSON report: each row of ``table`` (the one « Suivi des envois »
    shows) with the annotated return written for its file (``returns``: input file → return) and the
    sha256 of that file (``digests``: input file → sha256)."""
    out = []
    for row in table.itertuples(index=False):
        updated = row.updated if isinstance(row.updated, dt.date) else None
        if isinstance(updated, dt.datetime):
            updated = updated.date()
        out.append({
            "association": row.association, "section": row.section, "etat": row.state,
            "courriel": row.email or None, "fichier": row.file or None,
            "retour": str(Path(returns[row.file]).absolute()) if row.file in returns else None,
            "mise_a_jour": updated.isoformat() if updated else None,
            "empreinte": digests.get(row.file) if row.file else None,
        })
    return out


def completeness_figures(table: pd.DataFrame) -> CompletenessFigures:
    counts = table["state"].value_counts()
    return CompletenessFigures(
        expected=int(counts.get(UP_TO_DATE, 0) + counts.get(LATE, 0) + counts.get(MISSING, 0)),
        up_to_date=int(counts.get(UP_TO_DATE, 0)),
        late=int(counts.get(LATE, 0)),
        missing=int(counts.get(MISSING, 0)),
        unexpected=int(counts.get(UNEXPECTED, 0)),
    )
