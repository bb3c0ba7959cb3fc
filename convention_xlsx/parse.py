"""One raw workbook → the section's identity, typed rows and findings at their cells.

Reads like a person fills: sheets matched by folded name (or a former name, or their headers),
the ``Section`` fields read from the cell right of their label and nowhere else, each table read
by :mod:`parse_table`. Every non-empty row is counted as read and ends consolidated or rejected
(``rows_read == len(valid rows) + rows_rejected``), also in a workbook rejected as a whole.

Pure: no file access, picklable inputs and outputs (it can run in the reading pool).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import normalize as norm
from .cells import cell_ref
from .config import Referentiel
from .findings import Finding
from .headers import find_header, loose
from .migrations import NEWER, OLDER, UNKNOWN, ReadingPlan, reading_plan
from .parse_table import count_rows, read_table
from .reading.limits import DEFAULT_LIMITS, Limits
from .reading.model import FileInfo, RawSheet, RawWorkbook, ReadFailure
from .reading.workbook import read_workbook
from .rules import Period
from .schema import TEXT, Sheet, Spec
from .text import fold


@dataclass(frozen=True)
class Context:
    """What the parsing needs to know of the run: the référentiel, the dates and the workbook's description."""

    referentiel: Referentiel
    period: Period
    spec: Spec
    senders: Mapping[str, tuple[str, str, str]] = field(default_factory=dict)
    extension: str = ""
    """The convention's own rules (``[convention] extension``)."""
    """sha256 of a collected file → (association, section, sender's address) of the one expected section
    whose contact sent it: the section a workbook is attributed to when its « Section » sheet names none."""


@dataclass
class ParsedWorkbook:
    info: FileInfo
    association: str | None = None
    section: str | None = None
    email: str = ""
    updated: dt.date | None = None
    template_version: str = ""
    rows: dict[str, list[dict]] = field(default_factory=dict)
    """Valid rows by sheet key; each row maps column keys to typed values, plus
    ``sheet`` (the name in the file) and ``excel_row``."""
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per sheet key: column key → the column letter it was found at in this file."""
    header_rows: dict[str, int] = field(default_factory=dict)
    """Per sheet key: the row (1-based) of its header in this file."""
    sheet_names: dict[str, str] = field(default_factory=dict)
    """Per sheet key: the sheet's name in this file (the fields sheet included)."""
    section_cells: dict[str, str] = field(default_factory=dict)
    """Field key of the fields sheet → the A1 reference of its value cell in this file."""
    findings: list[Finding] = field(default_factory=list)
    rows_read: int = 0
    rows_rejected: int = 0
    values_left_out: int = 0
    """Values in error left out of rows that were kept (the rest of each row is consolidated)."""
    rejected: bool = False
    """A file-level erreur: nothing of this file is consolidated."""
    seconds: dict[str, float] = field(default_factory=dict)
    """Where the reading pool's child spent its time on this file (``fichier``: read, ``analyse``: parse)."""


def parse_workbook(raw: RawWorkbook, ctx: Context) -> ParsedWorkbook:
    """Turn the raw cells of one workbook into the section's identity, rows and findings."""
    out = ParsedWorkbook(info=raw.info)
    add = _adder(out)
    for code, message in raw.notes:
        add(code, message=message)
    spec = ctx.spec
    fields = spec.section
    section_sheet = _by_name(fields, raw.sheets, reading_plan(spec, spec.version))
    if section_sheet is None:
        out.rejected = True
        add("pas-un-rapport-de-section",
            message=f"Ce classeur n'a pas de feuille « {fields.name} » : ce n'est pas un rapport de section. "
            "Demandez à la section d'utiliser le modèle (convention-xlsx modele).")
    else:
        _read_section(section_sheet, raw, ctx, out, add)
    plan = reading_plan(spec, out.template_version)
    _version_note(plan, spec, out, add)
    own = {fold(s.name) for s in spec.sheets} | {fold(spec.lists_sheet), fold(spec.referentiel_sheet)}
    unmatched = [s for s in raw.sheets if s is not section_sheet and fold(s.name) not in own
                 and not _is_return_sheet(s.name, spec)]
    for sheet in spec.table_sheets:
        found = _by_name(sheet, raw.sheets, plan)
        if found is not None and found in unmatched:
            unmatched.remove(found)  # a former name of the sheet
        if found is None:
            found = _renamed(sheet, unmatched, plan)
            if found is not None:
                unmatched.remove(found)
                add("feuille-renommee", sheet=found.name,
                    message=f"La feuille « {found.name} » a les en-têtes de « {sheet.name} » : elle est lue "
                    f"comme telle. Redonnez-lui son nom « {sheet.name} ».", suggestion=sheet.name)
        if found is None:
            if not out.rejected:
                add("feuille-manquante", sheet=sheet.name,
                    message=f"La feuille « {sheet.name} » est absente : rien n'est lu pour elle. "
                    "Repartez du modèle si elle a été supprimée.")
            continue
        if out.rejected:
            count = count_rows(sheet, found, plan)
            out.rows_read += count
            out.rows_rejected += count
        else:
            read_table(sheet, found, ctx, plan, out, add)
    if not out.rejected:
        for extra in unmatched:
            _unknown_sheet(extra, spec, plan, add)
    return out


