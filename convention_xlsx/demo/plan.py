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
from ..text import ascii_name

NATIONAL = "National"
SPEC = default_spec()
"""The ANVP–Auxilia workbook this demo world fills (the demo is that convention's)."""
_V = {
    "joint": SPEC.sheet("actions").joint_value,
    "themes": SPEC.sheet("trainings").column("theme").choices,
    "news": SPEC.sheet("communication").column("nature").term("nouvelles_du_partenaire"),
    "statuses": SPEC.sheet("calls").column("status").choices,
    "accepted": SPEC.sheet("calls").column("status").term("accepte"),
}

FIRST_NAMES = (
    "Anne", "Bernard", "Camille", "Claire", "Colette", "Daniel", "Dominique", "Élise", "Étienne",
    "Françoise", "François", "Gérard", "Hélène", "Henri", "Isabelle", "Jacques", "Jeanne", "Jean-Marc",
    "Josiane", "Laurent", "Lucie", "Marc", "Marie", "Martine", "Michel", "Monique", "Nathalie",
    "Nicole", "Olivier", "Pascale", "Patrick", "Philippe", "Pierre", "Sophie", "Sylvie", "Thierry",
    "Valérie", "Yves",
)  # fmt: skip
LAST_NAMES = (
    "Aubert", "Barbier", "Benoît", "Bertin", "Blanchard", "Bonnet", "Brunet", "Carpentier", "Chevalier",
    "Colin", "Da Silva", "Denis", "Dubois", "Dumont", "Dupuis", "Fabre", "Faure", "Fleury", "Garnier",
    "Gauthier", "Gilbert", "Girard", "Guérin", "Hamon", "Julien", "Lacroix", "Lambert", "Leclerc",
    "Lefèvre", "Lemaire", "Leroy", "Marchand", "Martin", "Mercier", "Meunier", "Morel", "Moulin",
    "Noël", "Perrin", "Picard", "Renard", "Riviere", "Roche", "Rousseau", "Roux", "Schmitt", "Vidal",
)  # fmt: skip

ACTION_WEIGHTS = {
    "Rencontre quartier arrivants": 34, "Collectif associatif local": 16, "Manifestation en établissement": 14,
    "Journées Nationales Prison": 8, "Intervention scolaire ou universitaire": 9,
    "Prise de parole presse/radio/TV": 4, "Recrutement de bénévoles": 9, "Autre": 6,
}  # fmt: skip
OUTSIDE = ("Intervention scolaire ou universitaire", "Prise de parole presse/radio/TV", "Recrutement de bénévoles")
"""Action types that take place outside an establishment (no code)."""

ACTION_TEXTS = {
    "Rencontre quartier arrivants": "Présentation des deux associations aux arrivants",
    "Collectif associatif local": "Réunion du collectif des associations intervenant en détention",
    "Manifestation en établissement": "Forum des associations en détention",
    "Journées Nationales Prison": "Stand commun et conférence-débat des JNP",
    "Intervention scolaire ou universitaire": "Intervention dans un lycée sur la vie en prison",
    "Prise de parole presse/radio/TV": "Entretien sur une radio locale",
    "Recrutement de bénévoles": "Réunion d'information pour de futurs bénévoles",
    "Autre": "Rencontre avec l'aumônerie et le service scolaire",
}
MEETING_TEXTS = (
    "Point annuel sur les interventions associatives", "Organisation des visites au parloir",
    "Accès des bénévoles à la détention", "Calendrier des actions communes", "Bilan de l'année",
    "Préparation des Journées Nationales Prison", "Orientation des arrivants vers les associations",
)
FUNDERS = (
    ("Fondation de France", "Privé"), ("Ministère de la Justice", "Public"), ("Fondation M6", "Privé"),
    ("Région Île-de-France", "Public"), ("Fondation Crédit Mutuel", "Privé"), ("FDVA", "Public"),
    ("Fondation Orange", "Privé"), ("DISP de Lyon", "Public"),
)
CALL_TITLES = (
    "Formation commune des bénévoles", "Lutte contre l'illettrisme en détention", "Préparer la sortie",
    "Maintien des liens familiaux", "Sensibilisation du grand public", "Recrutement de bénévoles",
)
TRAINING_PLACES = ("Paris", "Lyon", "Marseille", "Rennes", "Lille", "Bordeaux", "Toulouse", "Strasbourg",
                   "Dijon", "En ligne")

_SIZE = {"CP": (6, 16), "MA": (4, 11), "CD": (3, 8), "MC": (3, 7), "EPM": (2, 4), "CSL": (1, 3), "QPA": (1, 3)}


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


