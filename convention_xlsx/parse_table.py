"""One table sheet of a workbook → typed rows and findings at their cells, as the volunteer left it.

- the header row is found by :mod:`headers` (retyped headers flagged, former ones understood);
- a merged cell's value applies to every row it covers (and the merge is flagged);
- a total or note row under the table is one finding, not a row of errors;
- cells outside the template's columns are counted and named in one finding per sheet;
- **a value, not the row**: an error in a column that is neither required nor part of the
  record's identity (its date, joint key…) leaves that value out and keeps the row; errors in
  required or identity columns reject the row. Either way the finding says which.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from . import normalize as norm
from .cells import cell_ref, column_letter
from .findings import CATALOGUE, Severity
from .headers import Header, find_header
from .migrations import ReadingPlan
from .reading.model import RawSheet
from .rules import MASKED, row_issues
from .schema import Column, Kind, Sheet
from .text import fold

if TYPE_CHECKING:
    from .parse import Context, ParsedWorkbook

LEFT_OUT = " Cette valeur n'est pas reprise ; le reste de la ligne l'est."
REJECTED = " La ligne n'est pas reprise tant que ce n'est pas corrigé."
_TOTAL = re.compile(r"^(?:sous[- ]?)?totaux?\b|^total\b|^cumul\b|^somme\b|^notes?\b|^n\.?b\.?\b|^remarques?\b|"
                    r"^attention\b|^a noter\b|^commentaires?\b|^rappel\b")
_TEXT_KINDS = (Kind.TEXT, Kind.EMAIL)


def count_rows(sheet: Sheet, raw_sheet: RawSheet, plan: ReadingPlan) -> int:
    """How many records the sheet holds (for a workbook rejected as a whole: all read, all rejected)."""
    header = find_header(sheet, raw_sheet, plan)
    first = header.row if header is not None else 0
    read = set(header.positions.values()) if header is not None else None
    return sum(1 for cells in raw_sheet.rows[first:]
               if any(not norm.is_blank(v) for c, v in enumerate(cells) if read is None or c in read))


def read_table(sheet: Sheet, raw_sheet: RawSheet, ctx: Context, plan: ReadingPlan, out: ParsedWorkbook,
               add: Callable) -> None:
    name = raw_sheet.name
    header = find_header(sheet, raw_sheet, plan)
    if header is None:
        count = sum(1 for cells in raw_sheet.rows if any(not norm.is_blank(v) for v in cells))
        if not count:
            add("feuille-manquante", sheet=name,
                message=f"La feuille « {name} » est vide, sans ses en-têtes : rien n'est lu. Repartez du modèle.")
            return
        out.rows_read += count
        out.rows_rejected += count
        add("colonne-manquante", sheet=name, cell="A1",
            message=f"Aucune ligne d'en-têtes reconnue dans « {name} » : les en-têtes du modèle "
            f"({', '.join(c.label for c in sheet.data_columns)}) doivent figurer sur une ligne."
            f" Les {count} lignes remplies ne sont pas lues.")
        return
    _header_findings(sheet, raw_sheet, header, add)
    positions = header.positions
    out.columns[sheet.key] = {key: column_letter(c + 1) for key, c in positions.items()}
    out.header_rows[sheet.key] = header.row
    out.sheet_names[sheet.key] = name
    _formulas_without_value(raw_sheet, header, add)
    missing = [c for c in sheet.data_columns if c.key not in positions and (sheet.key, c.key) not in plan.added]
    missing_required = [c for c in missing if c.required]
    for col in missing:
        if not col.required:
            add("colonne-facultative-manquante", sheet=name, cell=cell_ref(header.row, 1), column=col.label,
                message=f"La colonne « {col.label} » est absente : elle est considérée comme vide.")
    rows_out = out.rows.setdefault(sheet.key, [])
    grid = with_merges(raw_sheet, header, add)
    read_columns = set(positions.values())
    for r, cells in enumerate(grid[header.row:], start=header.row + 1):
        values = {key: (cells[c] if c < len(cells) else None) for key, c in positions.items()}
        if all(norm.is_blank(v) for v in values.values()):
            continue
        total = _total_or_note(cells, header, sheet)
        if total is not None:
            typed = norm.as_typed(cells[total])
            add("ligne-total-ou-note", sheet=name, cell=cell_ref(r, total + 1), value=typed,
                message=f"La ligne {r} ressemble à une ligne de total ou à une note (« {typed} ») et non"
                " à un enregistrement : elle n'est pas lue. Les totaux sont calculés par le tableau de bord ; "
                "déplacez la note dans une colonne « Commentaire » ou supprimez la ligne.")
            continue
        out.rows_read += 1
        if missing_required:
            out.rows_rejected += 1
            continue
        row, rejected = _typed_row(sheet, values, cells, r, positions, ctx, plan, out, add, name)
        if rejected:
            out.rows_rejected += 1
        else:
            row["sheet"], row["excel_row"] = name, r
            rows_out.append(row)
    _cells_not_read(sheet, grid, header, read_columns, plan, add, name)
    if missing_required:
        labels = ", ".join(f"« {c.label} »" for c in missing_required)
        hints = _did_you_mean(missing_required, header)
        add("colonne-manquante", sheet=name, cell=cell_ref(header.row, 1),
            message=f"Colonne(s) obligatoire(s) absente(s) de « {name} » : {labels}.{hints} Les lignes de "
            "cette feuille ne sont pas lues : rétablissez l'en-tête exact du modèle.")
    if sheet is ctx.spec.sites:
        _twice_in_sheet(rows_out, out.columns[sheet.key].get("establishment", "A"), add, name,
                        ctx.referentiel.site_label)


# --- headers ------------------------------------------------------------------------------------


def _header_findings(sheet: Sheet, raw_sheet: RawSheet, header: Header, add: Callable) -> None:
    name = raw_sheet.name
    for c in header.duplicated:
        add("colonne-en-double", sheet=name, cell=cell_ref(header.row, c + 1),
            column=str(raw_sheet.rows[header.row - 1][c]),
            message="Cet en-tête figure deux fois : seule la première colonne est lue.")
    for c, typed, col in header.retyped:
        add("en-tete-modifie", sheet=name, cell=cell_ref(header.row, c + 1), column=col.label, value=typed,
            message=f"L'en-tête « {typed} » est lu comme « {col.label} » : redonnez-lui son libellé exact du "
            "modèle.", suggestion=col.label)


def _did_you_mean(missing: list[Column], header: Header) -> str:
    """« L'en-tête « Datte » (A1) est-il « Date » ? » for an unknown header close to a missing column
    (its label or one of its aliases)."""
    hints = []
    for col in missing:
        spellings = [fold(s) for s in (col.label, *col.aliases)]
        scored = [(max(SequenceMatcher(None, fold(text), s).ratio() for s in spellings), c, text)
                  for c, text in header.unknown]
        best = max(scored, default=None)
        if best is not None and best[0] >= 0.75:
            hints.append(f" L'en-tête « {best[2]} » ({cell_ref(header.row, best[1] + 1)}) est-il « {col.label} » ?")
    return "".join(hints)


def _formulas_without_value(raw_sheet: RawSheet, header: Header, add: Callable) -> None:
    """A formula saved without its result in a column we read: its value is lost (warning)."""
    read_letters = {column_letter(c + 1): header.found[c] for c in header.positions.values()}
    for ref in raw_sheet.formulas_without_value:
        letters = ref.rstrip("0123456789")
        col = read_letters.get(letters)
        if col is not None and int(ref[len(letters):]) > header.row:
            add("formule-sans-valeur", sheet=raw_sheet.name, cell=ref, column=col.label,
                message="Cette cellule contient une formule enregistrée sans son résultat : elle est lue "
                "comme vide. Ouvrez le classeur dans Excel ou LibreOffice et enregistrez-le, ou saisissez "
                "la valeur.")


# --- merged cells, totals, cells outside the template -----------------------------------------------


def with_merges(raw_sheet: RawSheet, header: Header, add: Callable) -> list[list[object]]:
    """The sheet's rows with each merged value written into every data row its range covers (rows that
    hold something else: a merge reaching far below the table creates no row)."""
    rows = raw_sheet.rows
    read = set(header.positions.values())
    applied = []
    copies: dict[int, list[object]] = {}
    for r1, c1, r2, c2 in raw_sheet.merged:
        if r1 < header.row or r2 <= r1 or c1 not in read or r1 >= len(rows) or c1 >= len(rows[r1]):
            continue
        value = rows[r1][c1]
        if norm.is_blank(value):
            continue
        spans = range(c1, c2 + 1)
        filled = False
        for r in range(r1 + 1, min(r2, len(rows) - 1) + 1):
            cells = copies.get(r, rows[r])
            if any(not norm.is_blank(v) for c, v in enumerate(cells) if c in read and c not in spans):
                cells = copies.setdefault(r, list(cells) + [None] * max(0, c1 + 1 - len(cells)))
                cells[c1] = value
                filled = True
        if filled:
            applied.append(f"{cell_ref(r1 + 1, c1 + 1)}:{cell_ref(r2 + 1, c2 + 1)}")
    if applied:
        shown = ", ".join(applied[:5]) + (f" et {len(applied) - 5} autres" if len(applied) > 5 else "")
        add("cellules-fusionnees", sheet=raw_sheet.name, cell=applied[0].split(":")[0],
            message=f"Cellules fusionnées sur plusieurs lignes ({shown}) : la valeur de chacune est reprise pour "
            "chaque ligne qu'elle couvre. Défusionnez-les et recopiez la valeur sur chaque ligne.")
    if not copies:
        return rows
    return [copies.get(r, cells) for r, cells in enumerate(rows)]


def _total_or_note(cells: list[object], header: Header, sheet: Sheet) -> int | None:
    """The index of the cell that makes a row a total or a note (« Total », « NB : … ») typed where a
    record's value should be, or None for a record."""
    first = next((c for c, v in enumerate(cells) if not norm.is_blank(v)), None)
    if first is None or not isinstance(cells[first], str) or not _TOTAL.match(fold(cells[first])):
        return None
    col = header.found.get(first)
    return None if col is not None and col.kind in _TEXT_KINDS else first


