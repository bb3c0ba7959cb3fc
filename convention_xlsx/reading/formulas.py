"""Formula cells with no cached value: python-calamine reads them as empty, so they are listed here.

A workbook written by a program (openpyxl, a script) and never opened in Excel or LibreOffice holds
its formulas without their results (``<f>A1*2</f><v/>``). The reader cannot compute them; the
normalisation reports them (``formule-sans-valeur``) instead of silently reading an empty cell.
A formula whose cached result is an empty string (``t="str"``, ``IF(…;"";…)``) has a value: not listed.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Mapping

from defusedxml import ElementTree

from .preflight import read_member

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_UNCACHED = re.compile(rb'<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>')
"""A formula, then no value (or an empty one), then the end of its cell. The search starts at ``<f``, a
literal the regex engine finds fast; the cell's opening tag is then looked for just before it (a pattern
starting at ``<c`` tried every cell of the sheet: five times slower on the template's sheets)."""
_REF = re.compile(rb'\br="([A-Z]{1,3}[0-9]{1,7})"')
_STRING_RESULT = re.compile(rb'\bt="(?:str|inlineStr|s)"')
_PART_LIMIT = 400 * 1024 * 1024


def uncached_formulas(zf: zipfile.ZipFile, skip: Callable[[str], bool] = lambda name: False,
                      parts: Mapping[str, bytes] | None = None) -> dict[str, list[str]]:
    """Sheet name → A1 references of its formula cells with no cached value (xlsx/xlsm; best effort);
    the sheets for which ``skip(name)`` is true are not looked at. ``parts``: members already
    decompressed (by the pre-flight), used rather than read again."""
    found: dict[str, list[str]] = {}
    for name, part in _sheet_parts(zf).items():
        if skip(name):
            continue
        xml = parts.get(part) if parts else None
        xml = xml if xml is not None else read_member(zf, part, _PART_LIMIT)
        if not xml or b"<f" not in xml:
            continue
        refs = []
        for match in _UNCACHED.finditer(xml):
            attributes = _cell_attributes(xml, match.start())
            if attributes is None:
                continue
            ref = _REF.search(attributes)
            if ref and not _STRING_RESULT.search(attributes):
                refs.append(ref.group(1).decode())
        if refs:
            found[name] = refs
    return found


def _cell_attributes(xml: bytes, formula: int) -> bytes | None:
    """The attributes of the ``<c …>`` tag that opens just before the formula at ``formula`` (only
    spaces between them), or None when the formula is not a cell's first child."""
    end = xml.rfind(b">", 0, formula)
    if end < 0 or xml[end + 1:formula].strip():
        return None
    start = xml.rfind(b"<", 0, end)
    if start < 0 or xml[start + 1:start + 2] != b"c" or xml[start + 2:start + 3] not in b" \t\r\n/>" \
            or xml[end - 1:end] == b"/":
        return None
    return xml[start + 2:end]


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its zip member, from ``xl/workbook.xml`` and its relationships."""
    workbook, rels = read_member(zf, "xl/workbook.xml"), read_member(zf, "xl/_rels/workbook.xml.rels")
    if not workbook or not rels:
        return {}
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in ElementTree.fromstring(rels, forbid_dtd=True).iter(f"{_RELS_NS}Relationship")
    }
    parts = {}
    for sheet in ElementTree.fromstring(workbook, forbid_dtd=True).iter(f"{_MAIN_NS}sheet"):
        target = targets.get(sheet.get(_REL_ID), "")
        if target:
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            parts[sheet.get("name", "")] = part
    return parts
