"""Which attachments are spreadsheets, and the safe name each one is saved under.

An attachment's name comes from whoever sent the message: it may climb out of the folder
(``../../x.xlsx``), be absolute (``/etc/x.xlsx``, ``C:\\x.xlsx``), hold NUL or control
characters, be a name Windows reserves (``CON.xlsx``), be hidden or look like a lock file
(``.x.xlsx``, ``~$x.xlsx``, which the consolidation would skip), or be very long. The saved name
is always a plain file name directly inside the folder, with the spreadsheet's extension.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set

SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".ods", ".xls")
CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.12": ".xlsm",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.ms-excel": ".xls",
}
FALLBACK_STEM = "piece-jointe"
MAX_NAME_BYTES = 150
"""Well under the 255 bytes most file systems allow, leaving room for a ``-2`` and the temporary prefix."""

_RESERVED = {"con", "prn", "aux", "nul", "clock$", "conin$", "conout$",
             *(f"com{i}" for i in "123456789¹²³"), *(f"lpt{i}" for i in "123456789¹²³")}
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f]')
_SPACES = re.compile(r"\s+")


def spreadsheet_extension(filename: str | None, content_type: str = "") -> str | None:
    """The spreadsheet extension of an attachment (``.xlsx``…), from its name, else its MIME type."""
    if filename:
        lowered = filename.strip().rstrip(". ").lower()
        for ext in SPREADSHEET_EXTENSIONS:
            if lowered.endswith(ext):
                return ext
        if "." in lowered.rpartition("/")[2].rpartition("\\")[2]:
            return None  # a name with another extension (.pdf, .xlsx.exe…) is not a spreadsheet
    return CONTENT_TYPES.get((content_type or "").lower())


def safe_name(filename: str | None, extension: str, taken: Set[str] = frozenset()) -> str:
    """A safe file name for an attachment, ending in ``extension``, not in ``taken`` (compared
    without case, as Windows and macOS do): ``-2``, ``-3``… is added before the extension."""
    stem = _clean_stem(filename or "", extension)
    used = {name.casefold() for name in taken}
    candidate = stem + extension
    number = 2
    while candidate.casefold() in used:
        candidate = f"{_shorten(stem, len(f'-{number}'))}-{number}{extension}"
        number += 1
    return candidate


def readable(text: str) -> str:
    """``text`` without the undecodable bytes a malformed header leaves (lone surrogates), which no
    file name or UTF-8 file could hold: each becomes ``?``."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _clean_stem(filename: str, extension: str) -> str:
    name = unicodedata.normalize("NFC", readable(filename)).replace("\x00", "")
    name = re.split(r"[/\\]", name)[-1]  # the last component only: no folder, no drive, no ..
    name = _FORBIDDEN.sub("_", name)
    name = _SPACES.sub(" ", name).strip()
    if name.lower().rstrip(". ").endswith(extension):
        name = name.rstrip(". ")[: -len(extension)]
    name = name.lstrip(" .~$").rstrip(" .")  # hidden, lock-file and trailing-dot names
    if name.split(".")[0].strip().casefold() in _RESERVED:
        name = "_" + name
    name = _shorten(name, len(extension.encode()))
    return name or FALLBACK_STEM


def _shorten(stem: str, room: int) -> str:
    """``stem`` cut so that ``stem`` plus ``room`` bytes fits :data:`MAX_NAME_BYTES` (UTF-8)."""
    limit = MAX_NAME_BYTES - room
    while len(stem.encode()) > limit:
        stem = stem[:-1]
    return stem.rstrip(" .") or FALLBACK_STEM
