"""convention-xlsx: the ANVP–Auxilia partnership dashboard.

Section workbooks (Excel/LibreOffice) → validation → consolidated tables → the
presidents' dashboard workbook and its yearly bilan.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("convention-xlsx")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"
