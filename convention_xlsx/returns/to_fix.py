"""The « À corriger » sheet of a return, and the highlighted, commented cells it points to.

Its first lines say what to do, that this file is the one to keep and send next month, and whom to ask.
Then one line per anomaly — errors first, by sheet, row and column — each linking to its cell. An error at
a cell carries a live « État » that turns from « à corriger » to « modifié » as soon as the volunteer
changes the cell, and the sheet's status line says « Toutes les cellules signalées ont été modifiées »
once none is left, so the loop visibly ends. Codes are for the référent's dashboard, not here.
"""

from __future__ import annotations

import datetime as dt
import math

import openpyxl
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink

from ..config import Config
from ..schema import Spec
from ..template import SECTION_FIRST_ROW, prepare_cell
from ..text import UNWRITABLE
from .place import CHECK, SETTLED, TO_FIX, TODO, Placed

MODIFIED = "modifié"
HEADERS = ("Gravité", "Feuille", "Cellule", "Colonne", "Valeur saisie", "Ce qui ne va pas", "Suggestion", "État")
WIDTHS = (13, 18, 9, 22, 22, 64, 24, 18)
HEADER_ROW = 7
ERROR_FILL = PatternFill("solid", fgColor="F4B6B6")
WARNING_FILL = PatternFill("solid", fgColor="FCE4B6")
DONE_FILL = PatternFill("solid", fgColor="C8E6C9")
GREY_FILL = PatternFill("solid", fgColor="EEEEEE")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
WRAP = Alignment(wrap_text=True, vertical="top")
_LINE = 15.0
"""Points per line of 11-point text: rows are sized explicitly, so no spreadsheet draws them on top of
each other."""


def annotate(wb: openpyxl.Workbook, placed: list[Placed], config: Config, *, file_name: str, association: str,
             run_day: dt.date, reason: str = "") -> None:
    """Highlight and comment every placed cell, then add « À corriger » as the first, active sheet."""
    spec = config.spec
    comments: dict[tuple[str, str], list[Placed]] = {}
    for p in placed:
        if p.cell and p.sheet in wb.sheetnames:
            comments.setdefault((p.sheet, p.cell), []).append(p)
    literals = {}
    for (sheet, ref), items in comments.items():
        cell = wb[sheet][ref]
        literals[(sheet, ref)] = cell.value
        col = _column(spec, sheet, cell)
        if col is not None:
            prepare_cell(cell, col)  # a cell created for its comment is edited like its column's others
        cell.fill = ERROR_FILL if any(p.finding.is_error for p in items) else WARNING_FILL
        text = "\n\n".join(p.finding.message + (f"\nSuggestion : {p.finding.suggestion}" if p.finding.suggestion
                                                  else "") for p in items)
        comment = Comment(text, "Référent du partenariat")
        comment.width = 340
        comment.height = int(20 + 14 * sum(math.ceil(max(len(part), 1) / 48) for part in text.split("\n")))
        cell.comment = comment
    _sheet(wb, placed, spec, config, file_name, association, run_day, reason, literals)


def _column(spec: Spec, sheet_name: str, cell):
    """The column (or field) a cell of the return holds, for its style; None outside the template's columns."""
    sheet = next((s for s in spec.sheets if s.name == sheet_name), None)
    if sheet is None:
        return None
    if sheet is spec.section:
        index = cell.row - SECTION_FIRST_ROW
        return sheet.columns[index] if cell.column == 2 and 0 <= index < len(sheet.columns) else None
    return sheet.columns[cell.column - 1] if cell.column <= len(sheet.columns) else None


