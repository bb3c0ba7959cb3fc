"""Reading input files: one file → raw cells with their positions, or a French reason.

``list_inputs`` finds the candidate files, ``read_many`` reads them in isolated child processes
(``read_workbook`` reads one): sniffing, zip pre-flight, decryption in memory, then python-calamine.
"""

from .files import list_inputs
from .limits import DEFAULT_LIMITS, Limits
from .model import FileInfo, RawSheet, RawWorkbook, ReadFailure
from .pool import read_many
from .workbook import read_workbook

__all__ = [
    "DEFAULT_LIMITS",
    "FileInfo",
    "Limits",
    "RawSheet",
    "RawWorkbook",
    "ReadFailure",
    "list_inputs",
    "read_many",
    "read_workbook",
]
