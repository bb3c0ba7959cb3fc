"""What the collection log tells the consolidation about each input file.

Two things: the sender, date and subject of each collected file, shown in the manifest (À
propos); and the section of a workbook whose ``Section`` sheet names no expected section (the
section is invalid, or not in the configuration) when the file was sent from the configured
``courriel`` of exactly one expected section. The workbook is then attributed to that section,
with a ``section-par-expediteur`` warning that says so. Files are matched by sha256.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ..findings import Finding
from ..parse import ParsedWorkbook, by_sender
from .collection_log import CollectedFile, collected_files
from .settings import same_address


@dataclass(frozen=True)
class Provenance:
    files: dict[str, CollectedFile] = field(default_factory=dict)
    """sha256 → the collected file and its message."""
    senders: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    """sha256 → (association, section, address) of the one expected section whose contact sent it."""


def load_provenance(folder: Path, config: Config) -> Provenance:
    """The collection logs below ``folder`` (none: an empty provenance)."""
    return provenance_of(collected_files(folder), config)


def provenance_of(files: dict[str, CollectedFile], config: Config) -> Provenance:
    senders = {}
    for digest, collected in files.items():
        matching = [s for s in config.sections if same_address(s.email, collected.address)]
        if len(matching) == 1:
            senders[digest] = (matching[0].association, matching[0].name, collected.address)
    return Provenance(files=files, senders=senders)


def annotate(records: Sequence, provenance: Provenance) -> None:
    """Give each file record of the manifest its sender, date and subject when it was collected."""
    for record in records:
        collected = provenance.files.get(record.sha256) if record.sha256 else None
        if collected is None:
            continue
        record.sender = collected.sender
        record.subject = collected.subject
        if collected.date is not None:
            record.received = collected.date.astimezone().replace(tzinfo=None)


def attribute_unexpected(parsed: ParsedWorkbook, config: Config, provenance: Provenance) -> None:
    """A workbook naming a section absent from the configuration, sent from the contact address of
    one expected section, is that section's: relabel it, with a warning (the invalid case is parsed
    so already, see :class:`~convention_xlsx.parse.Context`)."""
    sender = provenance.senders.get(parsed.info.sha256)
    if sender is None or parsed.rejected or config.expected(parsed.association or "", parsed.section or ""):
        return
    fields = config.spec.section.name
    problem = (f"La feuille « {fields} » nomme la section {parsed.association} « {parsed.section} », qui "
               "n'est pas dans la configuration.")
    parsed.findings.append(Finding("section-par-expediteur", parsed.info.path, fields,
                                   value=f"{parsed.association} {parsed.section}",
                                   message=by_sender(problem, *sender, sheet=fields)))
    parsed.association, parsed.section = sender[0], sender[1]
