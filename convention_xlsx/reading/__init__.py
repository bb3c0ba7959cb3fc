"""Reading input files: one file → raw cells with their positions, or a French reason."""

from .model import FileInfo, RawSheet, RawWorkbook, ReadFailure

__all__ = ["FileInfo", "RawSheet", "RawWorkbook", "ReadFailure"]
