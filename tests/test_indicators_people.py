"""Volunteers: CPs, visitor-CPs, cross-members and validity states (mandates) at the arrêté."""

import datetime as dt

import pytest
from factories import SectionFile, consolidation

from convention_xlsx.indicators import compute
from convention_xlsx.indicators.periods import state

ARRETE = dt.date(2023, 6, 30)


@pytest.mark.parametrize(("start", "end", "expected"), [
    (dt.date(2023, 1, 1), dt.date(2023, 6, 29), "expiré"),
    (dt.date(2023, 1, 1), ARRETE, "à renouveler"),
    (dt.date(2023, 1, 1), ARRETE + dt.timedelta(days=60), "à renouveler"),
    (dt.date(2023, 1, 1), ARRETE + dt.timedelta(days=61), "en cours"),
    (ARRETE, dt.date(2024, 6, 30), "en cours"),
    (ARRETE + dt.timedelta(days=1), dt.date(2024, 6, 30), "à venir"),
])
def test_mandate_state_boundaries(start, end, expected):
    assert state(start, end, ARRETE, 60) == expected


def volunteer(f: SectionFile, name: str, role: str, **values) -> SectionFile:
    return f.add("volunteers", last_name=name, first_name="A", establishment="CP-NANTERRE", role=role, **values)


def totals(figures, *keys):
    return tuple(figures.value(k).total for k in keys)


def test_people_figures_and_per_establishment_counts():
    f = SectionFile("ANVP", "Nanterre")
    volunteer(f, "Un", "Visiteur et correspondant", anvp_member=True, auxilia_member=True)
    volunteer(f, "Deux", "Correspondant de prison Auxilia", anvp_member=False, auxilia_member=True)
    volunteer(f, "Trois", "Visiteur ANVP", anvp_member=True, auxilia_member=False,
              mandate_start=dt.date(2023, 1, 1), mandate_end=dt.date(2023, 7, 15))
    volunteer(f, "Quatre", "Visiteur ANVP", mandate_start=dt.date(2022, 1, 1), mandate_end=dt.date(2022, 12, 31))
    figures = compute(consolidation([f], arrete=ARRETE))
    assert totals(figures, "cps", "visitor_cps", "visitor_cp_share", "cross_members") == (2, 1, 0.5, 1)
    assert totals(figures, "mandates_current", "mandates_expiring", "mandates_expired") == (1, 1, 1)
    row = figures.sites.loc["CP-NANTERRE"]
    assert (row["visitor_cps"], row["cross_members"], row["mandates_current"], row["mandates_expiring"]) == (1, 1, 1, 1)
    assert list(figures.validity["mandates"]["last_name"]) == ["Trois", "Quatre"]  # most urgent first


def test_a_volunteer_listed_by_both_associations_counts_once():
    a = volunteer(SectionFile("ANVP", "Nanterre"), "Martin", "Visiteur et correspondant")
    b = volunteer(SectionFile("Auxilia", "Nanterre"), "MARTIN", "Visiteur et correspondant")
    assert compute(consolidation([a, b])).value("cps").total == 1


@pytest.mark.parametrize("order", [("ANVP", "Auxilia"), ("Auxilia", "ANVP")])
def test_a_person_on_both_lists_is_merged_whatever_the_file_order(order):
    rows = {
        "ANVP": {"last_name": "Lemoine", "first_name": "Éric", "establishment": "CP-NANTERRE",
                 "role": "Visiteur ANVP", "anvp_member": True},
        "Auxilia": {"last_name": "LEMOINE", "first_name": "Eric", "establishment": "CP-NANTERRE",
                    "role": "Correspondant de prison Auxilia", "auxilia_member": True},
    }
    files = [SectionFile(a, "Nanterre", path=f"{a}.xlsx").add("volunteers", **rows[a]) for a in order]
    assert totals(compute(consolidation(files)), "cps", "visitor_cps", "cross_members") == (1, 1, 1)
