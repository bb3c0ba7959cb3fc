"""The built-in demo: realistic section workbooks at national scale, filled through the real template.

:func:`plan_demo` decides everything from the seed (sections, records, deliberate mistakes) without
touching a file; :func:`generate_demo` writes the demo's configuration and its workbooks (in the
reading pool's child processes, both cores) into the input folder. The CLI command ``demo`` then
consolidates them like ``consolider`` does.

Deliberate mistakes, each recorded in :attr:`DemoPlan.mistakes` at its cell: a few percent of
misspelt dropdown values (« Rencontre arrivants »), communes typed for codes (« Nanterre »),
negative counts, years ten years off, mandates ending before they start; and at section level a
section sent twice (an older copy with an earlier update date), a late section (updated months
before the arrêté) and a missing one (expected in the configuration, no file).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from ..config import Config, ExpectedSection
from ..consolidate import default_arrete
from .mistakes import DATE_KEY, KINDS, Mistake, Typist
from .plan import (
    CORRESPONDENTS,
    NATIONAL,
    SPEC,
    VISITORS,
    VOCAB,
    Recorder,
    Section,
    make_sections,
    make_world,
    person,
    random_date,
    select_sections,
    slug,
)
from .vocabulary import has_vocabulary

__all__ = ["DemoPlan", "DemoWorkbook", "Mistake", "plan_demo", "MIN_SECTIONS"]

MIN_SECTIONS = 6
"""The two National sections, a missing, a late and a twice-sent one, and one more."""


@dataclass
class DemoWorkbook:
    """One file to write: the template's pre-fill, the ``Section`` fields and the rows as typed."""

    file: str
    association: str
    section: str
    establishments: tuple[str, ...]
    email: str
    editor: str
    updated: dt.date
    tables: dict[str, list[dict]]


@dataclass
class DemoPlan:
    seed: int
    expected: list[ExpectedSection]
    """The sections of the demo's configuration (the missing one included)."""
    workbooks: list[DemoWorkbook]
    mistakes: list[Mistake]
    missing: str = ""
    """``association section`` of the expected section that sends nothing."""
    late: str = ""
    twice: tuple[str, str] = ("", "")
    """(older file, newer file) of the section sent twice."""
    notes: dict[str, int] = field(default_factory=dict)
    requested: int | None = None
    """The number of sections asked (None: the national scale)."""

    @property
    def files(self) -> list[str]:
        return [w.file for w in self.workbooks]

    def size_note(self) -> str:
        """The French line that says so when fewer sections were made than asked (beyond the national scale)."""
        if self.requested is None or self.requested <= len(self.expected):
            return ""
        return (f"{self.requested} sections demandées : {len(self.expected)} faites (échelle nationale maximale "
                "de la démonstration : une section par association et par site où elle est présente ; au-delà, "
                "deux sections se disputeraient le même site).")


