"""The bounds a single input file must stay within, and the internal error that reports a breach."""

from __future__ import annotations

from dataclasses import dataclass

from ..text import UNWRITABLE

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one input file may cost before it is refused.

    A section workbook weighs a few hundred kilobytes; these bounds are two orders of magnitude
    above it, so that only a broken or hostile file meets them.
    """

    max_file_bytes: int = 50 * MIB
    """Size of the file on disk, checked before reading it."""
    max_zip_entries: int = 2000
    max_uncompressed_bytes: int = 300 * MIB
    """Declared (and actual) total size of the zip members once decompressed."""
    max_entry_bytes: int = 200 * MIB
    """Declared size of one zip member once decompressed."""
    max_ratio: float = 200.0
    """Compression ratio above which a member (over 1 MiB decompressed) is taken for a zip bomb."""
    max_rows: int = 100_000
    """Rows kept per sheet: trailing empty rows beyond are trimmed, real data beyond refuses the file."""
    seconds_per_file: float = 60.0
    """CPU time one file may take to parse (enforced in the child process that parses it)."""
    memory_bytes: int = 1024 * MIB
    """Address space of a child process that parses files (``RLIMIT_AS``, where the system has it)."""


DEFAULT_LIMITS = Limits()




class ReadProblem(Exception):
    """Why a file cannot be read: a file-scope finding code and a French reason (becomes a ReadFailure)."""

    def __init__(self, code: str, reason: str, file_format: str = "") -> None:
        reason = UNWRITABLE.sub("\ufffd", reason)  # a damaged member name may hold control characters
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.file_format = file_format
