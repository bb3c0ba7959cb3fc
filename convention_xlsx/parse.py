"""One raw workbook → the section's identity, typed rows and findings at their cells.

Reads like a person fills: sheets matched by folded name, the header row found by
name (case, accents, spaces, NBSP, a trailing ``*`` tolerated), prepared empty rows
and derived columns ignored, every value normalised by :mod:`normalize`, every rule
of :mod:`rules` applied. A row with an ``erreur`` is rejected; every non-empty row
is counted as read, so ``rows_read == len(valid rows) + rows_rejected``.

Pure: no file access, picklable inputs and outputs (it can run in the reading pool).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from . import normalize as norm
from . import schema
from .config import Referentiel
from .findings import CATALOGUE, Finding, Severity
from .reading.model import FileInfo, RawSheet, RawWorkbook
from .rules import MASKED, Period, row_issues
from .schema import Column, Kind, Sheet
from .text import fold

HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class Context:
    """What the parsing needs to know of the run: the référentiel and the dates."""

    referentiel: Referentiel
    period: Period
    senders: Mapping[str, tuple[str, str, str]] = field(default_factory=dict)
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
    findings: list[Finding] = field(default_factory=list)
    rows_read: int = 0
    rows_rejected: int = 0
    rejected: bool = False
    """A file-level erreur: nothing of this file is consolidated."""


def cell_ref(row: int, col: int) -> str:
    """The A1 reference of a 1-based (row, column)."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def column_letter(col: int) -> str:
    return cell_ref(1, col)[:-1]


def parse_workbook(raw: RawWorkbook, ctx: Context) -> ParsedWorkbook:
    """Turn the raw cells of one workbook into the section's identity, rows and findings."""
    out = ParsedWorkbook(info=raw.info)
    add = _adder(out)
    for code, message in raw.notes:
        add(code, message=message)
    by_fold = {fold(s.name): s for s in raw.sheets}
    section_sheet = by_fold.get(fold(schema.SECTION.name))
    if section_sheet is None:
        out.rejected = True
        add("pas-un-rapport-de-section",
            message="Ce classeur n'a pas de feuille « Section » : ce n'est pas un rapport de section. "
            "Demandez à la section d'utiliser le modèle (convention-xlsx modele).")
        return out
    _read_section(section_sheet, raw, ctx, out, add)
    if out.rejected:
        return out
    known = {fold(s.name) for s in schema.SHEETS} | {fold(schema.LISTS_SHEET_NAME)}
    unmatched = [s for s in raw.sheets if fold(s.name) not in known]
    for sheet in schema.TABLE_SHEETS:
        found = by_fold.get(fold(sheet.name))
        if found is None:
            found = _renamed(sheet, unmatched)
            if found is not None:
                unmatched.remove(found)
                add("feuille-renommee", sheet=found.name,
                    message=f"La feuille « {found.name} » a les en-têtes de « {sheet.name} » : elle est lue "
                    f"comme telle. Redonnez-lui son nom « {sheet.name} ».", suggestion=sheet.name)
        if found is None:
            add("feuille-manquante", sheet=sheet.name,
                message=f"La feuille « {sheet.name} » est absente : rien n'est lu pour elle. "
                "Repartez du modèle si elle a été supprimée.")
            continue
        _read_table(sheet, found, ctx, out, add)
    for extra in unmatched:
        _unknown_sheet(extra, add)
    return out


def _unknown_sheet(raw_sheet: RawSheet, add: Callable) -> None:
    """A sheet outside the template that holds something: say that it is not read."""
    if not any(not norm.is_blank(v) for cells in raw_sheet.rows for v in cells):
        return
    like = next((s for s in schema.TABLE_SHEETS if (h := _find_header(s, raw_sheet)) and len(h[1]) >= 3), None)
    if like is not None:
        message = (f"La feuille « {raw_sheet.name} » a les en-têtes de « {like.name} » mais n'est pas lue : "
                   f"recopiez ses lignes dans la feuille « {like.name} ».")
    else:
        message = f"La feuille « {raw_sheet.name} » ne fait pas partie du modèle : son contenu n'est pas lu."
    add("feuille-inconnue", sheet=raw_sheet.name, message=message, suggestion=like.name if like else "")


