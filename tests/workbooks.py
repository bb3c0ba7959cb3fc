"""Build section workbooks for tests from readable markdown tables, through the real template.

    rows = md_rows('''
        | Date       | Code établissement | Type d'action                | Associations    |
        | ---------- | ------------------ | ---------------------------- | --------------- |
        | 2022-03-15 | CP-NANTERRE        | Rencontre quartier arrivants | ANVP et Auxilia |
        | 15/03/2023 | CP-NANTERRE        | Rencontre arrivants          | ANVP            |
    ''')
    path = make_section_workbook(tmp_path / "a.xlsx", config, "ANVP", "Nanterre",
                                 date(2023, 6, 2), tables={"actions": rows})

Header cells are the schema's labels (the volunteer's headers) or column keys. Cell
values: empty → ``None``; with ``dates=True`` an ISO ``yyyy-mm-dd`` becomes a
``datetime.date`` (a French ``15/03/2023`` stays text, as if typed into a text cell);
with ``numbers=True`` a plain ``3`` or ``2.5`` becomes a number (``2,5`` stays text).
Wrap a value in backticks to keep it as text whatever it looks like: `` `2022-03-15` ``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from convention_xlsx.config import Config
from convention_xlsx.spec import default_spec
from convention_xlsx.template import build_template, fill_workbook
from convention_xlsx.text import fold

SPEC = default_spec()

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^-?\d+$")
_DECIMAL = re.compile(r"^-?\d+\.\d+$")


def _keys_by_label(sheet: str | None) -> dict[str, str]:
    """Folded label or key → column key, for one sheet (by key or name) or all sheets."""
    sheets = SPEC.sheets if sheet is None else (SPEC.by_key.get(sheet) or SPEC.by_name[sheet],)
    keys: dict[str, set[str]] = {}
    for s in sheets:
        for col in s.columns:
            keys.setdefault(fold(col.label), set()).add(col.key)
            keys.setdefault(fold(col.key), set()).add(col.key)
    return {label: next(iter(found)) for label, found in keys.items() if len(found) == 1}


def _cell(text: str, dates: bool, numbers: bool) -> object:
    text = text.strip()
    if not text:
        return None
    if len(text) >= 2 and text[0] == text[-1] == "`":
        return text[1:-1]
    if dates and _ISO_DATE.match(text):
        return dt.date.fromisoformat(text)
    if numbers and _INTEGER.match(text):
        return int(text)
    if numbers and _DECIMAL.match(text):
        return float(text)
    return text


def md_rows(table: str, sheet: str | None = None, dates: bool = True, numbers: bool = True) -> list[dict]:
    """The rows of a markdown table, keyed by column key (see the module docstring).

    ``sheet`` (key or name) resolves a header that means different columns in different sheets.
    """
    lines = [line.strip() for line in table.strip().splitlines() if line.strip()]
    cells = [[c for c in line.strip("|").split("|")] for line in lines if line.startswith("|")]
    if not cells:
        raise ValueError("md_rows: no markdown table found")
    known = _keys_by_label(sheet)
    header = []
    for label in cells[0]:
        key = known.get(fold(label))
        if key is None:
            raise ValueError(f"md_rows: unknown or ambiguous header {label.strip()!r} (pass sheet=…)")
        header.append(key)
    body = [row for row in cells[1:] if not all(re.fullmatch(r"\s*:?-+:?\s*", c) for c in row)]
    rows = []
    for row in body:
        if len(row) != len(header):
            raise ValueError(f"md_rows: {len(row)} cells where the header has {len(header)}: {row}")
        rows.append({key: _cell(value, dates, numbers) for key, value in zip(header, row, strict=True)})
    return rows


def make_section_workbook(
    path: Path,
    config: Config,
    association: str | None,
    section: str | None,
    updated: object,
    establishments: Sequence[str] = (),
    tables: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
    email: str | None = None,
    editor: str | None = None,
    fields: Mapping[str, object] | None = None,
) -> Path:
    """A section workbook built by the real template, filled like a volunteer, saved at ``path``.

    ``updated`` is written as given (a date, or text such as ``"02/06/2023"``); ``fields``
    overrides any ``Section`` field (e.g. ``{"template_version": "2025.1"}``).
    """
    wb = build_template(config, association, section, establishments, email)
    section_fields: dict[str, object] = {"updated": updated}
    if editor is not None:
        section_fields["editor"] = editor
    section_fields.update(fields or {})
    fill_workbook(wb, config.spec, section=section_fields, tables=tables or {})
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
