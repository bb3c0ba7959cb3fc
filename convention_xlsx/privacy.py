"""Personal data in outputs: volunteers' names reduced to initials, outputs encrypted.

The dashboard names volunteers only in ``Mandats`` (the convention's nominative
mandates). ``--anonymiser`` replaces those names with initials before anything is
written; ``--chiffrer`` protects the dashboard with a password (msoffcrypto-tool, the
same Agile encryption Excel uses), so it can be e-mailed to the presidents.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

from msoffcrypto.format.ooxml import OOXMLFile

from .atomic import atomic_path
from .consolidate import Consolidation
from .text import clean

OUTPUT_PASSWORD_ENV = "CONVENTION_XLSX_MOT_DE_PASSE_SORTIE"


def initials(name: object) -> object:
    """``Jean-Marie`` → ``J.-M.``, ``de La Tour`` → ``D. L. T.``; empty stays empty."""
    if not isinstance(name, str) or not clean(name):
        return name
    words = clean(name).replace("-", " - ").split(" ")
    out = []
    for word in words:
        if word == "-":
            out.append("-")
        elif word:
            out.append(word[0].upper() + ".")
    return " ".join(out).replace(" - ", "-")


def anonymise(cons: Consolidation) -> Consolidation:
    """A copy of the consolidation where every personal column holds initials only."""
    tables = dict(cons.tables)
    for sheet in cons.config.spec.table_sheets:
        personal = [c.key for c in sheet.data_columns if c.personal]
        if personal and sheet.key in tables:
            frame = tables[sheet.key].copy()
            for key in personal:
                frame[key] = frame[key].map(initials).astype("object")
            tables[sheet.key] = frame
    return dataclasses.replace(cons, tables=tables)


def encrypt_workbook(plain: Path, target: Path, password: str) -> None:
    """Write ``plain`` encrypted with ``password`` at ``target`` (atomically)."""
    if not password:
        raise ValueError("empty password")
    with plain.open("rb") as source:
        encrypted = io.BytesIO()
        OOXMLFile(source).encrypt(password, encrypted)
    with atomic_path(target) as tmp:
        tmp.write_bytes(encrypted.getvalue())