def unread_sheets(spec: Spec) -> tuple[str, ...]:
    """The template's sheets whose cells the parse never looks at: the notice, the lists, the référentiel
    (the reader lists them without reading them; see ``read_workbook(unread=…)``)."""
    return (*(s.name for s in spec.sheets if s.layout == TEXT), spec.lists_sheet, spec.referentiel_sheet)


def _is_return_sheet(name: str, spec: Spec) -> bool:
    """Our own « À corriger » sheet of a return sent back (« À corriger1 » once a spreadsheet renamed a copy)."""
    return re.sub(r"[\s\d()_-]+$", "", fold(name)) == fold(spec.return_sheet)


def _by_name(sheet: Sheet, raw_sheets: list[RawSheet], plan: ReadingPlan) -> RawSheet | None:
    """The raw sheet named like ``sheet``: its name, a former name, or an alias the spec declares."""
    names = [sheet.name, *plan.silent_sheet_names.get(sheet.key, ()), *sheet.aliases,
             *plan.old_sheet_names.get(sheet.key, ())]
    by_fold = {fold(s.name): s for s in raw_sheets}
    by_loose = {loose(s.name): s for s in raw_sheets}
    for name in names:
        found = by_fold.get(fold(name)) or by_loose.get(loose(name))
        if found is not None:
            return found
    return None


def _renamed(sheet: Sheet, candidates: list[RawSheet], plan: ReadingPlan) -> RawSheet | None:
    """The unknown sheet whose header row holds every required column of ``sheet``, if any."""
    required = {c.key for c in sheet.data_columns if c.required}
    for candidate in candidates:
        header = find_header(sheet, candidate, plan)
        if header and required <= set(header.positions) and len(header.found) >= 3:
            return candidate
    return None


def _unknown_sheet(raw_sheet: RawSheet, spec: Spec, plan: ReadingPlan, add: Callable) -> None:
    """A sheet outside the template that holds something: say that it is not read."""
    if not any(not norm.is_blank(v) for cells in raw_sheet.rows for v in cells):
        return
    like = next((s for s in spec.table_sheets
                 if (h := find_header(s, raw_sheet, plan)) and len(h.found) >= 3), None)
    if like is not None:
        message = (f"La feuille « {raw_sheet.name} » a les en-têtes de « {like.name} » mais n'est pas lue : "
                   f"recopiez ses lignes dans la feuille « {like.name} ».")
    else:
        message = f"La feuille « {raw_sheet.name} » ne fait pas partie du modèle : son contenu n'est pas lu."
    add("feuille-inconnue", sheet=raw_sheet.name, message=message, suggestion=like.name if like else "")


def _version_note(plan: ReadingPlan, spec: Spec, out: ParsedWorkbook, add: Callable) -> None:
    if out.rejected:
        return
    fields = spec.section
    label = fields.column("template_version").label
    shown = out.template_version or "inconnue"
    if plan.status == OLDER:
        add("version-modele", sheet=fields.name, column=label, value=out.template_version,
            message=f"Ce classeur vient de la version {out.template_version} du modèle (actuelle : {spec.version}) : "
            "il est lu à travers les changements des versions suivantes, sans rien perdre. Envoyez le nouveau "
            "modèle à la section à l'occasion (convention-xlsx modele).")
    elif plan.status in (UNKNOWN, NEWER):
        known = ", ".join(v.version for v in spec.versions)
        why = ("plus récente que celles que connaît cette configuration : mettez à jour la description du "
               "classeur (ou l'outil)" if plan.status == NEWER else "inconnue")
        add("version-modele-inconnue", sheet=fields.name, column=label, value=out.template_version,
            message=f"La version du modèle de ce classeur (« {shown} ») est {why} ; versions connues : {known}. "
            f"Il est lu comme un classeur de la version actuelle ({spec.version}) : vérifiez les anomalies.")


# --- Section ------------------------------------------------------------------------------------


def _section_values(raw_sheet: RawSheet, fields: Sheet) -> dict[str, tuple[object, str]]:
    """Field key → (value, A1 reference of the value cell): each label found in the first columns,
    its value the cell just right of it — never a cell further away (the help text beside an empty
    field is not its value)."""
    labels: dict[str, object] = {}
    for col in fields.columns:
        for text in (col.label, *col.aliases):
            labels.setdefault(fold(text), col)
            labels.setdefault("~" + loose(text), col)
    values: dict[str, tuple[object, str]] = {}
    for r, cells in enumerate(raw_sheet.rows, start=1):
        for c, cell in enumerate(cells[:4], start=1):
            if not isinstance(cell, str):
                continue
            col = labels.get(fold(cell)) or labels.get("~" + loose(cell))
            if col is None or col.key in values:
                continue
            values[col.key] = (cells[c] if c < len(cells) else None, cell_ref(r, c + 1))
            break
    return values