def _cells_not_read(sheet: Sheet, grid: list[list[object]], header: Header, read: set[int], plan: ReadingPlan,
                    add: Callable, name: str) -> None:
    """One finding per sheet for what is typed outside the template's columns (a « Remarques » column
    inserted, a note beside the table, a title above it): nothing is dropped without a word."""
    skipped = read | set(header.duplicated) | {c for c, col in header.found.items() if col.derived}
    removed = plan.removed.get(sheet.key, frozenset())
    titles = {c: text for c, text in header.unknown}
    header_cells = grid[header.row - 1] if header.row - 1 < len(grid) else []
    removed_columns = {c for c, v in enumerate(header_cells) if isinstance(v, str) and fold(v) in removed}
    counts: dict[int, int] = {}
    first: dict[int, str] = {}
    above = 0
    above_first = ""
    for r, cells in enumerate(grid, start=1):
        for c, value in enumerate(cells):
            if norm.is_blank(value):
                continue
            if r < header.row:
                above += 1
                above_first = above_first or cell_ref(r, c + 1)
            elif r > header.row and c not in skipped and c not in removed_columns:
                counts[c] = counts.get(c, 0) + 1
                first.setdefault(c, cell_ref(r, c + 1))
    if not counts and not above:
        return
    parts = []
    for c in sorted(counts):
        where = f"« {titles[c]} » (colonne {column_letter(c + 1)})" if c in titles else \
            f"la colonne {column_letter(c + 1)}, sans en-tête du modèle"
        parts.append(f"{where} : {counts[c]} cellule{'s' if counts[c] > 1 else ''}")
    if above:
        parts.append(f"au-dessus des en-têtes : {above} cellule{'s' if above > 1 else ''}")
    total = sum(counts.values()) + above
    target = next((c.label for c in sheet.data_columns if c.free_text), "")
    hint = f" recopiez-les dans la colonne « {target} »" if target else " recopiez-les dans une colonne du modèle"
    cell = first[min(counts)] if counts else above_first
    add("colonne-inconnue", sheet=name, cell=cell, value=str(total),
        message=f"{total} cellule{'s' if total > 1 else ''} remplie{'s' if total > 1 else ''} hors des colonnes "
        f"du modèle ({'; '.join(parts)}) : elles ne sont pas reprises dans le tableau de bord. Si elles disent "
        f"quelque chose d'utile,{hint}.")


