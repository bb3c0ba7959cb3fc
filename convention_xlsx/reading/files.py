"""Which files of the input folder are candidates, and which are lock or hidden files to skip."""

from __future__ import annotations

import os
from pathlib import Path

_SKIPPED_PREFIXES = ("~$", ".~lock.", "._", ".")
COLLECTION_LOG = ".collecte.json"
"""The log ``collecter`` keeps in the folder (see :mod:`convention_xlsx.mail.collection_log`): not an
input, and not worth an « ignoré » line in the manifest either."""


def is_skipped_name(name: str) -> bool:
    """Excel lock (``~$…``), LibreOffice lock (``.~lock.…#``), macOS resource fork (``._…``), dot-file."""
    return name.startswith(_SKIPPED_PREFIXES)


def list_inputs(folder: Path) -> tuple[list[Path], list[Path]]:
    """(candidates, skipped) below ``folder``, recursively, each sorted by relative path.

    Every regular file is a candidate whatever its extension (its format is sniffed when it is
    read), except lock and hidden files and files inside hidden folders, which are skipped, and the
    collection log, which is left out of both lists.
    """
    folder = Path(folder)
    candidates: list[Path] = []
    skipped: list[Path] = []
    for directory, subfolders, names in os.walk(folder):
        subfolders.sort()
        here = Path(directory)
        hidden_here = any(part.startswith(".") for part in here.relative_to(folder).parts)
        for name in names:
            path = here / name
            if name == COLLECTION_LOG or not path.is_file():
                continue
            (skipped if hidden_here or is_skipped_name(name) else candidates).append(path)

    def key(path: Path) -> str:
        return path.relative_to(folder).as_posix()

    return sorted(candidates, key=key), sorted(skipped, key=key)
