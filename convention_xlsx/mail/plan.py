"""From the JSON report of ``consolider --json`` to the messages of the month, one per section.

A section gets a message when it has an annotated return (attached, with what to fix) or when it
is late or missing (a reminder), or both in one message. The address is always the section's
``courriel`` in the configuration, never one read from the report or a workbook: nothing is sent
to an address outside the configuration. What cannot be sent is said in French (:attr:`Plan.skipped`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ..findings import CATALOGUE, Severity
from ..indicators.completeness import LATE, MISSING, UNEXPECTED
from . import MailError
from .settings import plain_address

REMINDER = "relance"
"""The ledger's fingerprint of a message without attachment (a reminder only)."""


@dataclass(frozen=True)
class Outgoing:
    """One message to send: to whom, why, with what."""

    association: str
    section: str
    address: str
    state: str
    """As in « Suivi des envois »: à jour, en retard, manquant."""
    arrete: dt.date
    updated: dt.date | None = None
    """The update date of the figures used (a late section's last workbook)."""
    workbook: str | None = None
    """The input file, as named in the report."""
    attachment: Path | None = None
    """The annotated return to attach, or None."""
    findings: tuple[dict, ...] = ()
    """The anomalies of ``workbook``, as the report gives them (French keys)."""
    whole_workbook: bool = True
    """Whether the attachment is the section's workbook annotated (else the list of anomalies alone, for
    a file that could not be annotated: OpenDocument, old format, encrypted)."""
    fingerprint: str = REMINDER
    """What makes this message this one, in the ledger: the sha256 of the workbook the return answers
    (stable when the returns are written again), or ``relance`` for a reminder alone."""

    @property
    def remind(self) -> bool:
        return self.state in (LATE, MISSING)

    @property
    def month(self) -> str:
        return f"{self.arrete:%Y-%m}"


@dataclass
class Plan:
    report: Path
    arrete: dt.date
    messages: list[Outgoing] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """French lines: the sections that needed a message and will get none, and why."""


def load_report(path: Path) -> dict:
    """The JSON report, checked enough to be used; :class:`MailError` (French) otherwise."""
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError as err:
        raise MailError(f"Le rapport {path} n'existe pas : produisez-le avec « consolider DOSSIER --retours "
                        "RETOURS --json RAPPORT.json ».") from err
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise MailError(f"Le rapport {path} est illisible : ce n'est pas le JSON écrit par « consolider --json ».") \
            from err
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list) or "arrete" not in data:
        raise MailError(f"Le rapport {path} n'a pas la liste des sections : produisez-le avec « consolider --json » "
                        "(celui de « valider » ne suffit pas).")
    return data


def plan_messages(report_path: Path, config: Config) -> Plan:
    """The messages the report calls for, each to its section's configured address."""
    report_path = Path(report_path)
    data = load_report(report_path)
    try:
        arrete = dt.date.fromisoformat(str(data["arrete"]))
    except ValueError as err:
        raise MailError(f"Le rapport {report_path} a une date d'arrêté illisible ({data['arrete']}).") from err
    plan = Plan(report=report_path, arrete=arrete)
    by_file: dict[str, list[dict]] = {}
    for finding in data.get("anomalies") or []:
        if isinstance(finding, dict):
            by_file.setdefault(str(finding.get("fichier", "")), []).append(finding)
    for entry in data["sections"]:
        if not isinstance(entry, dict):
            continue
        outgoing = _outgoing(entry, config, arrete, by_file, report_path.parent, plan.skipped)
        if outgoing is not None:
            plan.messages.append(outgoing)
    plan.skipped.extend(_orphans(data["sections"], by_file))
    return plan


def _orphans(sections: list, by_file: dict[str, list[dict]]) -> list[str]:
    """A file rejected whole (unreadable, not a section report…) belongs to no section: say it, since
    nobody will be told by mail."""
    named = {str(s.get("fichier")) for s in sections if isinstance(s, dict) and s.get("fichier")}
    lines = []
    for name, findings in by_file.items():
        rejecting = [f for f in findings if (info := CATALOGUE.get(str(f.get("code")))) is not None
                     and info.scope == "fichier" and info.severity is Severity.ERROR]
        if rejecting and name not in named:
            lines.append(f"Le fichier {name} est écarté ({rejecting[0].get('message', '')}) et n'est rattaché à "
                         "aucune section : aucun message ne part pour lui, prévenez son expéditeur vous-même.")
    return lines


def _outgoing(entry: dict, config: Config, arrete: dt.date, by_file: dict[str, list[dict]], base: Path,
              skipped: list[str]) -> Outgoing | None:
    association, name = str(entry.get("association", "")), str(entry.get("section", ""))
    state, workbook = str(entry.get("etat", "")), entry.get("fichier") or None
    attachment = Path(entry["retour"]) if entry.get("retour") else None
    if attachment is not None and not attachment.is_absolute():
        attachment = base / attachment
    if attachment is None and state not in (LATE, MISSING):
        return None
    label = f"{association} « {name} »"
    expected = config.expected(association, name) if state != UNEXPECTED else None
    if expected is None:
        skipped.append(f"Section {label} : absente de la configuration, aucun message (ajoutez-la à "
                       "convention.toml avec son courriel si elle doit rendre compte).")
        return None
    address = plain_address(expected.email)
    if address is None:
        why = "pas de courriel" if not expected.email else f"courriel « {expected.email} » invalide"
        skipped.append(f"Section {label} : {why} dans la configuration, aucun message.")
        return None
    if attachment is not None and not attachment.is_file():
        skipped.append(f"Section {label} : son retour {attachment} est introuvable (relancez « consolider "
                       "--retours ») ; " + ("seule la relance part." if state in (LATE, MISSING) else
                                            "aucun message."))
        attachment = None
        if state not in (LATE, MISSING):
            return None
    fingerprint = REMINDER
    if attachment is not None:
        fingerprint = str(entry.get("empreinte") or "") or hashlib.sha256(attachment.read_bytes()).hexdigest()
    updated = None
    if entry.get("mise_a_jour"):
        try:
            updated = dt.date.fromisoformat(str(entry["mise_a_jour"]))
        except ValueError:
            updated = None
    findings = tuple(by_file.get(str(workbook), ())) if attachment is not None else ()
    return Outgoing(association=expected.association, section=expected.name, address=address, state=state,
                    arrete=arrete, updated=updated, workbook=workbook, attachment=attachment, findings=findings,
                    whole_workbook=not _unreadable(findings), fingerprint=fingerprint)


def _unreadable(findings: tuple[dict, ...]) -> bool:
    """Whether the workbook could not be read at all: its return is then the blank template."""
    from ..findings import CATALOGUE

    return any(f.get("gravite") == "erreur" and f.get("code") in CATALOGUE
               and CATALOGUE[f["code"]].scope == "fichier"
               and f["code"] not in ("section-invalide", "pas-un-rapport-de-section") for f in findings)
