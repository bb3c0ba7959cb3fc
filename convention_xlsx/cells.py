"""Excel cell references as the volunteer sees them (``C12``), from 1-based row and column numbers."""

from __future__ import annotations


def column_letter(col: int) -> str:
    """``1`` → ``A``, ``28`` → ``AB``."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """The A1 reference of a 1-based (row, column)."""
    return f"{column_letter(col)}{row}"
