"""Reading a workbook made from an older template version through the changes the spec declares.

Sections keep one cumulative workbook for the whole convention, so a workbook filled on version
2026.1 must still read once the spec is at 2026.3: a header renamed since is still its column, a
sheet renamed since is still its sheet, a choice value renamed since is read as its new name, a
column added since is not « missing », a column removed since is not « unknown ». For a workbook
of the current version, the same old spellings are still understood but flagged (a volunteer
pasted an old sheet). Pure: spec + version → :class:`ReadingPlan`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .schema import Spec
from .text import fold

CURRENT, OLDER, UNKNOWN, NEWER = "actuelle", "ancienne", "inconnue", "plus récente"


@dataclass(frozen=True)
class ReadingPlan:
    """How to read one workbook given the template version it declares."""

    version: str
    status: str
    silent_headers: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    """(sheet key, column key) → former headers, from changes after the workbook's version: read silently."""
    old_headers: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    """(sheet key, column key) → every former header of any version: read, but flagged."""
    silent_sheet_names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    old_sheet_names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    silent_values: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    """(sheet key, column key) → {folded former value: current value}, read silently."""
    old_values: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    added: frozenset[tuple[str, str]] = frozenset()
    """Columns added after the workbook's version: their absence is expected."""
    removed: dict[str, frozenset[str]] = field(default_factory=dict)
    """Sheet key → folded headers of columns removed from the template: never « unknown »."""


def _merge(target: dict, key: object, value: str) -> None:
    target[key] = (*target.get(key, ()), value)


def reading_plan(spec: Spec, version: str) -> ReadingPlan:
    """The plan for a workbook that declares ``version`` (``""`` when it declares none)."""
    if version == spec.version:
        status = CURRENT
    elif spec.knows(version):
        status = OLDER
    else:
        status = NEWER if _newer(version, spec.version) else UNKNOWN
    after = {v.version for v in spec.versions_after(version)} if status == OLDER else set()
    silent_h: dict = {}
    old_h: dict = {}
    silent_s: dict = {}
    old_s: dict = {}
    silent_v: dict = {}
    old_v: dict = {}
    added: set[tuple[str, str]] = set()
    removed: dict[str, set[str]] = {}
    for v in spec.versions:
        later = v.version in after
        for change in v.changes:
            key = (change.sheet, change.column)
            if change.action == "colonne renommée":
                _merge(old_h, key, change.old)
                if later:
                    _merge(silent_h, key, change.old)
            elif change.action == "feuille renommée":
                _merge(old_s, change.sheet, change.old)
                if later:
                    _merge(silent_s, change.sheet, change.old)
            elif change.action == "valeur renommée":
                old_v.setdefault(key, {})[fold(change.old)] = change.new
                if later:
                    silent_v.setdefault(key, {})[fold(change.old)] = change.new
            elif change.action == "colonne ajoutée" and later:
                added.add(key)
            elif change.action == "colonne retirée":
                removed.setdefault(change.sheet, set()).add(fold(change.old))
    return ReadingPlan(version, status, silent_h, old_h, silent_s, old_s, silent_v, old_v, frozenset(added),
                       {k: frozenset(v) for k, v in removed.items()})


def _newer(version: str, current: str) -> bool:
    """Whether ``version`` looks like a later release than ``current`` (« 2027.1 » > « 2026.1 »)."""
    def parts(text: str) -> tuple[int, ...] | None:
        return tuple(int(p) for p in text.split(".")) if re.fullmatch(r"\d+(?:\.\d+)*", text) else None

    a, b = parts(version.strip()), parts(current)
    return a is not None and b is not None and a > b