# --- Section ------------------------------------------------------------------------------------


def _section_values(raw_sheet: RawSheet) -> dict[str, tuple[object, str]]:
    """Field key → (value, A1 reference of the value): each label found in the first columns,
    its value the next non-empty cell to its right."""
    labels = {fold(c.label): c for c in schema.SECTION.columns}
    values: dict[str, tuple[object, str]] = {}
    for r, cells in enumerate(raw_sheet.rows, start=1):
        for c, cell in enumerate(cells[:4], start=1):
            col = labels.get(fold(cell)) if isinstance(cell, str) else None
            if col is None or col.key in values:
                continue
            value, ref = None, cell_ref(r, c + 1)
            for c2 in range(c, len(cells)):
                if not norm.is_blank(cells[c2]):
                    value, ref = cells[c2], cell_ref(r, c2 + 1)
                    break
            values[col.key] = (value, ref)
            break
    return values


def _read_section(raw_sheet: RawSheet, raw: RawWorkbook, ctx: Context, out: ParsedWorkbook,
                  add: Callable) -> None:
    values = _section_values(raw_sheet)
    sheet = raw_sheet.name

    def field(key: str) -> tuple[object, str, str]:
        value, ref = values.get(key, (None, ""))
        return value, ref, schema.SECTION.column(key).label

    def reject(ref: str, label: str, message: str, value: object = None, suggestion: str = "") -> None:
        sender = ctx.senders.get(raw.info.sha256)
        if sender:  # the workbook goes to the one expected section whose contact sent it, with a warning
            out.association, out.section = sender[0], sender[1]
            add("section-par-expediteur", sheet=sheet, cell=ref, column=label,
                value="" if value is None else str(value), message=by_sender(message, *sender))
            return
        out.rejected = True
        add("section-invalide", sheet=sheet, cell=ref, column=label,
            value="" if value is None else str(value), message=message, suggestion=suggestion)

    assoc_raw, ref, label = field("association")
    choices = " ou ".join(schema.ASSOCIATIONS)
    name_raw, name_ref, name_label = field("section_name")
    assoc = None if norm.is_blank(assoc_raw) else norm.to_choice(assoc_raw, schema.ASSOCIATIONS)
    if assoc is None:
        reject(ref, label, f"L'association n'est pas indiquée dans la feuille « {sheet} » : choisissez {choices}.")
    elif isinstance(assoc, norm.Problem):
        reject(ref, label, f"Association « {assoc_raw} » inconnue : choisissez {choices}.", assoc_raw,
               assoc.suggestion)
    elif norm.is_blank(name_raw):
        reject(name_ref, name_label, f"« {name_label} » est vide dans la feuille « {sheet} » : saisissez-le "
               "(« National » pour le siège).")
    else:
        out.association, out.section = assoc, norm.to_text(name_raw)
    if out.rejected:
        return None
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
        add("champ-section-manquant", sheet=sheet, cell=ref, column=label,
            value="" if updated is None else str(updated_raw),
            message=f"« {label} » est vide ou illisible : saisissez la date du jour (jj/mm/aaaa). En attendant, "
            "la date du fichier est utilisée.")
    version_raw, _, label = field("template_version")
    version = "" if norm.is_blank(version_raw) else norm.to_text(version_raw)
    out.template_version = version or raw.properties.get(label, "")
    if out.template_version != schema.TEMPLATE_VERSION:
        add("version-modele", sheet=sheet, column=label, value=out.template_version,
            message=f"Ce classeur vient de la version « {out.template_version or 'inconnue'} » du modèle "
            f"(actuelle : {schema.TEMPLATE_VERSION}) : il est lu, mais envoyez le nouveau modèle à la "
            "section.")
    return None


def by_sender(problem: str, association: str, section: str, address: str) -> str:
    """The message of ``section-par-expediteur``: what was wrong, and which section the workbook went to."""
    return (f"{problem} Le classeur est attribué à la section {association} « {section} », car il a été envoyé "
            f"par son adresse ({address}) : corrigez la feuille « {schema.SECTION.name} ».")


# --- tables -------------------------------------------------------------------------------------


