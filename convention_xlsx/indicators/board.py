"""Every figure of the dashboard, computed from the declared indicators (pure: no file access).

A **dated** indicator (on a sheet whose records carry a date) is counted over any window: since the
start of the convention, the year N of the bilan, N−1, each month. A **snapshot** indicator (the sites'
presence and headcounts, the volunteers…) is known at the arrêté only: each monthly run records it in
the history, from which N, N−1 and the months of Évolution come. A validity period is judged at any day
from its dates. Figures are taken « at » the arrêté: records dated after it are ignored, and the second
report of a joint record, or a copy of a record from another workbook, is skipped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from .. import conventions
from ..consolidate import Consolidation
from ..declaration import (
    COUNT,
    DISTINCT,
    FUNNEL,
    OBLIGATION,
    PRESENCE,
    SHARE,
    SITES,
    SUM,
    VALIDITY,
    Dashboard,
    Indicator,
)
from ..schema import Spec
from ..text import ascii_name
from . import filters, periods, sites
from .bilan import NOT_AVAILABLE, year_window
from .common import between, counted, freshness_rank, months, row_dates, table
from .completeness import CompletenessFigures, completeness, completeness_figures
from .snapshot import NATIONAL, empty_history, latest_in_year, month_key, with_current

Window = tuple[dt.date, dt.date] | None


def slug(text: str) -> str:
    """A key fragment from a value: « Auxilia » → ``auxilia``, « ANVP » → ``anvp``."""
    return ascii_name(text, keep_case=False).replace("-", "_").replace(".", "_")


@dataclass
class Value:
    """One indicator (or one part of it: a presence status, a party's obligation, a validity state)."""

    key: str
    label: str
    display: str
    clause: str
    total: float | None = None
    """Since the start of the convention up to the arrêté (dated), or at the arrêté (snapshot)."""
    year: float | object = None
    """The bilan's year N (« non disponible » for a snapshot no run recorded)."""
    previous: float | object = None
    """The year N−1."""
    tile: float | None = None
    """What the Synthèse tile shows (the convention so far, or the year of the arrêté)."""
    this_year: float | None = None
    """A dated value over the arrêté's year (what a tile « en {annee} » and its detail show)."""
    parent: str = ""
    """The declared indicator this value belongs to."""


@dataclass
class Sending:
    """§5: one row per expected (or unexpected) section with its state, and the counts of the states."""

    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    counts: CompletenessFigures | None = None


@dataclass
class Bilan:
    """The bilan of the year N (each value beside N−1) and the recommendations drawn from the figures."""

    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    months: tuple[str | None, str | None] = (None, None)
    """The months whose recorded snapshot stands for N and N−1 (« AAAA-MM »), None when there is none."""
    recommendations: list = field(default_factory=list)


@dataclass
class Timeline:
    """The figures over time: this run's snapshot rows, the months of Évolution, what changed per site."""

    snapshot: pd.DataFrame = field(default_factory=empty_history)
    """The rows this run records in the history."""
    evolution: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Month × value key: dated values per month, recorded snapshots from the history."""
    labels: dict[str, str] = field(default_factory=dict)
    from_history: set[str] = field(default_factory=set)
    """The keys of ``evolution`` that come from the history (empty for a month no run recorded)."""
    groups: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Month × group: sites where every party is present, from the history."""
    recorded: list[bool] = field(default_factory=list)
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Per site that changed: what changed since the previous recorded month and since N−1."""
    changes_months: tuple[str | None, str | None] = (None, None)


@dataclass
class Figures:
    arrete: dt.date
    today: dt.date
    spec: Spec
    board: Dashboard
    period: tuple[dt.date, dt.date]
    """The convention period up to the arrêté: the window of « depuis le début »."""
    year: int
    """The year of the arrêté (the tiles' « en {annee} »)."""
    bilan_year: int
    site_label: str = "site"
    """How the référentiel names a site (« établissement ») and its group (« DISP »)."""
    group_label: str = "groupe"
    values: dict[str, Value] = field(default_factory=dict)
    """Every value by key, in the declaration's order."""
    sites: pd.DataFrame = field(default_factory=pd.DataFrame)
    """One row per site of the référentiel: presence, each party's columns, the declared site columns."""
    status_counts: pd.Series = field(default_factory=lambda: pd.Series(dtype=int))
    by_group: pd.DataFrame = field(default_factory=pd.DataFrame)
    validity: dict[str, pd.DataFrame] = field(default_factory=dict)
    """Per validity indicator: its periods with their state at the arrêté (the mandates' sheet)."""
    obligations: dict[str, pd.DataFrame] = field(default_factory=dict)
    """Per obligation indicator: period × value grid (the §3 grid)."""
    breakdowns: dict[tuple[str, str], pd.DataFrame] = field(default_factory=dict)
    """(indicator key, column) → the indicator's value per value of the column (charts)."""
    by_month: dict[tuple[str, str], pd.DataFrame] = field(default_factory=dict)
    """(indicator key, column) → month × value of the column (stacked monthly charts)."""
    sending: Sending = field(default_factory=lambda: Sending())
    """§5: what each expected section sent this month."""
    bilan: Bilan = field(default_factory=lambda: Bilan())
    """The year N beside N−1, and the recommendations drawn from it."""
    timeline: Timeline = field(default_factory=lambda: Timeline())
    """What the history adds: this run's snapshot, the months of Évolution, what changed."""

    @property
    def site_plural(self) -> str:
        return self.site_label + "s"

    def value(self, key: str) -> Value:
        return self.values[key]

    def parts(self, key: str) -> list[Value]:
        """The values of one declared indicator (several for presence, obligation, validity)."""
        return [v for v in self.values.values() if v.parent == key]


class _Board:
    """What one run computes with: the counted tables, the sites, the windows and the history."""

    def __init__(self, cons: Consolidation, history: pd.DataFrame | None, bilan_year: int | None) -> None:
        self.cons, self.config = cons, cons.config
        self.spec, self.board = cons.config.spec, cons.config.dashboard
        self.arrete = cons.arrete
        self.start, self.end = self.config.period_start, min(self.config.period_end, cons.arrete)
        self.n = bilan_year or cons.arrete.year
        period = (self.config.period_start, self.config.period_end)
        self.window_n = year_window(self.n, cons.arrete, period)
        self.window_n1 = year_window(self.n - 1, cons.arrete, period)
        self.window_tile = year_window(cons.arrete.year, cons.arrete, period)
        self.extension = conventions.load(self.config.extension)
        self.tables = {s.key: counted(cons, s.key) for s in self.spec.table_sheets}
        self.tables = self.extension.prepare_tables(self.tables, self.spec)
        self.names = {e.code: e.name for e in self.config.referentiel.establishments}
        self.groups = {e.code: e.group for e in self.config.referentiel.establishments}
        self.history = history
        self._sources: dict[str, pd.DataFrame] = {}
        self.sites = self._sites()

    # --- sources ------------------------------------------------------------------------------

    def _sites(self) -> pd.DataFrame:
        sheet = self.spec.sites
        if sheet is None or self.board.presence is None:
            return pd.DataFrame()
        frame = table(self.cons, sheet.key)
        resolved = sites.resolve(frame, freshness_rank(self.cons, frame), row_dates(self.cons, frame),
                                 self.config.referentiel, self.spec)
        for column in self.board.site_columns:
            date_key = self.spec.sheet(column.sheet).date_key
            values = sites.site_column(column, self.tables[column.sheet], date_key, self.arrete)
            resolved[column.key] = values.reindex(resolved.index)
            if column.kind != "derniere_date":
                resolved[column.key] = pd.to_numeric(resolved[column.key], errors="coerce").fillna(0).astype(int)
        for ind in self.board.indicators:  # current and expiring validity periods per site
            if ind.kind == VALIDITY and "establishment" in self.tables[ind.sheet]:
                table_v = periods.validity_table(self.validity_rows(ind), ind.start, ind.end, self.arrete,
                                                 self.alert_days(ind), self.names)
                for suffix, states in (("current", (periods.CURRENT, periods.EXPIRING)),
                                       ("expiring", (periods.EXPIRING,))):
                    counts = table_v[table_v["state"].isin(states)].groupby("establishment").size()
                    resolved[f"{ind.key}_{suffix}"] = counts.reindex(resolved.index, fill_value=0).astype(int)
        return self.extension.site_columns(resolved, self.tables, self.spec, self.arrete)

    def source(self, ind: Indicator) -> pd.DataFrame:
        """The rows ``ind`` counts, before any window (computed once per indicator)."""
        found = self._sources.get(ind.key)
        if found is None:
            rows = self.sites if ind.sheet == SITES else self.tables[ind.sheet]
            found = self._sources[ind.key] = filters.apply(rows, ind.filter)
        return found

    def date_key(self, ind: Indicator) -> str | None:
        return None if ind.sheet in ("", SITES) else self.spec.sheet(ind.sheet).date_key

    def dated(self, ind: Indicator) -> bool:
        if ind.kind == SHARE:
            return self.dated(self.board.indicator(ind.numerator))
        if ind.kind == FUNNEL:
            return self.dated(self.board.indicator(ind.steps[0]))
        return ind.kind in (COUNT, SUM, DISTINCT, OBLIGATION) and self.date_key(ind) is not None

    def rows(self, ind: Indicator, window: Window) -> pd.DataFrame:
        rows = self.source(ind)
        key = self.date_key(ind)
        if key is not None and window is not None:
            rows = between(rows, key, *window)
        return rows

    # --- one value ---------------------------------------------------------------------------------

    def measure(self, ind: Indicator, window: Window) -> float | None:
        """The value of a count, sum, distinct count, share or funnel over ``window`` (None: no window)."""
        if window is None and self.dated(ind):
            return None
        if ind.kind == SHARE:
            num = self.measure(self.board.indicator(ind.numerator), window)
            den = self.measure(self.board.indicator(ind.denominator), window)
            return None if not den or num is None else num / den
        if ind.kind == FUNNEL:
            return self.measure(self.board.indicator(ind.steps[-1]), window)
        rows = self.rows(ind, window)
        if ind.kind == COUNT:
            return float(len(rows))
        if ind.kind == DISTINCT:
            return float(rows[ind.columns[0]].nunique())
        return float(sum(pd.to_numeric(rows[c], errors="coerce").fillna(0).sum() for c in ind.columns))

    def validity_rows(self, ind: Indicator) -> pd.DataFrame:
        rows = self.source(ind)
        return rows[rows[ind.start].notna() & rows[ind.end].notna()] if len(rows) else rows

    def alert_days(self, ind: Indicator) -> int:
        return self.config.mandate_expiry_days if ind.alert_days is None else ind.alert_days

    def snapshot_year(self, year: int) -> tuple[str, dict[str, float]] | None:
        month = month_key(self.arrete)
        until = self.full_history[self.full_history["month"] <= month]
        return latest_in_year(until, year)


def compute(cons: Consolidation, history: pd.DataFrame | None = None, bilan_year: int | None = None) -> Figures:
    """All the figures of the dashboard at the arrêté date of ``cons`` (see the module docstring).

    ``history``: the snapshot rows recorded by earlier runs (columns ``month``, ``indicator``, ``scope``,
    ``value``); ``bilan_year``: the year N of the bilan (default: the arrêté's year).
    """
    from . import monthly as evo
    from . import recommend
    from .yearly import bilan_frame

    b = _Board(cons, history, bilan_year)
    f = Figures(arrete=cons.arrete, today=cons.today, spec=b.spec, board=b.board, period=(b.start, b.end),
                year=cons.arrete.year, bilan_year=b.n, sites=b.sites,
                site_label=cons.config.referentiel.site_label, group_label=cons.config.referentiel.group_label)
    comp = completeness(cons)
    f.sending.table, f.sending.counts = comp, completeness_figures(comp)
    if not b.sites.empty:
        f.status_counts = sites.status_counts(b.sites, b.spec)
        sums = [i.columns[0] for i in b.board.indicators if i.sheet == SITES and i.kind == SUM]
        f.by_group = sites.by_group(b.sites, b.spec, sums + [c.key for c in b.board.site_columns if c.by_group])
    f.timeline.snapshot = snapshot_rows(b, f)
    b.full_history = with_current(history, month_key(cons.arrete), f.timeline.snapshot)
    current, previous = b.snapshot_year(b.n), b.snapshot_year(b.n - 1)
    f.bilan.months = (current[0] if current else None, previous[0] if previous else None)
    _values(b, f, current, previous)
    f.bilan.table = bilan_frame(f)
    f.bilan.recommendations = recommend.recommendations(b, f)
    evo.evolution(b, f)
    if not b.sites.empty:
        from .changes import site_changes

        flags = {p.presence: p.name for p in b.spec.parties if p.presence}
        counts = {p.headcount: b.spec.sites.column(p.headcount).label for p in b.spec.parties if p.headcount}
        f.timeline.changes, *months_compared = site_changes(b.full_history, cons.arrete, list(b.sites.index), b.names,
                                                   b.groups, flags, counts)
        f.timeline.changes_months = tuple(months_compared)
    return f


def snapshot(cons: Consolidation) -> tuple[pd.DataFrame, CompletenessFigures]:
    """Only what a run records in the history (its snapshot rows and its completeness), cheaper than
    :func:`compute` — for recording months after the fact."""
    b = _Board(cons, None, None)
    f = Figures(arrete=cons.arrete, today=cons.today, spec=b.spec, board=b.board, period=(b.start, b.end),
                year=cons.arrete.year, bilan_year=b.n, sites=b.sites)
    return snapshot_rows(b, f), completeness_figures(completeness(cons))


def _values(b: _Board, f: Figures, current, previous) -> None:
    def recorded(found, key: str) -> object:
        if found is None:
            return NOT_AVAILABLE
        return found[1].get(key, NOT_AVAILABLE)

    for ind in b.board.indicators:
        label = ind.label.replace("{annee}", str(b.n))
        if ind.kind == PRESENCE:
            for status, key in presence_keys(b.spec, ind):
                v = Value(key, _status_label(b, ind, status), "nombre", ind.clause, parent=ind.key)
                v.total = v.tile = float(f.status_counts.get(status, 0))
                v.year, v.previous = recorded(current, key), recorded(previous, key)
                f.values[key] = v
            continue
        if ind.kind == VALIDITY:
            rows = b.validity_rows(ind)
            f.validity[ind.key] = periods.validity_table(rows, ind.start, ind.end, b.arrete, b.alert_days(ind),
                                                         b.names)
            states = f.validity[ind.key]["state"]
            for suffix, state, text in (("current", None, ind.label), ("expiring", periods.EXPIRING, "à renouveler"),
                                        ("expired", periods.EXPIRED, "expirés")):
                key = f"{ind.key}_{suffix}"
                if state is None:
                    total = float(states.isin((periods.CURRENT, periods.EXPIRING)).sum())
                else:
                    total = float((states == state).sum())
                v = Value(key, text if state else label, "nombre", ind.clause, total=total, tile=total,
                          parent=ind.key)
                if state is None:
                    v.year = _current_at_end(rows, ind, b.window_n)
                    v.previous = _current_at_end(rows, ind, b.window_n1)
                f.values[key] = v
            continue
        if ind.kind == OBLIGATION:
            _obligation(b, f, ind)
            continue
        v = Value(ind.key, label, ind.display if ind.kind != SHARE else "part", ind.clause, parent=ind.key)
        if b.dated(ind):
            v.total = b.measure(ind, (b.start, b.end))
            v.year = b.measure(ind, b.window_n) if b.window_n else NOT_AVAILABLE
            v.previous = b.measure(ind, b.window_n1) if b.window_n1 else NOT_AVAILABLE
            v.this_year = b.measure(ind, b.window_tile) if b.window_tile else None
            v.tile = v.this_year if ind.window == "annee" else v.total
        else:
            v.total = v.tile = b.measure(ind, None)
            if ind.kind == SHARE:
                v.year = _share(recorded(current, ind.numerator), recorded(current, ind.denominator))
                v.previous = _share(recorded(previous, ind.numerator), recorded(previous, ind.denominator))
            else:
                v.year, v.previous = recorded(current, ind.key), recorded(previous, ind.key)
        f.values[ind.key] = v
        for chart in b.board.charts:
            if chart.by and ind.key in chart.indicators:
                _breakdown(b, f, ind, chart.by, chart.kind)


def _share(num: object, den: object) -> object:
    if isinstance(num, float | int) and isinstance(den, float | int):
        return None if not den else num / den
    return NOT_AVAILABLE


def _current_at_end(rows: pd.DataFrame, ind: Indicator, window: Window) -> float | object:
    if window is None:
        return NOT_AVAILABLE
    return float(periods.current_at(rows, ind.start, ind.end, window[1]))


def _obligation(b: _Board, f: Figures, ind: Indicator) -> None:
    values = b.spec.party_names if ind.by and b.spec.sheet(ind.sheet).column(ind.by).allowed == b.spec.party_names \
        else (b.spec.sheet(ind.sheet).column(ind.by).allowed if ind.by else ("",))
    grid = periods.obligation_grid(b.source(ind), b.date_key(ind), ind.by, tuple(values), ind.period, b.start,
                                   b.end)  # never past the convention's end
    f.obligations[ind.key] = grid
    for value in values:
        key = f"{ind.key}_{slug(value)}" if value else ind.key
        who = b.spec.in_sentence(value)
        label = ind.label.replace("{partie}", who)
        total = float(periods.periods_met(grid, value, ind.minimum))
        v = Value(key, label, "nombre", ind.clause, total=total, tile=total, parent=ind.key)
        v.year = float(periods.periods_met(grid, value, ind.minimum, b.n)) if b.window_n else NOT_AVAILABLE
        v.previous = (float(periods.periods_met(grid, value, ind.minimum, b.n - 1)) if b.window_n1
                      else NOT_AVAILABLE)
        f.values[key] = v


def _breakdown(b: _Board, f: Figures, ind: Indicator, by: str, kind: str) -> None:
    rows = b.rows(ind, (b.start, b.end) if b.dated(ind) else None)
    categories = b.spec.sheet(ind.sheet).column(by).allowed or tuple(sorted(rows[by].dropna().unique()))
    if kind == "mois":
        index = pd.DatetimeIndex(months(b.start, b.end), name="month")
        key = b.date_key(ind)
        month = rows[key].dt.to_period("M").dt.to_timestamp()
        grid = pd.crosstab(month, rows[by]) if len(rows) else pd.DataFrame(index=index)
        f.by_month[(ind.key, by)] = grid.reindex(index=index, columns=list(categories), fill_value=0).fillna(0) \
            .astype(int)
        return
    values = {}
    for category in categories:
        part = rows[rows[by] == category]
        if ind.kind == COUNT:
            values[category] = float(len(part))
        else:
            values[category] = float(sum(pd.to_numeric(part[c], errors="coerce").fillna(0).sum() for c in ind.columns))
    f.breakdowns[(ind.key, by)] = pd.DataFrame({"value": values})


def presence_keys(spec: Spec, ind: Indicator) -> list[tuple[str, str]]:
    """(status, history key) of each presence status: ``establishments_both``, ``establishments_anvp_only``…"""
    labels = sites.statuses(spec)
    keys = [f"{ind.key}_both", *(f"{ind.key}_{slug(p)}_only" for p in spec.party_names[:2]), f"{ind.key}_none"]
    return list(zip(labels, keys, strict=True))


def _status_label(b: _Board, ind: Indicator, status: str) -> str:
    """A presence status in the bilan: the declared label (``libelles``) or a generic one."""
    site = b.config.referentiel.site_label
    plural = site[:1].upper() + site[1:] + "s"
    if status == sites.BOTH:
        return ind.label
    if status == sites.NONE:
        return ind.labels.get("aucune", f"{plural} où aucune partie n'est présente")
    party = status.removesuffix(" seule")
    return ind.labels.get(party, f"{plural} où seule {b.spec.in_sentence(party)} est présente")


def snapshot_rows(b: _Board, f: Figures) -> pd.DataFrame:
    """Every snapshot row of this run (indicator, scope, value): national, per group and per site."""
    rows: list[tuple[str, str, float]] = []
    by_site: dict[str, pd.Series] = {}
    for ind in b.board.indicators:
        if ind.kind == PRESENCE and not b.sites.empty:
            status = b.sites["status"]
            for label, key in presence_keys(b.spec, ind):
                by_site[key] = (status == label).astype(float)
            for party in b.spec.parties:
                by_site[party.presence] = b.sites[f"_present_{party.name}"].astype(float)
                if party.headcount:
                    by_site[party.headcount] = pd.to_numeric(b.sites[party.headcount], errors="coerce").fillna(0)
        elif ind.kind == VALIDITY:
            rows_v = b.validity_rows(ind)
            table_v = periods.validity_table(rows_v, ind.start, ind.end, b.arrete, b.alert_days(ind), b.names)
            states = table_v["state"]
            rows += [(f"{ind.key}_current", NATIONAL, float(states.isin((periods.CURRENT, periods.EXPIRING)).sum())),
                     (f"{ind.key}_expiring", NATIONAL, float((states == periods.EXPIRING).sum())),
                     (f"{ind.key}_expired", NATIONAL, float((states == periods.EXPIRED).sum()))]
            if "establishment" in table_v and not b.sites.empty:
                current = table_v[states.isin((periods.CURRENT, periods.EXPIRING))]
                by_site[f"{ind.key}_current"] = current.groupby("establishment").size().reindex(
                    b.sites.index, fill_value=0).astype(float)
        elif ind.kind in (COUNT, SUM, DISTINCT) and not b.dated(ind):
            value = b.measure(ind, None) or 0.0
            rows.append((ind.key, NATIONAL, float(value)))
            if ind.sheet == SITES and not b.sites.empty and ind.kind == SUM:
                by_site[ind.key] = pd.to_numeric(b.sites[ind.columns[0]], errors="coerce").fillna(0)
            elif ind.kind == COUNT and not b.sites.empty and "establishment" in b.tables[ind.sheet]:
                counts = b.source(ind).groupby("establishment").size()
                by_site[ind.key] = counts.reindex(b.sites.index, fill_value=0).astype(float)
    for ind in b.board.indicators:
        if ind.kind == PRESENCE and not b.sites.empty:
            rows += [(key, NATIONAL, float(by_site[key].sum())) for _, key in presence_keys(b.spec, ind)]
    if by_site:
        frame = pd.DataFrame(by_site, index=b.sites.index)
        grouped = frame.groupby(b.sites["group"], sort=False).sum()
        presence_flags = {p.presence for p in b.spec.parties}
        kept = [key for key in frame.columns if key not in presence_flags]
        for group, values in zip(grouped.index, grouped[kept].to_numpy(dtype=float).tolist(), strict=True):
            rows += [(key, str(group), value) for key, value in zip(kept, values, strict=True)]
        keys = list(frame.columns)
        for code, values in zip(frame.index, frame.to_numpy(dtype=float).tolist(), strict=True):
            rows += [(key, str(code), value) for key, value in zip(keys, values, strict=True)]
    return pd.DataFrame(rows, columns=["indicator", "scope", "value"])
