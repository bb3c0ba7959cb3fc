"""Native charts: each titled so that a president reads it without hunting for a legend.

Every chart points at cells the sheets already show (no hidden data sheet).
"""

from __future__ import annotations

from xlsxwriter.chart import Chart
from xlsxwriter.workbook import Workbook

from .styles import FONT, PRESENCE_COLOURS, SERIES_COLOURS, STATE_COLOURS

WIDTH, HEIGHT = 515, 330
TEXT = {"name": FONT, "size": 10}
"""Axes, labels and legends: 10 points, which print at 8 or more once a sheet is fitted to the page."""


def _base(chart: Chart, title: str, legend: str | None = "bottom") -> Chart:
    chart.set_title({"name": title, "name_font": {"name": FONT, "size": 12, "bold": True}})
    chart.set_legend({"position": legend, "font": TEXT} if legend else {"none": True})
    chart.set_size({"width": WIDTH, "height": HEIGHT})
    chart.set_chartarea({"border": {"color": "#D1D5DB"}})
    return chart


def pie(wb: Workbook, sheet: str, title: str, first: int, last: int, cat_col: int, val_col: int,
        colours: list[str], values: list[float] | None = None) -> Chart:
    """A doughnut with each slice's value in its label, in the given colours; a slice thinner than 5 %
    has no label (it would overlap its neighbours: its value is in the legend's table beside)."""
    chart = wb.add_chart({"type": "doughnut"})
    total = sum(values or []) or 1
    labels = [{"delete": True} if values is not None and v / total < 0.05 else None for v in (values or [])]
    series = {
        "name": title,
        "categories": [sheet, first, cat_col, last, cat_col],
        "values": [sheet, first, val_col, last, val_col],
        "points": [{"fill": {"color": c}, "border": {"color": "#FFFFFF"}} for c in colours],
        "data_labels": {"value": True, "percentage": False, "font": {**TEXT, "bold": True, "color": "#FFFFFF"}},
    }
    if any(labels):
        series["data_labels"]["custom"] = labels
    chart.add_series(series)
    chart.set_hole_size(45)
    return _base(chart, title, "right")


def completeness_pie(wb: Workbook, sheet: str, first: int, last: int, cat_col: int, val_col: int,
                     states: list[str], values: list[float] | None = None) -> Chart:
    return pie(wb, sheet, "Envois des sections ce mois-ci", first, last, cat_col, val_col,
               [STATE_COLOURS[s][0] for s in states], values)


def status_by_group(wb: Workbook, sheet: str, first: int, last: int, statuses: int, title: str) -> Chart:
    """Stacked horizontal bars: per group, the sites in each presence status (columns 1..statuses)."""
    chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
    for i in range(1, statuses + 1):
        chart.add_series({
            "name": [sheet, first - 1, i],
            "categories": [sheet, first, 0, last, 0],
            "values": [sheet, first, i, last, i],
            "fill": {"color": PRESENCE_COLOURS[(i - 1) % len(PRESENCE_COLOURS)][0]},
            "gap": 60,
        })
    chart.set_y_axis({"reverse": True, "num_font": TEXT})
    chart.set_x_axis({"num_font": TEXT, "num_format": "0", "min": 0,
                      "major_gridlines": {"visible": True, "line": {"color": "#E5E7EB"}}})
    chart = _base(chart, title)
    chart.set_size({"width": WIDTH, "height": HEIGHT + 20})
    return chart


def stacked_columns(wb: Workbook, sheet: str, title: str, header_row: int, first: int, last: int,
                    first_col: int, last_col: int, cat_col: int = 0) -> Chart:
    """Stacked columns: one series per column ``first_col..last_col``, categories in ``cat_col``."""
    chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    for n, col in enumerate(range(first_col, last_col + 1)):
        chart.add_series({
            "name": [sheet, header_row, col],
            "categories": [sheet, first, cat_col, last, cat_col],
            "values": [sheet, first, col, last, col],
            "fill": {"color": SERIES_COLOURS[n % len(SERIES_COLOURS)]},
            "gap": 40,
        })
    chart.set_x_axis({"num_font": {**TEXT, "rotation": -45}, "num_format": "mm/yyyy"})
    chart.set_y_axis({"num_font": TEXT, "num_format": "0", "min": 0,
                      "major_gridlines": {"visible": True, "line": {"color": "#E5E7EB"}}})
    return _base(chart, title)


def clustered(wb: Workbook, sheet: str, title: str, header_row: int, first: int, last: int,
              cols: list[int], num_format: str = "# ##0", cat_col: int = 0) -> Chart:
    """Side-by-side columns with their values shown on top."""
    chart = wb.add_chart({"type": "column"})
    for n, col in enumerate(cols):
        chart.add_series({
            "name": [sheet, header_row, col],
            "categories": [sheet, first, cat_col, last, cat_col],
            "values": [sheet, first, col, last, col],
            "fill": {"color": SERIES_COLOURS[n % len(SERIES_COLOURS)]},
            "data_labels": {"value": True, "num_format": num_format, "font": TEXT},
            "gap": 80,
        })
    chart.set_y_axis({"num_font": TEXT, "num_format": num_format,
                      "major_gridlines": {"visible": True, "line": {"color": "#E5E7EB"}}})
    chart.set_x_axis({"num_font": TEXT})
    return _base(chart, title)


def lines(wb: Workbook, sheet: str, title: str, header_row: int, first: int, last: int, cols: list[int],
          colours: list[str] | None = None, markers: bool = False) -> Chart:
    """A line per column over the months of ``first..last`` (categories in column 0).

    Empty cells (a month the history did not record) are spanned, not drawn as zero; with
    ``markers`` each recorded month is a dot, so a reader sees which months are real.
    """
    chart = wb.add_chart({"type": "line"})
    for n, col in enumerate(cols):
        colour = (colours or SERIES_COLOURS)[n % len(colours or SERIES_COLOURS)]
        chart.add_series({
            "name": [sheet, header_row, col],
            "categories": [sheet, first, 0, last, 0],
            "values": [sheet, first, col, last, col],
            "line": {"color": colour, "width": 2},
            "marker": {"type": "circle", "size": 5, "fill": {"color": colour}, "border": {"color": colour}}
            if markers else {"type": "none"},
        })
    chart.show_blanks_as("span")
    months = last - first + 1
    chart.set_x_axis({"num_font": {**TEXT, "rotation": -45}, "num_format": "mm/yyyy", "date_axis": False,
                      "interval_unit": 1 if months <= 18 else 3, "interval_tick": 1 if months <= 18 else 3})
    chart.set_y_axis({"num_font": TEXT, "num_format": "# ##0", "min": 0,
                      "major_gridlines": {"visible": True, "line": {"color": "#E5E7EB"}}})
    return _base(chart, title)


def funnel(wb: Workbook, sheet: str, title: str, first: int, last: int) -> Chart:
    """A funnel as horizontal bars, the first step on top, each bar labelled with its value."""
    chart = wb.add_chart({"type": "bar"})
    chart.add_series({
        "name": title,
        "categories": [sheet, first, 0, last, 0],
        "values": [sheet, first, 1, last, 1],
        "fill": {"color": SERIES_COLOURS[0]},
        "data_labels": {"value": True, "num_format": "# ##0", "font": TEXT},
        "gap": 40,
    })
    chart.set_y_axis({"reverse": True, "num_font": TEXT})
    chart.set_x_axis({"num_font": TEXT, "num_format": "# ##0", "min": 0,
                      "major_gridlines": {"visible": True, "line": {"color": "#E5E7EB"}}})
    return _base(chart, title, legend=None)
