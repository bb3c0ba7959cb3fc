"""Formats, colours and page setup shared by every sheet of the dashboard.

French number and date formats: ``dd/mm/yyyy``, ``# ##0 €``, ``0 %``. Colours by
presence status and by report state are defined once here, for cells and charts alike.
"""

from __future__ import annotations

import datetime as dt
import math

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..indicators.periods import CURRENT, EXPIRED, EXPIRING, FUTURE

FONT = "Calibri"
INK = "#1F2937"
ACCENT = "#1F4E79"
MUTED = "#6B7280"

PRESENCE_COLOURS = (("#2E7D32", "#C8E6C9"), ("#1565C0", "#BBDEFB"), ("#EF6C00", "#FFE0B2"), ("#9E9E9E", "#EEEEEE"))
"""Presence statuses in their order (both, first party only, second party only, none) → (strong colour for
charts, light fill for cells)."""


def status_colours(labels: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    return dict(zip(labels, PRESENCE_COLOURS, strict=False))

STATE_COLOURS = {
    "à jour": ("#2E7D32", "#C8E6C9"),
    "en retard": ("#EF6C00", "#FFE0B2"),
    "manquant": ("#C62828", "#FFCDD2"),
    "non attendu": ("#9E9E9E", "#EEEEEE"),
    EXPIRING: ("#EF6C00", "#FFE0B2"),
    CURRENT: ("#2E7D32", "#C8E6C9"),
    EXPIRED: ("#C62828", "#FFCDD2"),
    FUTURE: ("#1565C0", "#BBDEFB"),
    "erreur": ("#C62828", "#FFCDD2"),
    "avertissement": ("#EF6C00", "#FFE0B2"),
}
"""Report, mandate and finding states → (strong, light) colours."""

SERIES_COLOURS = ("#1F4E79", "#2E7D32", "#EF6C00", "#6A1B9A", "#00838F", "#C62828", "#F9A825", "#757575")

DATE = "dd/mm/yyyy"
MONTH = "mm/yyyy"
INTEGER = "# ### ##0"
AMOUNT = "# ### ##0 €"
"""The space is a literal (the same on any computer's language): a leading one is invisible in a right-aligned
number, so a signed figure picks its format by size (:meth:`Styles.signed_for`)."""
PERCENT = "0 %"
DECIMAL = "# ##0.0"

NUMBER_FORMATS = {"date": DATE, "month": MONTH, "int": INTEGER, "amount": AMOUNT, "pct": PERCENT,
                  "decimal": DECIMAL}


class Styles:
    """The workbook's formats, created once (XlsxWriter formats belong to one workbook)."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        base = {"font_name": FONT, "font_size": 10, "valign": "vcenter", "font_color": INK}
        self._base = base
        self.text = wb.add_format(base)
        self.wrap = wb.add_format({**base, "text_wrap": True, "valign": "top"})
        self.wrap_middle = wb.add_format({**base, "text_wrap": True})  # a short text that may take two lines
        self.title = wb.add_format({**base, "bold": True, "font_size": 18, "font_color": ACCENT})
        self.subtitle = wb.add_format({**base, "italic": True, "font_color": MUTED})
        self.subtitle_wrap = wb.add_format({**base, "italic": True, "font_color": MUTED, "text_wrap": True,
                                            "valign": "top"})
        self.heading = wb.add_format({**base, "bold": True, "font_size": 12, "font_color": ACCENT,
                                      "bottom": 2, "bottom_color": ACCENT})
        self.header = wb.add_format({**base, "bold": True, "text_wrap": True, "font_color": "#FFFFFF",
                                     "bg_color": ACCENT, "border": 1, "border_color": "#FFFFFF",
                                     "align": "center"})
        self.label = wb.add_format({**base, "bold": True})
        self.link = wb.add_format({**base, "font_color": "#0563C1", "underline": 1})
        self.note = wb.add_format({**base, "italic": True, "font_color": MUTED, "text_wrap": True,
                                   "valign": "top"})
        self.tile_label = wb.add_format({**base, "bold": True, "font_size": 10, "font_color": MUTED,
                                         "bg_color": "#F3F4F6", "align": "center", "text_wrap": True,
                                         "top": 1, "left": 1, "right": 1, "border_color": "#D1D5DB"})
        self.tile_detail = wb.add_format({**base, "font_size": 10, "font_color": MUTED, "bg_color": "#F3F4F6",
                                          "align": "center", "text_wrap": True, "bottom": 1, "left": 1,
                                          "right": 1, "border_color": "#D1D5DB"})
        tile_value = {**base, "bold": True, "font_size": 20, "font_color": ACCENT, "bg_color": "#F3F4F6",
                      "align": "center", "left": 1, "right": 1, "border_color": "#D1D5DB"}
        self.tile = {kind: wb.add_format({**tile_value, "num_format": NUMBER_FORMATS.get(kind, "@")})
                     for kind in ("int", "amount", "pct", "text")}
        self.numbers = {kind: wb.add_format({**base, "num_format": fmt}) for kind, fmt in NUMBER_FORMATS.items()}
        self.bold_numbers = {kind: wb.add_format({**base, "bold": True, "num_format": fmt})
                             for kind, fmt in NUMBER_FORMATS.items()}
        self._wb = wb
        self._signed: dict[tuple[str, int], object] = {}
        self.fills = {name: wb.add_format({"bg_color": light, "font_color": INK})
                      for name, (_, light) in STATE_COLOURS.items()}
        self.palette = {light: wb.add_format({"bg_color": light, "font_color": INK})
                        for _, light in PRESENCE_COLOURS}
        self.precise = {kind: wb.add_format({**base, "num_format": "0.0 %"}) for kind in ("pct",)}
        self.tick = wb.add_format({**base, "bold": True, "align": "center", "bg_color": "#C8E6C9",
                                   "font_color": "#1B5E20", "border": 1, "border_color": "#FFFFFF"})
        self.cross = wb.add_format({**base, "bold": True, "align": "center", "bg_color": "#FFCDD2",
                                    "font_color": "#B71C1C", "border": 1, "border_color": "#FFFFFF"})
        self.pending = wb.add_format({**base, "italic": True, "align": "center", "bg_color": "#EEEEEE",
                                      "font_color": MUTED, "border": 1, "border_color": "#FFFFFF"})
        self.box = wb.add_format({**base, "text_wrap": True, "valign": "top", "border": 1,
                                  "border_color": "#9CA3AF", "bg_color": "#FFFDF5"})

    def number(self, kind: str):
        return self.numbers.get(kind, self.text)

    def signed_for(self, kind: str, value: float):
        """« +9 », « −35 », « +1 250 € », « −3 pt » (a change of shares, in points: the writer multiplies it by
        100) — a real minus, and thousands separated only where there are thousands."""
        groups = max(1, (len(str(int(abs(value)))) + 2) // 3) if value == value else 1
        digits = "0" if groups == 1 else "#" + " ###" * (groups - 2) + " ##0"
        decimals = ".0" if kind == "decimal" else ""
        unit = {"amount": " €", "pct": '" pt"'}.get(kind, "")
        fmt = f'+{digits}{decimals}{unit};"−"{digits}{decimals}{unit};0{unit}'
        key = (kind, groups)
        if key not in self._signed:
            self._signed[key] = self._wb.add_format({**self._base, "num_format": fmt})
        return self._signed[key]


def colour_column(ws: Worksheet, styles: Styles, first_row: int, last_row: int, col: int,
                  values: dict[str, tuple[str, str]]) -> None:
    """Conditional fills by value on one column (status, state): no per-cell format."""
    if last_row < first_row:
        return
    for value, (_, light) in values.items():
        fmt = styles.fills.get(value) or styles.palette.get(light)
        ws.conditional_format(first_row, col, last_row, col, {
            "type": "cell", "criteria": "==", "value": f'"{value}"', "format": fmt})


def page_setup(ws: Worksheet, sheet: str, title: str, arrete: dt.date, generated: dt.date,
               header_rows: tuple[int, int] | None = None, portrait: bool = False) -> None:
    """A4, landscape, one page wide, repeated header rows, header and footer with the title,
    the arrêté date and page numbers."""
    if not portrait:
        ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
    ws.center_horizontally()
    if header_rows is not None:
        ws.repeat_rows(*header_rows)
    safe = title.replace("&", "&&")
    ws.set_header(f'&L&"{FONT},Bold"{safe}&R{sheet.replace("&", "&&")} – arrêté au {arrete:%d/%m/%Y}')
    ws.set_footer(f"&LGénéré le {generated:%d/%m/%Y}&CPage &P / &N&Rconvention-xlsx")


def sheet_title(ws: Worksheet, styles: Styles, title: str, subtitle: str,
                widths: list[float] | None = None) -> None:
    """Title on row 1 and its explanation on row 2 — wrapped within the columns of ``widths`` (the printed
    ones), so that paper shows all of it, else on one line."""
    ws.set_row(0, 28)
    ws.write_string(0, 0, title, styles.title)
    if not widths or len(widths) < 2:
        ws.write_string(1, 0, subtitle, styles.subtitle)
        return
    ws.merge_range(1, 0, 1, len(widths) - 1, subtitle, styles.subtitle_wrap)
    per_line = max(20.0, sum(widths) * 1.1)
    ws.set_row(1, 14 * math.ceil(len(subtitle) / per_line) + 3)