def slug(text: str) -> str:
    """A portable, readable, lower-case fragment of a file name or e-mail address."""
    return ascii_name(text, keep_case=False).replace(".", "-").replace("_", "-")


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def person(rng: random.Random) -> tuple[str, str]:
    """A fictitious volunteer: (last name, first name)."""
    return rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)


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
            by_commune[("ANVP", e.commune)].append(e.code)
        if e.code in world.auxilia_cp:
            by_commune[("Auxilia", e.commune)].append(e.code)
    sections = [
        Section(association, commune, tuple(codes), f"{association.lower()}.{slug(commune)}@example.org")
        for (association, commune), codes in by_commune.items()
    ]
    delegations: dict[str, list[str]] = defaultdict(list)
    for e in referentiel.establishments:
        if e.code in world.learners and e.code not in world.auxilia_cp:
            delegations[e.disp].append(e.code)
    sections += [
        Section("Auxilia", f"Délégation {disp}", tuple(codes), f"auxilia.delegation-{slug(disp)}@example.org")
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
            if section.association == "ANVP":
                self._anvp_establishment(section, self.ref[code], partner.get(code))
            else:
                self._auxilia_establishment(section, self.ref[code])
            self._referrals(section, code)
        if section.association == "Auxilia":
            for _ in range(self.rng.randint(3, 8)):  # correspondence tutors of the section
                last, first = person(self.rng)
                section.tables["volunteers"].append(self.volunteer(last, first, None, "Formateur Auxilia",
                                                                    anvp=self.rng.random() < 0.08, auxilia=True))
        self._own_actions(section)
        people = section.tables["volunteers"]
        section.editor = " ".join(reversed(person(self.rng))) if not people else (
            f"{people[0]['first_name']} {people[0]['last_name']}")

    def _anvp_establishment(self, section: Section, e: Establishment, partner: Section | None) -> None:
        rng, volunteers = self.rng, section.tables["volunteers"]
        low, high = _SIZE.get(e.type, (2, 6))
        count = rng.randint(low, high)
        cps = self.world.auxilia_cp.get(e.code, 0)
        if not volunteers:
            volunteers.append(self.volunteer(*person(rng), e.code, "Président de section ANVP", True,
                                              rng.random() < 0.15))
        volunteers.append(self.volunteer(*person(rng), e.code, "Correspondant d'établissement ANVP", True,
                                          rng.random() < 0.15))
        visitors = 0
        for _ in range(count):
            role, auxilia, mandate = "Visiteur ANVP", rng.random() < 0.12, None
            if (cps == 0 and rng.random() < 0.12) or (cps and rng.random() < 0.03):
                role = "Visiteur et correspondant"
                auxilia = rng.random() < 0.4
                mandate = None if auxilia else self.mandate()
            volunteers.append(self.volunteer(*person(rng), e.code, role, True, auxilia, mandate))
            visitors += 1
        auxilia_view = cps > 0
        roll = rng.random()
        section.tables["establishments"].append({
            "establishment": e.code, "anvp_present": "Oui", "anvp_visitors": visitors,
            "auxilia_present": None if roll < 0.08 else ("Non" if auxilia_view else "Oui") if roll > 0.98
            else ("Oui" if auxilia_view else "Non"),
            "comment": rng.choice((None, None, None, "Équipe stable", "Recherche de nouveaux visiteurs")),
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
                *person(rng), e.code, "Correspondant de prison Auxilia", rng.random() < 0.2, auxilia, mandate))
        anvp = e.code in self.world.anvp
        section.tables["establishments"].append({
            "establishment": e.code, "anvp_present": None if rng.random() < 0.1 else ("Oui" if anvp else "Non"),
            "auxilia_present": "Oui" if cps else "Non", "auxilia_cps": cps,
            "auxilia_learners": self.world.learners.get(e.code),
        })
        if cps and not anvp:
            for year in range(self.start.year, self.end.year + 1):
                for _ in range(rng.randint(0, 2)):
                    self._meeting(section, e.code, True, None, year)

    def volunteer(self, last: str, first: str, code: str | None, role: str, anvp: bool, auxilia: bool,
                   mandate: tuple[dt.date, dt.date] | None = None) -> dict:
        yes = self.rng.choice(("Oui", "Oui", "Oui", "Oui", "oui", "OUI", "x"))
        return {
            "last_name": last, "first_name": first, "establishment": code, "role": role,
            "anvp_member": yes if anvp else "Non", "auxilia_member": yes if auxilia else "Non",
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
            auxilia = rng.choices(("Oui", "Par l'ANVP", "Non"), (60, 15, 25))[0]
        else:
            auxilia = rng.choices(("Non", "Par l'ANVP"), (70, 30))[0]
        both = auxilia == "Oui"
        row = {
            "date": day, "establishment": code,
            "with_whom": rng.choices(("Direction", "SPIP", "Direction et SPIP"), (50, 30, 20))[0],
            "anvp_represented": rng.choices(("Oui", "Par Auxilia"), (95, 5))[0] if both else "Oui",
            "auxilia_represented": auxilia,
            "joint_preparation": "Oui" if both and rng.random() < 0.55 else "Non",
            "minutes_anvp": "Oui" if rng.random() < 0.85 else "Non",
            "minutes_auxilia": "Oui" if (both or auxilia != "Non") and rng.random() < 0.6 else "Non",
            "subject": rng.choice(MEETING_TEXTS),
        }
        section.tables["meetings"].append(row)
        if partner is not None and both:
            copy = dict(row)
            if rng.random() < 0.08:  # the two reports disagree on a detail: commun-divergent
                copy["minutes_auxilia"] = "Non" if row["minutes_auxilia"] == "Oui" else "Oui"
            partner.tables["meetings"].append(copy)

    def _joint_action(self, section: Section, partner: Section, code: str, year: int) -> None:
        rng = self.rng
        kind = rng.choices(("Rencontre quartier arrivants", "Collectif associatif local",
                            "Manifestation en établissement", "Journées Nationales Prison"), (45, 25, 20, 10))[0]
        if kind == "Journées Nationales Prison":
            start = dt.date(year, 11, 20)
            day = random_date(rng, start, start + dt.timedelta(days=7))
        else:
            day = random_date(rng, dt.date(year, 1, 1), dt.date(year, 12, 31))
        if not self.start <= day <= self.end:
            return
        row = {"date": day, "establishment": code, "action_type": kind, "associations": _V["joint"],
               "anvp_volunteers": rng.randint(1, 5), "auxilia_volunteers": rng.randint(1, 3),
               "people_reached": rng.randint(5, 40), "description": ACTION_TEXTS[kind]}
        section.tables["actions"].append(row)
        copy = dict(row)
        if rng.random() < 0.08:
            copy["people_reached"] = row["people_reached"] + rng.randint(1, 6)
        partner.tables["actions"].append(copy)

    def _own_actions(self, section: Section) -> None:
        rng = self.rng
        types, weights = zip(*ACTION_WEIGHTS.items(), strict=True)
        per_year = 2 * len(section.establishments) + (2 if section.association == "ANVP" else 0)
        for year in range(self.start.year, self.end.year + 1):
            for _ in range(rng.randint(per_year // 2, per_year + 1)):
                kind = rng.choices(types, weights)[0]
                code = None if kind in OUTSIDE or not section.establishments else rng.choice(section.establishments)
                day = random_date(rng, dt.date(year, 1, 1), dt.date(year, 12, 31))
                if not self.start <= day <= self.end:
                    continue
                own = section.association
                section.tables["actions"].append({
                    "date": day, "establishment": code, "action_type": kind, "associations": own,
                    "anvp_volunteers": rng.randint(1, 4) if own == "ANVP" else None,
                    "auxilia_volunteers": rng.randint(1, 3) if own == "Auxilia" else None,
                    "people_reached": rng.randint(3, 60), "description": ACTION_TEXTS[kind],
                })

    def _referrals(self, section: Section, code: str) -> None:
        rng, anvp = self.rng, section.association == "ANVP"
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
                jnp = random_date(rng, dt.date(year, 11, 20), dt.date(year, 11, 27))
                for kind, day in (("Journées Nationales Prison", jnp),
                                  ("Recrutement de bénévoles", random_date(rng, dt.date(year, 2, 1),
                                                                           dt.date(year, 10, 31)))):
                    if self.start <= day <= self.end:
                        section.tables["actions"].append({
                            "date": day, "establishment": None, "action_type": kind,
                            "associations": _V["joint"] if kind == "Journées Nationales Prison" else
                            section.association, "people_reached": rng.randint(50, 400),
                            "description": ACTION_TEXTS[kind]})
        for year in range(self.start.year, self.end.year + 1):  # joint trainings, reported by both (§2)
            for _ in range(rng.randint(3, 5)):
                day = random_date(rng, dt.date(year, 1, 15), dt.date(year, 12, 10))
                if not self.start <= day <= self.end:
                    continue
                row = {"date": day, "theme": rng.choices(_V["themes"], (35, 35, 20, 10))[0],
                       "place": rng.choice(TRAINING_PLACES), "anvp_participants": rng.randint(4, 25),
                       "auxilia_participants": rng.randint(2, 15), "hours": rng.choice((2, 3, 3, 6, 2.5)),
                       "funding": rng.choice(("Fonds propres", "Subvention DAP", "Fondation de France", None))}
                anvp.tables["trainings"].append(row)
                if rng.random() < 0.85:
                    auxilia.tables["trainings"].append(dict(row))

    def _news(self, section: Section) -> None:
        """Partner news at least once per quarter (§3), with a quarter or two missing for realism."""
        rng = self.rng
        quarters = [(y, q) for y in range(self.start.year, self.end.year + 1) for q in range(4)]
        skipped = set(rng.sample(quarters, 1 if section.association == "ANVP" else 2))
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
                funder, kind = rng.choice(FUNDERS)
                status = rng.choices(_V["statuses"], (5, 20, 45, 30))[0]
                if day.year == self.end.year and day.month >= 10:
                    status = rng.choice(("En préparation", "Déposé"))
                requested = rng.randrange(5_000, 80_000, 500)
                carrier = "Commun" if section.association == "ANVP" and rng.random() < 0.5 else section.association
                section.tables["calls"].append({
                    "filed": day, "funder": funder, "funder_type": kind, "title": rng.choice(CALL_TITLES),
                    "carrier": carrier, "requested": requested, "status": status,
                    "granted": round(requested * rng.uniform(0.5, 1.0), -2) if status == _V["accepted"] else None,
                })