def _find_header(sheet: Sheet, raw_sheet: RawSheet) -> tuple[int, dict[int, Column], list[int]] | None:
    """The header row (1-based), the column index (0-based) → Column map and duplicated indexes."""
    labels = {fold(c.label): c for c in sheet.columns}
    best: tuple[int, dict[int, Column], list[int]] | None = None
    for r, cells in enumerate(raw_sheet.rows[:HEADER_SEARCH_ROWS], start=1):
        found: dict[int, Column] = {}
        duplicated: list[int] = []
        for c, cell in enumerate(cells):
            col = labels.get(fold(cell)) if isinstance(cell, str) else None
            if col is None:
                continue
            if col in found.values():
                duplicated.append(c)
            else:
                found[c] = col
        if len(found) >= 2 and (best is None or len(found) > len(best[1])):
            best = (r, found, duplicated)
    return best


def _renamed(sheet: Sheet, candidates: list[RawSheet]) -> RawSheet | None:
    """The unknown sheet whose header row holds every required column of ``sheet``, if any."""
    required = {c.key for c in sheet.data_columns if c.required}
    for candidate in candidates:
        header = _find_header(sheet, candidate)
        if header and required <= {c.key for c in header[1].values()} and len(header[1]) >= 3:
            return candidate
    return None


def _read_table(sheet: Sheet, raw_sheet: RawSheet, ctx: Context, out: ParsedWorkbook,
                add: Callable) -> None:
    name = raw_sheet.name
    header = _find_header(sheet, raw_sheet)
    data_rows = [(r, cells) for r, cells in enumerate(raw_sheet.rows, start=1)]
    if header is None:
        count = sum(1 for _, cells in data_rows if any(not norm.is_blank(v) for v in cells))
        if not count:
            add("feuille-manquante", sheet=name,
                message=f"La feuille « {name} » est vide, sans ses en-têtes : rien n'est lu. Repartez du modèle.")
            return
        out.rows_read += count
        out.rows_rejected += count
        add("colonne-manquante", sheet=name, cell="A1",
            message=f"Aucune ligne d'en-têtes reconnue dans « {name} » : les en-têtes du modèle "
            f"({', '.join(c.label for c in sheet.data_columns)}) doivent figurer sur une ligne."
            + f" Les {count} lignes remplies ne sont pas lues.")
        return
    header_row, found, duplicated = header
    for c in duplicated:
        add("colonne-en-double", sheet=name, cell=cell_ref(header_row, c + 1), column=str(
            raw_sheet.rows[header_row - 1][c]),
            message="Cet en-tête figure deux fois : seule la première colonne est lue.")
    positions = {col.key: c for c, col in found.items() if not col.derived}
    out.columns[sheet.key] = {key: column_letter(c + 1) for key, c in positions.items()}
    _formulas_without_value(raw_sheet, positions, header_row, found, add)
    missing = [c for c in sheet.data_columns if c.key not in positions]
    missing_required = [c for c in missing if c.required]
    for col in missing:
        if not col.required:
            add("colonne-facultative-manquante", sheet=name, cell=cell_ref(header_row, 1), column=col.label,
                message=f"La colonne « {col.label} » est absente : elle est considérée comme vide.")
    rows = out.rows.setdefault(sheet.key, [])
    for r, cells in data_rows[header_row:]:
        values = {key: (cells[c] if c < len(cells) else None) for key, c in positions.items()}
        if all(norm.is_blank(v) for v in values.values()):
            continue
        out.rows_read += 1
        if missing_required:
            out.rows_rejected += 1
            continue
        row, has_error = _typed_row(sheet, values, r, positions, ctx, add, name)
        if has_error:
            out.rows_rejected += 1
        else:
            row["sheet"], row["excel_row"] = name, r
            rows.append(row)
    if missing_required:
        labels = ", ".join(f"« {c.label} »" for c in missing_required)
        add("colonne-manquante", sheet=name, cell=cell_ref(header_row, 1),
            message=f"Colonne(s) obligatoire(s) absente(s) de « {name} » : {labels}. Les lignes de "
            "cette feuille ne sont pas lues : rétablissez l'en-tête exact du modèle.")