def _twice_in_sheet(rows: list[dict], letter: str, add: Callable, name: str, site: str) -> None:
    """The same establishment on two rows of the sites sheet: the last row is the one used."""
    last: dict[str, int] = {}
    for row in rows:
        if row.get("establishment"):
            last[row["establishment"]] = row["excel_row"]
    for row in rows:
        code = row.get("establishment")
        if code and last[code] != row["excel_row"]:
            used = last[code]
            add("etablissement-en-double", sheet=name, cell=f"{letter}{row['excel_row']}", column="", value=code,
                message=f"{code} figure aussi ligne {used} de cette feuille : c'est la ligne {used}, la dernière, "
                f"qui est reprise. Gardez une seule ligne par {site}.")


# --- one row -----------------------------------------------------------------------------------------


def _typed_row(sheet: Sheet, values: dict[str, object], cells: list[object], r: int, positions: dict[str, int],
               ctx: Context, plan: ReadingPlan, out: ParsedWorkbook, add: Callable, name: str) -> tuple[dict, bool]:
    row: dict[str, object] = {}
    rejected = False
    left_out_here = 0
    unreadable: set[str] = set()

    def report(code: str, col: Column, raw: object, message: str, suggestion: str = "",
               left_out: tuple[str, ...] = ()) -> None:
        nonlocal rejected, left_out_here
        if CATALOGUE[code].severity is Severity.ERROR:
            if sheet.is_identity(col):
                rejected = True
                message += REJECTED
            else:
                keys = left_out or (col.key,)
                left_out_here += sum(1 for key in keys if row.get(key) is not None or key == col.key
                                           and not norm.is_blank(raw))
                for key in keys:
                    row[key] = None
                message += LEFT_OUT if len(left_out) <= 1 else (
                    f" Ces valeurs ({', '.join(sheet.column(k).label for k in left_out)}) ne sont pas reprises ; "
                    "le reste de la ligne l'est.")
        shown = "" if code == "donnees-personnelles" else norm.as_typed(raw)
        at = positions.get(col.key, min(positions.values()))
        add(code, sheet=name, cell=cell_ref(r, at + 1), column=col.label, value=shown,
            message=message, suggestion=suggestion)

    for col in sheet.data_columns:
        raw = values.get(col.key)
        if norm.is_blank(raw):
            row[col.key] = None
            if col.required and col.key in positions:
                report("valeur-obligatoire", col, None,
                       f"« {col.label} » est obligatoire : {col.help[:1].lower()}{col.help[1:]}")
            continue
        value = typed_value(sheet, col, raw, ctx, plan)
        if isinstance(value, norm.Problem):
            unreadable.add(col.key)
            report(value.code, col, raw, value.message, value.suggestion)
            row[col.key] = None
            continue
        if isinstance(value, str) and len(value) > norm.MAX_TEXT:
            add("texte-trop-long", sheet=name, cell=cell_ref(r, positions[col.key] + 1), column=col.label,
                value=value[:50] + "…", message=f"Ce texte dépasse {norm.MAX_TEXT} caractères : il est tronqué.")
            value = value[: norm.MAX_TEXT]
        row[col.key] = value
    for issue in row_issues(sheet, row, ctx.period, ctx.spec, ctx.extension):
        if issue.column in unreadable:
            continue
        col = sheet.column(issue.column)
        report(issue.code, col, values.get(issue.column), issue.message, issue.suggestion, issue.left_out)
        if issue.code == "donnees-personnelles":
            row[issue.column] = MASKED
    if not rejected:  # values left out of a row that is kept (a rejected row loses them all anyway)
        out.values_left_out += left_out_here
    return row, rejected


