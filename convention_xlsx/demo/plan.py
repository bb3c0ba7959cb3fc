"""The demo's fictitious partnership: who reports for which establishments, and what they record.

Pure and deterministic: one :class:`random.Random` seeded by ``--graine`` drives every choice,
so the same seed gives the same sections and the same records. Records hold real values
(dates as ``datetime.date``); :mod:`.mistakes` later turns a few of them into what volunteers
really type (French text dates, misspelt dropdown values, unknown codes…).

Scale at national size: ANVP sections (one per commune) in about 88 % of the establishments of
the référentiel, Auxilia learners in 148 establishments (about 2,200 in all) with correspondents
(CP) in about 90 of them, about 700 Auxilia volunteers, and the two ``National`` sections
(partner news per quarter, joint trainings, calls for projects).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from ..config import Establishment, Referentiel
from ..spec import default_spec
from .people import FIRST_NAMES, LAST_NAMES, person, random_date, slug
from .vocabulary import load_vocabulary

NATIONAL = "National"
SPEC = default_spec()
"""The ANVP–Auxilia workbook this demo world fills (the demo is that convention's)."""
__all__ = ["FIRST_NAMES", "LAST_NAMES", "NATIONAL", "SPEC", "VOCAB", "Recorder", "Section", "person",
           "random_date", "slug"]
_V = {
    "joint": SPEC.sheet("actions").joint_value,
    "news": SPEC.sheet("communication").column("nature").term("nouvelles_du_partenaire"),
    "accepted": SPEC.sheet("calls").column("status").term("accepte"),
    "by_other": {c.party: c.term("par_l_autre") for c in SPEC.sheet("meetings").columns if "par_l_autre" in c.terms},
}

VOCAB = load_vocabulary("anvp_auxilia", SPEC)
"""Roles, action types, funders… that the demo's sections write (``data/demo_anvp_auxilia.toml``)."""
VISITORS, CORRESPONDENTS = SPEC.party_names
"""The party of the visitors (present by its visitors) and the party of the correspondents (CP)."""
YES, NO = SPEC.yes, SPEC.no


@dataclass
class Section:
    """One section of the demo: its identity, its establishments and its records by sheet key."""

    association: str
    name: str
    establishments: tuple[str, ...]
    email: str
    editor: str = ""
    updated: dt.date | None = None
    tables: dict[str, list[dict]] = field(default_factory=lambda: {s.key: [] for s in SPEC.table_sheets})
    role: str = ""
    """What the demo makes of it: ``""`` (reports normally), ``manquant``, ``en retard``, ``en double``."""
    older_update: dt.date | None = None
    """For the section sent twice: the update date of its older copy."""

    @property
    def label(self) -> str:
        return f"{self.association} {self.name}"


@dataclass(frozen=True)
class World:
    """Where each association is present: the truth the sections report about."""

    anvp: frozenset[str]
    auxilia_cp: dict[str, int]
    """Establishment → number of Auxilia correspondents (CP)."""
    learners: dict[str, int]
    """Establishment → Auxilia learners (148 establishments, about 2,200 in all)."""


# --------------------------------------------------------------------------- sections


def make_world(rng: random.Random, referentiel: Referentiel) -> World:
    codes = list(referentiel.codes)
    anvp = frozenset(c for c in codes if rng.random() < 0.88)
    # Auxilia teaches by correspondence: learners in 148 establishments, CPs in about 90 of them.
    learning = rng.sample(codes, min(148, len(codes)))
    weights = {c: rng.uniform(0.4, 1.6) * (2.0 if referentiel[c].type in ("CP", "MA") else 1.0) for c in learning}
    total = sum(weights.values())
    learners = {c: max(1, round(2200 * w / total)) for c, w in weights.items()}
    with_cp = rng.sample(sorted(learning), min(90, len(learning)))
    auxilia_cp = {c: rng.choice((1, 1, 1, 2, 2, 3)) for c in with_cp}
    return World(anvp, auxilia_cp, learners)


def make_sections(rng: random.Random, referentiel: Referentiel, world: World) -> list[Section]:
    """Every section of the national demo: ANVP and Auxilia by commune, Auxilia delegations, National."""
    by_commune: dict[tuple[str, str], list[str]] = defaultdict(list)
    for e in referentiel.establishments:
        if e.code in world.anvp:
            by_commune[(VISITORS, e.commune)].append(e.code)
        if e.code in world.auxilia_cp:
            by_commune[(CORRESPONDENTS, e.commune)].append(e.code)
    sections = [
        Section(association, commune, tuple(codes), f"{association.lower()}.{slug(commune)}@example.org")
        for (association, commune), codes in by_commune.items()
    ]
    delegations: dict[str, list[str]] = defaultdict(list)
    for e in referentiel.establishments:
        if e.code in world.learners and e.code not in world.auxilia_cp:
            delegations[e.disp].append(e.code)
    sections += [
        Section(CORRESPONDENTS, f"Délégation {disp}", tuple(codes),
                f"{slug(CORRESPONDENTS)}.delegation-{slug(disp)}@example.org")
        for disp, codes in delegations.items()
    ]
    sections.sort(key=lambda s: (s.association, s.name))
    national = [Section(a, NATIONAL, (), f"partenariat@{slug(a)}.example.org") for a in SPEC.party_names]
    return national + sections


def select_sections(rng: random.Random, sections: list[Section], count: int | None) -> list[Section]:
    """``count`` sections (all when None): the two National ones, then ANVP and Auxilia sections of
    the same communes first, so that joint records reported by both associations appear even small."""
    if count is None or count >= len(sections):
        return sections
    national = [s for s in sections if s.name == NATIONAL]
    local = [s for s in sections if s.name != NATIONAL]
    by_name: dict[str, list[Section]] = defaultdict(list)
    for s in local:
        by_name[s.name].append(s)
    names = sorted(by_name)
    rng.shuffle(names)
    names.sort(key=lambda n: -len(by_name[n]))  # communes with both associations first (stable)
    chosen = list(national)
    for name in names:
        for s in by_name[name]:
            if len(chosen) < count:
                chosen.append(s)
    return chosen


# --------------------------------------------------------------------------- records


class Recorder:
    """Fills the sections' records for the period ``start``..``end`` (the last day to report)."""

    def __init__(self, rng: random.Random, referentiel: Referentiel, world: World, start: dt.date,
                 end: dt.date, arrete: dt.date) -> None:
        self.rng, self.ref, self.world = rng, referentiel, world
        self.start, self.end, self.arrete = start, end, arrete

    # -- local sections

    def local(self, section: Section, partner: dict[str, Section]) -> None:
        for code in section.establishments:
            if section.association == VISITORS:
                self._anvp_establishment(section, self.ref[code], partner.get(code))
            else:
                self._auxilia_establishment(section, self.ref[code])
            self._referrals(section, code)
        if section.association == CORRESPONDENTS:
            for _ in range(self.rng.randint(3, 8)):  # correspondence tutors of the section
                last, first = person(self.rng)
                section.tables["volunteers"].append(self.volunteer(last, first, None, VOCAB.roles["formateur"],
                                                                    anvp=self.rng.random() < 0.08, auxilia=True))
        self._own_actions(section)
        people = section.tables["volunteers"]
        section.editor = " ".join(reversed(person(self.rng))) if not people else (
            f"{people[0]['first_name']} {people[0]['last_name']}")

    def _anvp_establishment(self, section: Section, e: Establishment, partner: Section | None) -> None:
        rng, volunteers = self.rng, section.tables["volunteers"]
        low, high = VOCAB.sizes.get(e.type, (2, 6))
        count = rng.randint(low, high)
        cps = self.world.auxilia_cp.get(e.code, 0)
        if not volunteers:
            volunteers.append(self.volunteer(*person(rng), e.code, VOCAB.roles["president"], True,
                                              rng.random() < 0.15))
        volunteers.append(self.volunteer(*person(rng), e.code, VOCAB.roles["correspondant_etablissement"], True,
                                          rng.random() < 0.15))
        visitors = 0
        for _ in range(count):
            role, auxilia, mandate = VOCAB.roles["visiteur"], rng.random() < 0.12, None
            if (cps == 0 and rng.random() < 0.12) or (cps and rng.random() < 0.03):
                role = VOCAB.roles["visiteur_et_cp"]
                auxilia = rng.random() < 0.4
                mandate = None if auxilia else self.mandate()
            volunteers.append(self.volunteer(*person(rng), e.code, role, True, auxilia, mandate))
            visitors += 1
        auxilia_view = cps > 0
        roll = rng.random()
        section.tables["establishments"].append({
            "establishment": e.code, "anvp_present": YES, "anvp_visitors": visitors,
            "auxilia_present": None if roll < 0.08 else (NO if auxilia_view else YES) if roll > 0.98
            else (YES if auxilia_view else NO),
            "comment": rng.choice((None, None, None, *VOCAB.comments)),
        })
        joint = partner is not None and e.code in partner.establishments
        for year in range(self.start.year, self.end.year + 1):
            for _ in range(rng.randint(1, 3)):
                self._meeting(section, e.code, cps > 0, partner if joint else None, year)
            if joint:
                for _ in range(rng.randint(1, 3)):
                    self._joint_action(section, partner, e.code, year)

    def _auxilia_establishment(self, section: Section, e: Establishment) -> None:
        rng = self.rng
        cps = self.world.auxilia_cp.get(e.code, 0)
        for _ in range(cps):
            auxilia, mandate = True, None
            if rng.random() < 0.05:
                auxilia, mandate = False, self.mandate()
            section.tables["volunteers"].append(self.volunteer(
                *person(rng), e.code, VOCAB.roles["cp"], rng.random() < 0.2, auxilia, mandate))
        anvp = e.code in self.world.anvp
        section.tables["establishments"].append({
            "establishment": e.code, "anvp_present": None if rng.random() < 0.1 else (YES if anvp else NO),
            "auxilia_present": YES if cps else NO, "auxilia_cps": cps,
            "auxilia_learners": self.world.learners.get(e.code),
        })
        if cps and not anvp:
            for year in range(self.start.year, self.end.year + 1):
                for _ in range(rng.randint(0, 2)):
                    self._meeting(section, e.code, True, None, year)

    def volunteer(self, last: str, first: str, code: str | None, role: str, anvp: bool, auxilia: bool,
                   mandate: tuple[dt.date, dt.date] | None = None) -> dict:
        yes = self.rng.choice((YES, YES, YES, YES, YES.lower(), YES.upper(), "x"))  # as volunteers type it
        return {
            "last_name": last, "first_name": first, "establishment": code, "role": role,
            "anvp_member": yes if anvp else NO, "auxilia_member": yes if auxilia else NO,
            "mandate_start": mandate[0] if mandate else None, "mandate_end": mandate[1] if mandate else None,
        }

    def mandate(self) -> tuple[dt.date, dt.date]:
        """A nominative mandate of fixed duration: current, expiring soon after the arrêté, or expired."""
        rng, arrete = self.rng, self.arrete
        kind = rng.choices(("current", "expiring", "expired"), (5, 2, 2))[0]
        if kind == "current":
            end = arrete + dt.timedelta(days=rng.randint(90, 500))
        elif kind == "expiring":
            end = arrete + dt.timedelta(days=rng.randint(5, 55))
        else:
            end = arrete - dt.timedelta(days=rng.randint(20, 500))
        return end - dt.timedelta(days=rng.choice((365, 365, 730))), end

    def _meeting(self, section: Section, code: str, auxilia_there: bool, partner: Section | None,
                 year: int) -> None:
        rng = self.rng
        day = random_date(rng, max(self.start, dt.date(year, 1, 1)), min(self.end, dt.date(year, 12, 31)))
        if auxilia_there:
            auxilia = rng.choices((YES, _V["by_other"][CORRESPONDENTS], NO), (60, 15, 25))[0]
        else:
            auxilia = rng.choices((NO, _V["by_other"][CORRESPONDENTS]), (70, 30))[0]
        both = auxilia == YES
        row = {
            "date": day, "establishment": code,
            "with_whom": rng.choices(list(VOCAB.with_whom), list(VOCAB.with_whom.values()))[0],
            "anvp_represented": rng.choices((YES, _V["by_other"][VISITORS]), (95, 5))[0] if both else YES,
            "auxilia_represented": auxilia,
            "joint_preparation": YES if both and rng.random() < 0.55 else NO,
            "minutes_anvp": YES if rng.random() < 0.85 else NO,
            "minutes_auxilia": YES if (both or auxilia != NO) and rng.random() < 0.6 else NO,
            "subject": rng.choice(VOCAB.subjects),
        }
        section.tables["meetings"].append(row)
        if partner is not None and both:
            copy = dict(row)
            if rng.random() < 0.08:  # the two reports disagree on a detail: commun-divergent
                copy["minutes_auxilia"] = NO if row["minutes_auxilia"] == YES else YES
            partner.tables["meetings"].append(copy)

    def _joint_action(self, section: Section, partner: Section, code: str, year: int) -> None:
        rng = self.rng
        kind = rng.choices(list(VOCAB.joint_actions), list(VOCAB.joint_actions.values()))[0]
        if kind == VOCAB.national_day:
            start = dt.date(year, 11, 20)
            day = random_date(rng, start, start + dt.timedelta(days=7))
        else:
            day = random_date(rng, dt.date(year, 1, 1), dt.date(year, 12, 31))
        if not self.start <= day <= self.end:
            return
        row = {"date": day, "establishment": code, "action_type": kind, "associations": _V["joint"],
               "anvp_volunteers": rng.randint(1, 5), "auxilia_volunteers": rng.randint(1, 3),
               "people_reached": rng.randint(5, 40), "description": VOCAB.action_texts[kind]}
        section.tables["actions"].append(row)
        copy = dict(row)
        if rng.random() < 0.08:
            copy["people_reached"] = row["people_reached"] + rng.randint(1, 6)
        partner.tables["actions"].append(copy)

    def _own_actions(self, section: Section) -> None:
        rng = self.rng
        types, weights = zip(*VOCAB.action_weights.items(), strict=True)
        per_year = 2 * len(section.establishments) + (2 if section.association == VISITORS else 0)
        for year in range(self.start.year, self.end.year + 1):
            for _ in range(rng.randint(per_year // 2, per_year + 1)):
                kind = rng.choices(types, weights)[0]
                outside = kind in VOCAB.outside or not section.establishments
                code = None if outside else rng.choice(section.establishments)
                day = random_date(rng, dt.date(year, 1, 1), dt.date(year, 12, 31))
                if not self.start <= day <= self.end:
                    continue
                own = section.association
                section.tables["actions"].append({
                    "date": day, "establishment": code, "action_type": kind, "associations": own,
                    "anvp_volunteers": rng.randint(1, 4) if own == VISITORS else None,
                    "auxilia_volunteers": rng.randint(1, 3) if own == CORRESPONDENTS else None,
                    "people_reached": rng.randint(3, 60), "description": VOCAB.action_texts[kind],
                })

    def _referrals(self, section: Section, code: str) -> None:
        rng, anvp = self.rng, section.association == VISITORS
        if not anvp and code not in self.world.auxilia_cp:
            return  # without a CP in the establishment nobody informs detainees there
        month = self.start.replace(day=1)
        while month <= self.end:
            if rng.random() < 0.85:
                section.tables["referrals"].append({
                    "month": month, "establishment": code, "informed": rng.randint(0, 12),
                    "auxilia_signups": rng.randint(0, 3) if anvp else None,
                    "visit_requests": None if anvp else rng.randint(0, 3),
                })
            month = (month + dt.timedelta(days=32)).replace(day=1)

    # -- National sections

    def national(self, anvp: Section, auxilia: Section) -> None:
        rng = self.rng
        for section in (anvp, auxilia):
            last, first = person(rng)
            section.editor = f"{first} {last}"
            self._news(section)
            self._calls(section)
            for year in range(self.start.year, self.end.year + 1):
                day = random_date(rng, dt.date(year, 2, 1), dt.date(year, 10, 31))
                if self.start <= day <= self.end:  # each head office's own recruitment campaign
                    section.tables["actions"].append({
                        "date": day, "establishment": None, "action_type": VOCAB.recruitment,
                        "associations": section.association, "people_reached": rng.randint(50, 400),
                        "description": VOCAB.action_texts[VOCAB.recruitment]})
        for year in range(self.start.year, self.end.year + 1):
            # The national day's joint stand, outside any establishment, reported by both head offices with the
            # same date and type: it counts once.
            day = random_date(rng, dt.date(year, 11, 20), dt.date(year, 11, 27))
            if self.start <= day <= self.end:
                row = {"date": day, "establishment": None, "action_type": VOCAB.national_day,
                       "associations": _V["joint"], "people_reached": rng.randint(50, 400),
                       "anvp_volunteers": rng.randint(4, 20), "description": VOCAB.action_texts[VOCAB.national_day]}
                anvp.tables["actions"].append(row)
                auxilia.tables["actions"].append({**row, "anvp_volunteers": None,
                                                  "auxilia_volunteers": rng.randint(2, 10)})
        for year in range(self.start.year, self.end.year + 1):  # joint trainings, reported by both (§2)
            for _ in range(rng.randint(3, 5)):
                day = random_date(rng, dt.date(year, 1, 15), dt.date(year, 12, 10))
                if not self.start <= day <= self.end:
                    continue
                row = {"date": day, "theme": rng.choices(list(VOCAB.themes), list(VOCAB.themes.values()))[0],
                       "place": rng.choice(VOCAB.places), "anvp_participants": rng.randint(4, 25),
                       "auxilia_participants": rng.randint(2, 15), "hours": rng.choice((2, 3, 3, 6, 2.5)),
                       "funding": rng.choice((*VOCAB.fundings, None))}
                anvp.tables["trainings"].append(row)
                if rng.random() < 0.85:
                    auxilia.tables["trainings"].append(dict(row))

    def _news(self, section: Section) -> None:
        """Partner news at least once per quarter (§3), with a quarter or two missing for realism."""
        rng = self.rng
        quarters = [(y, q) for y in range(self.start.year, self.end.year + 1) for q in range(4)]
        skipped = set(rng.sample(quarters, 1 if section.association == VISITORS else 2))
        media = SPEC.sheet("communication").column("medium").choices
        natures = SPEC.sheet("communication").column("nature").choices
        for year, quarter in quarters:
            first = dt.date(year, 3 * quarter + 1, 1)
            last = (first + dt.timedelta(days=95)).replace(day=1) - dt.timedelta(days=1)
            count = 0 if (year, quarter) in skipped else rng.randint(1, 3)
            rows = [(_V["news"], random_date(rng, first, last)) for _ in range(count)]
            rows += [(rng.choice(natures[1:]), random_date(rng, first, last)) for _ in range(rng.randint(0, 2))]
            for nature, day in rows:
                if self.start <= day <= self.end:
                    section.tables["communication"].append({
                        "date": day, "issuer": section.association, "medium": rng.choice(media),
                        "nature": nature, "title": f"{nature} – {day:%m/%Y}"})

    def _calls(self, section: Section) -> None:
        rng = self.rng
        for year in range(self.start.year, self.end.year + 1):
            for _ in range(rng.randint(1, 3)):
                day = random_date(rng, dt.date(year, 1, 10), dt.date(year, 11, 30))
                if not self.start <= day <= self.end:
                    continue
                funder, kind = rng.choice(VOCAB.funders)
                status = rng.choices(list(VOCAB.statuses), list(VOCAB.statuses.values()))[0]
                if day.year == self.end.year and day.month >= 10:
                    status = rng.choice(VOCAB.not_yet_judged)
                requested = rng.randrange(5_000, 80_000, 500)
                joint = section.association == VISITORS and rng.random() < 0.5
                carrier = VOCAB.joint_carrier if joint else section.association
                section.tables["calls"].append({
                    "filed": day, "funder": funder, "funder_type": kind, "title": rng.choice(VOCAB.call_titles),
                    "carrier": carrier, "requested": requested, "status": status,
                    "granted": round(requested * rng.uniform(0.5, 1.0), -2) if status == _V["accepted"] else None,
                })