def _formulas_without_value(raw_sheet: RawSheet, positions: dict[str, int], header_row: int,
                            found: dict[int, Column], add: Callable) -> None:
    """A formula saved without its result in a column we read: its value is lost (warning)."""
    read_letters = {column_letter(c + 1): found[c] for c in positions.values()}
    for ref in raw_sheet.formulas_without_value:
        letters = ref.rstrip("0123456789")
        col = read_letters.get(letters)
        if col is not None and int(ref[len(letters):]) > header_row:
            add("formule-sans-valeur", sheet=raw_sheet.name, cell=ref, column=col.label,
                message="Cette cellule contient une formule enregistrée sans son résultat : elle est lue "
                "comme vide. Ouvrez le classeur dans Excel ou LibreOffice et enregistrez-le, ou saisissez "
                "la valeur.")


def _typed_row(sheet: Sheet, values: dict[str, object], r: int, positions: dict[str, int], ctx: Context,
               add: Callable, name: str) -> tuple[dict, bool]:
    row: dict[str, object] = {}
    has_error = False
    unreadable: set[str] = set()

    def report(code: str, key: str, raw: object, message: str, suggestion: str = "") -> None:
        nonlocal has_error
        col = sheet.column(key)
        has_error |= CATALOGUE[code].severity is Severity.ERROR
        shown = "" if code == "donnees-personnelles" else ("" if raw is None else str(raw))
        add(code, sheet=name, cell=cell_ref(r, positions[key] + 1), column=col.label, value=shown,
            message=message, suggestion=suggestion)

    for col in sheet.data_columns:
        raw = values.get(col.key)
        if norm.is_blank(raw):
            row[col.key] = None
            if col.required and col.key in positions:
                report("valeur-obligatoire", col.key, None,
                       f"« {col.label} » est obligatoire : {col.help[0].lower()}{col.help[1:]}")
            continue
        value = _typed_value(col, raw, ctx)
        if isinstance(value, norm.Problem):
            report(value.code, col.key, raw, value.message, value.suggestion)
            row[col.key] = None
            unreadable.add(col.key)
            continue
        if isinstance(value, str) and len(value) > norm.MAX_TEXT:
            report("texte-trop-long", col.key, value[:50] + "…",
                   f"Ce texte dépasse {norm.MAX_TEXT} caractères : il est tronqué.")
            value = value[: norm.MAX_TEXT]
        row[col.key] = value
    for issue in row_issues(sheet, row, ctx.period):
        if issue.column in unreadable:  # already reported: "missing" would only repeat it
            continue
        report(issue.code, issue.column, _shown(row.get(issue.column)), issue.message, issue.suggestion)
        if issue.code == "donnees-personnelles":
            row[issue.column] = MASKED
    return row, has_error


def _shown(value: object) -> str:
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


_CONVERTERS = {
    Kind.TEXT: norm.to_text,
    Kind.EMAIL: norm.to_text,
    Kind.BOOL: norm.to_bool,
    Kind.DATE: norm.to_date,
    Kind.MONTH: norm.to_month,
    Kind.COUNT: norm.to_count,
    Kind.AMOUNT: norm.to_amount,
    Kind.DECIMAL: norm.to_decimal,
}


def _typed_value(col: Column, raw: object, ctx: Context) -> object:
    if col.kind is Kind.CHOICE:
        return norm.to_choice(raw, col.choices)
    if col.kind is Kind.ESTABLISHMENT:
        return _establishment(raw, ctx.referentiel)
    return _CONVERTERS[col.kind](raw)


def _establishment(raw: object, referentiel: Referentiel) -> str | norm.Problem:
    text = norm.to_text(raw)
    if text in referentiel:
        return text
    canonical = referentiel.canonical(text)
    if canonical:
        return canonical
    suggestion = referentiel.suggest(text)
    hint = f" Vouliez-vous dire {suggestion} ({referentiel[suggestion].name}) ?" if suggestion else ""
    return norm.Problem(
        "code-etablissement-inconnu",
        f"« {text} » n'est pas un code du référentiel des établissements.{hint} Choisissez le code "
        "dans la liste déroulante.",
        suggestion,
    )


def _adder(out: ParsedWorkbook) -> Callable[..., None]:
    def add(code: str, **kw: str) -> None:
        out.findings.append(Finding(code=code, file=out.info.path, **kw))

    return add