def _lines(text: str, width: float) -> int:
    per_line = max(int(width * 1.05), 8)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def _sheet(wb: openpyxl.Workbook, placed: list[Placed], spec: Spec, config: Config, file_name: str,
           association: str, run_day: dt.date, reason: str, literals: dict) -> None:
    ws = wb.create_sheet(spec.return_sheet, 0)
    wb.active = 0
    for other in wb.worksheets[1:]:
        other.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    for index, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    full = sum(WIDTHS)
    errors = [p for p in placed if p.finding.is_error]
    to_fix = [p for p in placed if p.state == TO_FIX]
    todo = [p for p in placed if p.state == TODO]
    referent = config.referents.get(association, "")
    contact = (f"Une question ? Écrivez au référent de votre association : {referent}." if referent else
               "Une question ? Écrivez au référent de votre association : " + " ; ".join(
                   f"{name} {mail}" for name, mail in config.referents.items()) + ".")
    intro = [
        (f"À corriger dans ce classeur ({file_name})", Font(bold=True, size=14, color="1F4E79")),
        ("Ce classeur est le vôtre pour le mois prochain : gardez-le à la place de l'ancien. Corrigez chaque cellule "
         "surlignée (son commentaire dit quoi faire ; la colonne « Cellule » ci-dessous y mène), ajoutez vos nouvelles "
         f"lignes comme d'habitude, mettez à jour la date de la feuille « {spec.section.name} », puis envoyez-le "
         f"avant le {config.report_day} du mois.", Font(size=11)),
        (contact, Font(size=11)),
        (_status_formula(len(to_fix), len(todo)), Font(bold=True, size=12)),
        (f"Liste établie le {run_day:%d/%m/%Y} : {len(errors)} erreur(s) — une ligne en erreur n'est pas comptée, "
         "une valeur en erreur n'est pas reprise, tant qu'elles ne sont pas corrigées — et "
         f"{len(placed) - len(errors)} point(s) à vérifier." + (f" {reason}" if reason else ""), Font(size=10)),
    ]
    if not placed:
        intro[3] = ("Tout est corrigé : il n'y a plus rien à reprendre dans ce classeur.", Font(bold=True, size=12))
    for row, (text, font) in enumerate(intro, 1):
        text = UNWRITABLE.sub("\ufffd", text)  # a file name or a reason from a damaged file
        cell = ws.cell(row, 1, text)
        if isinstance(text, str) and not text.startswith("="):
            cell.data_type = "s"
        cell.font, cell.alignment = font, WRAP
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(HEADERS))
        ws.row_dimensions[row].height = _LINE * _lines(text if not text.startswith("=") else "x" * 60, full) + 6
    for index, header in enumerate(HEADERS, 1):
        cell = ws.cell(HEADER_ROW, index, header)
        cell.font, cell.fill, cell.alignment = Font(bold=True, color="FFFFFF"), HEADER_FILL, WRAP
    for row, p in enumerate(placed, HEADER_ROW + 1):
        f = p.finding
        values = ("erreur" if f.is_error else "avertissement", p.sheet, p.cell, f.column, f.value, f.message,
                  f.suggestion)
        for index, value in enumerate(values, 1):
            cell = ws.cell(row, index)
            if value:
                cell.value, cell.data_type = value, "s"
            cell.alignment = WRAP
        ws.cell(row, 1).fill = ERROR_FILL if f.is_error else WARNING_FILL
        state = ws.cell(row, len(HEADERS))
        state.alignment = WRAP
        if p.state == TO_FIX:
            state.value = _state_formula(p, literals.get((p.sheet, p.cell)))
        else:
            state.value, state.data_type = p.state, "s"
            if p.state == SETTLED:
                state.fill = DONE_FILL
            elif p.state in (CHECK, TODO):
                state.fill = GREY_FILL
        if p.cell:
            link = ws.cell(row, 3)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quote_sheetname(p.sheet)}!{p.cell}")
            link.font = Font(color="0563C1", underline="single")
        ws.row_dimensions[row].height = _LINE * max(_lines(str(v or ""), w) for v, w in zip(
            (*values, p.state), WIDTHS, strict=True)) + 4
    last = HEADER_ROW + max(len(placed), 1)
    state_col = get_column_letter(len(HEADERS))
    ws.conditional_formatting.add(f"{state_col}{HEADER_ROW + 1}:{state_col}{last}",
                                  CellIsRule(operator="equal", formula=[f'"{TO_FIX}"'], fill=ERROR_FILL))
    ws.conditional_formatting.add(f"{state_col}{HEADER_ROW + 1}:{state_col}{last}",
                                  CellIsRule(operator="equal", formula=[f'"{MODIFIED}"'], fill=DONE_FILL))
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{state_col}{last}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.protection.sheet = False


def _status_formula(to_fix: int, todo: int) -> str:
    first, last = f"H{HEADER_ROW + 1}", f"H{HEADER_ROW + max(to_fix + todo, 1) + 500}"
    left = f'COUNTIF({first}:{last},"{TO_FIX}")'
    done = ("Toutes les cellules signalées ont été modifiées : enregistrez le classeur et envoyez-le."
            if not todo else "Les cellules signalées ont été modifiées ; il reste les points « à faire » ci-dessous.")
    if not to_fix:
        return done if todo else "Tout est corrigé : il n'y a plus rien à reprendre dans ce classeur."
    return f'=IF({left}=0,"{done}",{left}&" cellule(s) encore à corriger : voir la colonne État.")'


def _state_formula(p: Placed, written: object) -> str:
    ref = f"{quote_sheetname(p.sheet)}!{p.cell}"
    if written is None or written == "":
        test = f"ISBLANK({ref})"
    elif isinstance(written, bool):
        test = f"{ref}={'TRUE' if written else 'FALSE'}"
    elif isinstance(written, int | float):
        test = f"{ref}={written!r}"
    elif isinstance(written, dt.datetime | dt.date):
        test = f"{ref}=DATE({written.year},{written.month},{written.day})"
    elif len(str(written)) <= 200:
        test = f'{ref}="{str(written).replace(chr(34), chr(34) * 2)}"'
    else:
        test = f"LEN({ref})={len(str(written))}"
    return f'=IF({test},"{TO_FIX}","{MODIFIED}")'
