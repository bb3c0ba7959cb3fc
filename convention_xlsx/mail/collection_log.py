"""The collection log: who sent each collected workbook, when, under which subject.

``collecter`` writes it (atomically) as a hidden file of the input folder,
:data:`LOG_NAME`, which the reading of the folder skips silently; the next consolidation reads it
to show each file's sender, date and subject in the manifest (À propos), and to help name a
section from its sender (see :mod:`.provenance`). Files are matched by their sha256, so a
collected file renamed or moved into a subfolder keeps its provenance.

The format (UTF-8 JSON)::

    {"version": 1, "fichiers": [{"fichier": "section_nanterre.xlsx", "sha256": "…",
      "expediteur": "Jeanne Dupont <anvp.nanterre@exemple.org>", "adresse": "anvp.nanterre@exemple.org",
      "date": "2023-12-02T10:31:00+01:00", "objet": "Notre classeur de décembre",
      "message_id": "<…>", "collecte_le": "2023-12-03T09:00:00+01:00"}]}
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from ..atomic import write_text
from ..reading.files import COLLECTION_LOG

LOG_NAME = COLLECTION_LOG
VERSION = 1


@dataclass(frozen=True)
class CollectedFile:
    """One saved attachment and the message it came with."""

    name: str
    """The saved file, relative to the folder of the log (``/`` separators)."""
    sha256: str
    sender: str = ""
    """The ``From`` header as written (name and address)."""
    address: str = ""
    """The sender's bare address, for matching a section's configured ``courriel``."""
    date: dt.datetime | None = None
    subject: str = ""
    message_id: str = ""
    collected: dt.datetime | None = None

    def to_json(self) -> dict:
        d = asdict(self)
        return {"fichier": d["name"], "sha256": d["sha256"], "expediteur": d["sender"], "adresse": d["address"],
                "date": _iso(self.date), "objet": d["subject"], "message_id": d["message_id"],
                "collecte_le": _iso(self.collected)}

    @classmethod
    def from_json(cls, d: dict) -> CollectedFile:
        return cls(name=str(d.get("fichier", "")), sha256=str(d.get("sha256", "")),
                   sender=str(d.get("expediteur", "")), address=str(d.get("adresse", "")),
                   date=_datetime(d.get("date")), subject=str(d.get("objet", "")),
                   message_id=str(d.get("message_id", "")), collected=_datetime(d.get("collecte_le")))


@dataclass
class CollectionLog:
    entries: list[CollectedFile]
    problem: str = ""
    """French: why an existing log could not be read (it is then treated as empty), or ``""``."""


def read_log(folder: Path) -> CollectionLog:
    """The log of ``folder`` (empty when there is none; unreadable: empty, with the problem said)."""
    path = Path(folder) / LOG_NAME
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return CollectionLog([])
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return CollectionLog([], f"Le journal de collecte {path} est illisible : il est ignoré (les fichiers "
                                 "déjà présents dans le dossier ne sont pas enregistrés une seconde fois).")
    files = data.get("fichiers") if isinstance(data, dict) else None
    if not isinstance(files, list):
        return CollectionLog([], f"Le journal de collecte {path} n'a pas le format attendu : il est ignoré.")
    return CollectionLog([CollectedFile.from_json(d) for d in files if isinstance(d, dict) and d.get("sha256")])


def write_log(folder: Path, entries: list[CollectedFile]) -> Path:
    """Write the log of ``folder`` atomically."""
    path = Path(folder) / LOG_NAME
    data = {"version": VERSION, "fichiers": [e.to_json() for e in entries]}
    write_text(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return path


def collected_files(root: Path) -> dict[str, CollectedFile]:
    """Every file collected into ``root`` or its (non-hidden) subfolders, by sha256, with its name
    relative to ``root``; the newest record wins when the same content was logged twice."""
    found: dict[str, CollectedFile] = {}
    root = Path(root)
    for directory, subfolders, names in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        if LOG_NAME not in names:
            continue
        here = Path(directory)
        prefix = here.relative_to(root).as_posix()
        for entry in read_log(here).entries:
            name = entry.name if prefix == "." else f"{prefix}/{entry.name}"
            found[entry.sha256] = CollectedFile(**{**asdict(entry), "name": name})
    return found


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _datetime(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None
