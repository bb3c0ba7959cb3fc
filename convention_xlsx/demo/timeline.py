"""The demo's past: how each site's situation moved month by month before the workbooks' last word.

A section's sites sheet and its lists of people hold today's situation only, so the demo invents their past
the way it happens: a party arrives in a site during the convention (absent before), a correspondent arrives
or leaves, volunteers join or stop, the number of learners moves; a person on a list was not on it before
their mandate began (or, on a list without mandates, before the day they joined). The moves are drawn from
their own seeded generators, as differences from the final situation that the workbooks state, so the last
month is exactly what was written and the history leads to it. :func:`situation_at` gives the consolidated
sites table at any earlier day and :func:`lists_at` the lists; the demo records each month of them in the
history as « simulé » — never as a monthly run (:mod:`convention_xlsx.demo.run`).

Generic: it reads from the workbook's description the parties' presence and headcount columns, the sites
sheet's other counts, and which sheets are lists of people (a table that is neither the sites sheet nor
dated), with the period each row holds.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import pandas as pd

from ..schema import Kind, Sheet, Spec


@dataclass
class Timeline:
    """Per (party, site code): when the party arrived, and the dated moves of its headcount."""

    arrivals: dict[tuple[str, str], dt.date] = field(default_factory=dict)
    """The party was absent from the site before this day (it reported « Non » and 0)."""
    moves: dict[tuple[str, str], list[tuple[dt.date, int]]] = field(default_factory=dict)
    """(day, change) of the headcount: +1 a volunteer joined that day, −1 one left."""
    counts: dict[tuple[str, str, str], list[tuple[dt.date, int]]] = field(default_factory=dict)
    """(association, site code, column) → (day, change) of another count of the sites sheet (learners)."""
    joined: dict[str, dict[int, dt.date]] = field(default_factory=dict)
    """List sheet key → row position → the day the person came onto the list (absent before)."""


def month_ends(start: dt.date, before: dt.date) -> list[dt.date]:
    """The last day of each month from ``start``'s up to the month before ``before``'s."""
    out, first = [], start.replace(day=1)
    while (first.year, first.month) < (before.year, before.month):
        following = (first + dt.timedelta(days=32)).replace(day=1)
        out.append(following - dt.timedelta(days=1))
        first = following
    return out


def make_timeline(seed: int, sites: pd.DataFrame, spec: Spec, start: dt.date, end: dt.date) -> Timeline:
    """Draw the past of the sites table ``sites`` (consolidated: its final situation) from ``seed``."""
    rng = random.Random(f"{seed}-historique")
    timeline = Timeline()
    span = max(1, (end - start).days)

    def day(low: float = 0.05, high: float = 0.95) -> dt.date:
        return start + dt.timedelta(days=int(span * rng.uniform(low, high)))

    for party in (p for p in spec.parties if p.presence):
        rows = sites[sites["association"] == party.name]
        for code, present, count in zip(rows["establishment"], rows[party.presence],
                                        rows[party.headcount] if party.headcount else [None] * len(rows),
                                        strict=True):
            if code is None or pd.isna(code):
                continue
            key = (party.name, str(code))
            final = 0 if count is None or pd.isna(count) else int(count)
            flag = None if present is None or pd.isna(present) else bool(present)
            moves: list[tuple[dt.date, int]] = []
            if flag is True and rng.random() < 0.12:
                timeline.arrivals[key] = day(0.1, 0.85)  # the party reached the site during the convention
            elif flag is False and party.headcount and rng.random() < 0.1:
                moves.append((day(0.2, 0.9), -1))  # its last volunteer left: it was there before
            for _ in range(rng.choice((0, 1, 1, 2, 3)) if final else 0):
                moves.append((day(), rng.choice((1, 1, 1, -1))))  # mostly arrivals: teams grow
            if moves:
                timeline.moves[key] = sorted(moves)
    _draw_counts(random.Random(f"{seed}-historique-effectifs"), timeline, sites, spec, day)
    return timeline


def other_counts(spec: Spec) -> list[str]:
    """The sites sheet's counts that are no party's headcount (Auxilia's learners)."""
    sheet = spec.sites
    headcounts = {p.headcount for p in spec.parties}
    return [c.key for c in sheet.data_columns if c.kind is Kind.COUNT and c.key not in headcounts] if sheet else []


def list_sheets(spec: Spec) -> list[Sheet]:
    """The lists of people: tables that are neither the sites sheet nor placed in time by a date."""
    sites = spec.sites
    return [s for s in spec.table_sheets if s is not sites and s.date_key is None]


def _draw_counts(rng: random.Random, timeline: Timeline, sites: pd.DataFrame, spec: Spec, day) -> None:
    for column in other_counts(spec):
        if column not in sites:
            continue
        for association, code, count in zip(sites["association"], sites["establishment"], sites[column],
                                            strict=True):
            if code is None or pd.isna(code) or count is None or pd.isna(count) or int(count) <= 0:
                continue
            final = int(count)
            moves = [(day(), rng.choice((1, 1, -1)) * max(1, round(final * rng.uniform(0.05, 0.2))))
                     for _ in range(rng.choice((0, 1, 2, 3)))]
            if moves:
                timeline.counts[(str(association), str(code), column)] = sorted(moves)


def draw_lists(seed: int, timeline: Timeline, tables: dict[str, pd.DataFrame], spec: Spec, start: dt.date,
               end: dt.date) -> None:
    """When each person of the lists came onto them: the start of their mandate when it falls in the
    convention, else, for one in five, a day drawn in it (before it, on the list from the start); never
    before their party reached their site (:attr:`Timeline.arrivals`)."""
    rng = random.Random(f"{seed}-historique-listes")
    span = max(1, (end - start).days)
    for sheet in list_sheets(spec):
        frame = tables.get(sheet.key)
        if frame is None or frame.empty:
            continue
        begins = frame[sheet.spans[0].start] if sheet.spans and sheet.spans[0].start in frame else None
        sites = _sites_of(frame)
        days = {}
        for position in range(len(frame)):
            began = None if begins is None else _day(begins.iloc[position])
            if began is not None and start < began <= end:
                days[position] = began
            elif rng.random() < 0.2:
                days[position] = start + dt.timedelta(days=int(span * rng.uniform(0.05, 0.95)))
            arrival = timeline.arrivals.get(sites[position]) if sites[position] else None
            if arrival is not None and days.get(position, start) < arrival:  # not before the party was there
                days[position] = arrival
        timeline.joined[sheet.key] = days


def _sites_of(frame: pd.DataFrame) -> list[tuple[str, str] | None]:
    """Per row, (association, site code) when the row names both (the key of :attr:`Timeline.arrivals`)."""
    if "association" not in frame or "establishment" not in frame:
        return [None] * len(frame)
    return [None if a is None or pd.isna(a) or c is None or pd.isna(c) else (str(a), str(c))
            for a, c in zip(frame["association"], frame["establishment"], strict=True)]


def lists_at(tables: dict[str, pd.DataFrame], timeline: Timeline, day: dt.date) -> dict[str, pd.DataFrame]:
    """The lists of people as they stood on ``day``: without those who came onto them later."""
    out = {}
    for key, days in timeline.joined.items():
        frame = tables[key]
        keep = [position not in days or days[position] <= day for position in range(len(frame))]
        out[key] = frame[keep]
    return out


def _day(value: object) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return value.date() if isinstance(value, dt.datetime | pd.Timestamp) else value if isinstance(
        value, dt.date) else None


def situation_at(sites: pd.DataFrame, timeline: Timeline, spec: Spec, day: dt.date) -> pd.DataFrame:
    """The sites table as the same sections would have reported it on ``day``.

    Each party's own row follows its timeline; another party's view of it (its presence column in their rows)
    follows the same truth. A value the final table does not hold (left empty, or left out) stays empty.
    """
    out = sites.copy()
    parties = [p for p in spec.parties if p.presence]
    for party in parties:
        headcounts = sites[party.headcount] if party.headcount else pd.Series([None] * len(sites), index=sites.index)
        own = {}  # the party's own last word on each site it reported: the truth others' views follow
        for code, association, present, count in zip(sites["establishment"], sites["association"],
                                                      sites[party.presence], headcounts, strict=True):
            if association == party.name:
                own[str(code)] = _at(timeline, (party.name, str(code)), day, present, count)[0]
        counts, flags = [], []
        for code, association, present, count in zip(sites["establishment"], sites["association"],
                                                      sites[party.presence], headcounts, strict=True):
            if association == party.name:
                here, number = _at(timeline, (party.name, str(code)), day, present, count)
            else:  # another party's view of this party
                truth = own.get(str(code))
                missing = present is None or pd.isna(present)
                here = present if missing or truth is None or pd.isna(truth) else truth
                number = count
            flags.append(None if here is None or pd.isna(here) else bool(here))
            counts.append(None if number is None or pd.isna(number) else int(number))
        out[party.presence] = pd.array(flags, dtype="boolean")
        if party.headcount:
            out[party.headcount] = pd.array(counts, dtype="Int64")
    for column in other_counts(spec):
        if column in sites:
            out[column] = pd.array([_count_at(timeline, str(a), str(code), column, day, count) for a, code, count
                                    in zip(sites["association"], sites["establishment"], sites[column], strict=True)],
                                   dtype="Int64")
    return out


def _count_at(timeline: Timeline, association: str, code: str, column: str, day: dt.date, count: object
              ) -> int | None:
    if count is None or pd.isna(count):
        return None
    arrival = timeline.arrivals.get((association, code))
    if arrival is not None and day < arrival:
        return 0
    later = sum(change for when, change in timeline.counts.get((association, code, column), ()) if when > day)
    return max(0, int(count) - later)


def _at(timeline: Timeline, key: tuple[str, str], day: dt.date, present: object, count: object
        ) -> tuple[object, object]:
    missing_flag = present is None or pd.isna(present)
    missing_count = count is None or pd.isna(count)
    arrival = timeline.arrivals.get(key)
    if arrival is not None and day < arrival:
        return (None if missing_flag else False), (None if missing_count else 0)
    later = sum(change for when, change in timeline.moves.get(key, ()) if when > day)
    number = None if missing_count else max(0, int(count) - later)
    if missing_flag:
        return None, number
    return (bool(number) if number is not None and later else bool(present)), number