def typed_value(sheet: Sheet, col: Column, raw: object, ctx: Context, plan: ReadingPlan) -> object:
    if col.kind is Kind.CHOICE:
        key = (sheet.key, col.key)
        silent, old = plan.silent_values.get(key), plan.old_values.get(key)
        typed = fold(norm.as_typed(raw)) if silent or old else ""  # most columns never had a value renamed
        renamed = silent.get(typed) if silent else None
        if renamed is not None:
            return renamed
        value = norm.to_choice(raw, col.choices)
        former = old.get(typed) if old else None
        if isinstance(value, norm.Problem) and former is not None:
            return norm.Problem(value.code, f"« {norm.as_typed(raw)} » est l'ancien nom de « {former} » : "
                                "choisissez-le dans la liste.", former)
        return value
    if col.kind is Kind.ESTABLISHMENT:
        return _establishment(raw, ctx)
    if col.kind is Kind.BOOL:
        return norm.to_bool(raw, ctx.spec.yes, ctx.spec.no)
    if col.kind is Kind.TEXT:
        return norm.to_text(raw, multiline=col.free_text)
    return _CONVERTERS[col.kind](raw)


_CONVERTERS = {
    Kind.EMAIL: norm.to_text,
    Kind.DATE: norm.to_date,
    Kind.MONTH: norm.to_month,
    Kind.COUNT: norm.to_count,
    Kind.AMOUNT: norm.to_amount,
    Kind.DECIMAL: norm.to_decimal,
}


def _establishment(raw: object, ctx: Context) -> str | norm.Problem:
    referentiel = ctx.referentiel
    text = norm.to_text(raw)
    code = referentiel.resolve(text)
    if code is not None:
        return code
    suggestion = referentiel.suggest(text)
    hint = f" Vouliez-vous dire {suggestion} ({referentiel[suggestion].name}) ?" if suggestion else ""
    return norm.Problem(
        "code-etablissement-inconnu",
        f"« {text} » n'est pas dans le référentiel des {referentiel.site_label}s.{hint} Choisissez-le dans la "
        "liste déroulante.",
        suggestion,
    )