def plan_demo(config: Config, seed: int = 1, sections: int | None = None,
              today: dt.date | None = None) -> DemoPlan:
    """Everything the demo will write, decided from ``seed`` alone (no file access).

    The ANVP–Auxilia convention has a demo world of its own (its vocabulary in
    ``data/demo_anvp_auxilia.toml``); any other convention gets one drawn from its workbook's
    description (:mod:`.generic`).

    ``sections``: how many expected sections (all, about 260, when None; at least
    :data:`MIN_SECTIONS`; beyond the national scale, all of them, and :meth:`DemoPlan.size_note`
    says so). Dates never go past ``today`` nor, for event rows, outside the
    convention's period, except the deliberate mistakes.
    """
    today = today or dt.date.today()
    if not has_vocabulary(config.extension):
        from .generic import plan_generic  # a convention without a demo world of its own

        return plan_generic(config, seed=seed, sections=sections, today=today)
    if sections is not None and sections < MIN_SECTIONS:
        raise ValueError(f"sections must be at least {MIN_SECTIONS}")
    rng = random.Random(seed)
    referentiel = config.referentiel
    arrete = default_arrete(config, today)[0]
    last = min(config.period_end, today)
    world = make_world(rng, referentiel)
    chosen = select_sections(rng, make_sections(rng, referentiel, world), sections)
    local = [s for s in chosen if s.name != NATIONAL]
    missing, late, twice = rng.sample(local, 3)
    missing.role, late.role, twice.role = "manquant", "en retard", "en double"

    for s in chosen:
        s.updated = random_date(rng, last.replace(day=1), min(last, last.replace(day=20)))
    late.updated = last - dt.timedelta(days=rng.randint(95, 140))
    twice.older_update = twice.updated.replace(day=1) - dt.timedelta(days=rng.randint(3, 25))

    recorder = Recorder(rng, referentiel, world, config.period_start, last, arrete)
    partner = {code: s for s in local if s.association == CORRESPONDENTS for code in s.establishments}
    for s in sorted(local, key=lambda s: s.association != VISITORS):  # visitors first: they add the joint records
        recorder.local(s, partner)
    national = {s.association: s for s in chosen if s.name == NATIONAL}
    recorder.national(national[VISITORS], national[CORRESPONDENTS])

    filed = [s for s in chosen if s is not missing]
    names = {id(s): f"{s.association}_{slug(s.name)}_{s.updated:%Y-%m}.xlsx" for s in filed}
    for s in filed:
        _keep_until_update(s)
    older = _older_copy(twice)  # as it was sent a month earlier, before this month's typing
    typist = Typist(rng, referentiel)
    typos = VOCAB.typos.get(("actions", "action_type"), {})
    for s in filed:
        typist.mistype(s, names[id(s)])
    order = filed[2:] + filed[:2]
    rng.shuffle(order)
    candidates = [(s, names[id(s)]) for s in order]
    _ensure_mandate(rng, recorder, [s for s in order if s.association == VISITORS and s.name != NATIONAL])
    for kind in KINDS:
        if kind == "liste" and not any(m.value in typos.values() for m in typist.mistakes):
            typist.force(kind, candidates, when=lambda row: row.get("action_type") in typos)
        elif kind not in typist.used:
            typist.force(kind, candidates)

    older_file = f"{twice.association}_{slug(twice.name)}_{twice.older_update:%Y-%m}.xlsx"
    workbooks = []
    for s in filed:
        if s is twice:
            workbooks.append(_workbook(older, older_file, typist, twice.older_update))
        workbooks.append(_workbook(s, names[id(s)], typist, s.updated))
    expected = [ExpectedSection(s.association, s.name, s.establishments, s.email) for s in chosen]
    return DemoPlan(seed, expected, workbooks, typist.mistakes, missing=missing.label, late=late.label,
                    twice=(older_file, names[id(twice)]), requested=sections)


def _keep_until_update(section: Section) -> None:
    """Sort dated rows (a volunteer adds them as things happen) and drop those after the update;
    referrals only for months complete at the update."""
    assert section.updated is not None
    for key, column in DATE_KEY.items():
        rows = sorted(section.tables[key], key=lambda r: r[column])
        limit = section.updated.replace(day=1) - dt.timedelta(days=1) if column == "month" else section.updated
        section.tables[key] = [{**r, "_when": r[column]} for r in rows if r[column] <= limit]


def _older_copy(section: Section) -> Section:
    """The same section's workbook as sent a month or so earlier (rows up to its older update)."""
    assert section.older_update is not None
    copy = Section(section.association, section.name, section.establishments, section.email, section.editor,
                   section.older_update)
    for key, rows in section.tables.items():
        copy.tables[key] = [dict(r) for r in rows if "_when" not in r or r["_when"] <= section.older_update]
    return copy


def _ensure_mandate(rng: random.Random, recorder: Recorder, sections: list[Section]) -> None:
    """At small sizes no volunteer may hold a mandate: give one to a visitor, so that a mandate
    typed the wrong way round can be shown."""
    if any(r.get("mandate_start") for s in sections for r in s.tables["volunteers"]) or not sections:
        return
    section = sections[0]
    code = section.establishments[0] if section.establishments else None
    row = recorder.volunteer(*person(rng), code, VOCAB.roles["visiteur_et_cp"], True, False, recorder.mandate())
    section.tables["volunteers"].append(row)


def _workbook(section: Section, file: str, typist: Typist, updated: dt.date) -> DemoWorkbook:
    tables = {sheet.key: typist.render(section.tables[sheet.key], sheet.key) for sheet in SPEC.table_sheets}
    return DemoWorkbook(file, section.association, section.name, section.establishments, section.email,
                        section.editor, updated, tables)