def _read_section(raw_sheet: RawSheet, raw: RawWorkbook, ctx: Context, out: ParsedWorkbook,
                  add: Callable) -> None:
    spec = ctx.spec
    fields = spec.section
    values = _section_values(raw_sheet, fields)
    sheet = raw_sheet.name
    out.sheet_names[fields.key] = sheet
    out.section_cells = {key: ref for key, (_, ref) in values.items()}

    def field(key: str) -> tuple[object, str, str]:
        value, ref = values.get(key, (None, ""))
        return value, ref, fields.column(key).label

    def reject(ref: str, label: str, message: str, value: object = None, suggestion: str = "") -> None:
        sender = ctx.senders.get(raw.info.sha256)
        if sender:  # the workbook goes to the one expected section whose contact sent it, with a warning
            out.association, out.section = sender[0], sender[1]
            add("section-par-expediteur", sheet=sheet, cell=ref, column=label,
                value=norm.as_typed(value), message=by_sender(message, *sender, sheet=sheet))
            return
        out.rejected = True
        add("section-invalide", sheet=sheet, cell=ref, column=label, value=norm.as_typed(value),
            message=message, suggestion=suggestion)

    version_raw, _, label = field("template_version")
    version = "" if norm.is_blank(version_raw) else norm.to_text(version_raw)
    out.template_version = version or raw.properties.get(label, "")
    assoc_raw, ref, label = field("association")
    choices = " ou ".join(spec.party_names)
    name_raw, name_ref, name_label = field("section_name")
    assoc = None if norm.is_blank(assoc_raw) else norm.to_choice(assoc_raw, spec.party_names)
    if assoc is None:
        reject(ref, label, f"« {label} » est vide dans la feuille « {sheet} » : choisissez {choices} dans la "
               "liste. Sans elle, rien de ce classeur ne peut être repris.")
    elif isinstance(assoc, norm.Problem):
        reject(ref, label, f"Association « {norm.as_typed(assoc_raw)} » inconnue : choisissez {choices}.",
               assoc_raw, assoc.suggestion)
    elif norm.is_blank(name_raw):
        reject(name_ref, name_label, f"« {name_label} » est vide dans la feuille « {sheet} » : saisissez le nom de "
               "votre section (« National » pour le siège). Sans lui, rien de ce classeur ne peut être repris.")
    else:
        out.association, out.section = assoc, norm.to_text(name_raw)
    if out.rejected:
        return
    if fields.has("email"):
        email_raw, ref, label = field("email")
        if not norm.is_blank(email_raw):
            out.email = norm.to_text(email_raw)
            if not norm.is_email(out.email):
                add("courriel-invalide", sheet=sheet, cell=ref, column=label, value=out.email,
                    message="Cette adresse de courriel ne semble pas valide (exemple : nom@exemple.org).")
    updated_raw, ref, label = field("updated")
    updated = None if norm.is_blank(updated_raw) else norm.to_date(updated_raw)
    if isinstance(updated, dt.date) and updated > ctx.period.today:
        add("date-mise-a-jour-future", sheet=sheet, cell=ref, column=label, value=f"{updated:%d/%m/%Y}",
            message=f"La date de mise à jour ({updated:%d/%m/%Y}) est postérieure au jour du traitement "
            f"({ctx.period.today:%d/%m/%Y}) : corrigez-la. En attendant, la date du fichier est utilisée.")
    elif isinstance(updated, dt.date):
        out.updated = updated
    else:
        what = "est vide" if updated is None else f"(« {norm.as_typed(updated_raw)} ») n'est pas une date"
        add("champ-section-manquant", sheet=sheet, cell=ref, column=label, value=norm.as_typed(updated_raw),
            message=f"« {label} » {what} : saisissez la date du jour au format jj/mm/aaaa (par exemple "
            f"{ctx.period.today:%d/%m/%Y}). En attendant, la date du fichier est utilisée.")


def by_sender(problem: str, association: str, section: str, address: str, sheet: str = "Section") -> str:
    """The message of ``section-par-expediteur``: what was wrong, and which section the workbook went to."""
    return (f"{problem} Le classeur est attribué à la section {association} « {section} », car il a été envoyé "
            f"par son adresse ({address}) : corrigez la feuille « {sheet} ».")


def _adder(out: ParsedWorkbook) -> Callable[..., None]:
    def add(code: str, **kw: str) -> None:
        out.findings.append(Finding(code=code, file=out.info.path, **kw))

    return add


def read_and_parse(ctx: Context, path: Path, root: Path | None, password: str | None,
                   limits: Limits = DEFAULT_LIMITS) -> ParsedWorkbook | ReadFailure:
    """Read one file and parse it, in the reading pool's child (parsing is pure): both cores
    share the validation, and what crosses back is the typed rows, not every raw cell. Nothing
    this needs imports pandas: the children start without it."""
    started = time.perf_counter()
    outcome = read_workbook(path, root, password, limits, unread=unread_sheets(ctx.spec))
    if isinstance(outcome, ReadFailure):
        return outcome
    read = time.perf_counter()
    parsed = parse_workbook(outcome, ctx)
    parsed.seconds = {"fichier": read - started, "analyse": time.perf_counter() - read}
    return parsed
