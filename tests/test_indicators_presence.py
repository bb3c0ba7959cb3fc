"""Presence per establishment: authoritative side, fallback, latest section, all 186."""

import datetime as dt

import pytest
from factories import SectionFile, config, consolidation

from convention_xlsx.indicators import compute
from convention_xlsx.indicators.sites import is_present, status

NANTERRE, FRESNES = "CP-NANTERRE", "CP-FRESNES"


def est(f: SectionFile, code: str, **values) -> SectionFile:
    return f.add("establishments", establishment=code, **values)


def test_every_establishment_of_the_referentiel_has_one_row_even_unreported():
    figures = compute(consolidation([]))
    assert len(figures.sites) == len(config().referentiel) == 186
    assert list(figures.sites["establishment"]) == list(config().referentiel.codes)
    assert list(figures.sites["group"]) == [e.group for e in config().referentiel.establishments]
    assert set(figures.sites["status"]) == {"Aucune"}
    assert figures.status_counts.to_dict() == {"Les deux": 0, "ANVP seule": 0, "Auxilia seule": 0, "Aucune": 186}


def test_each_association_is_authoritative_for_its_own_columns():
    anvp = est(SectionFile("ANVP", "Nanterre"), NANTERRE, anvp_present=True, anvp_visitors=5,
               auxilia_present=False, auxilia_cps=0)
    auxilia = est(SectionFile("Auxilia", "Nanterre"), NANTERRE, anvp_present=False, anvp_visitors=0,
                  auxilia_present=True, auxilia_cps=2)
    row = compute(consolidation([anvp, auxilia])).sites.loc[NANTERRE]
    assert (row["anvp_visitors"], row["auxilia_cps"], row["status"]) == (5, 2, "Les deux")
    assert row["other_view"] == ""
    assert row["reporters"] == "ANVP Nanterre, Auxilia Nanterre"


def test_the_other_view_is_used_only_where_the_authoritative_side_said_nothing():
    auxilia = est(SectionFile("Auxilia", "Nanterre"), NANTERRE, anvp_present=True, anvp_visitors=3,
                  auxilia_present=True, auxilia_cps=1)
    row = compute(consolidation([auxilia])).sites.loc[NANTERRE]
    assert (row["status"], row["anvp_visitors"], row["other_view"]) == ("Les deux", 3, "présence ANVP")


def test_the_most_recently_updated_section_wins_for_one_association():
    old = est(SectionFile("ANVP", "Fresnes", updated=dt.date(2023, 1, 5)), FRESNES, anvp_present=True,
              anvp_visitors=9)
    new = est(SectionFile("ANVP", "Val-de-Marne", updated=dt.date(2023, 6, 1)), FRESNES, anvp_present=False,
              anvp_visitors=0)
    row = compute(consolidation([new, old])).sites.loc[FRESNES]
    assert (row["status"], row["anvp_visitors"]) == ("Aucune", 0)
    assert row["last_report"] == dt.date(2023, 6, 1)


@pytest.mark.parametrize(("flag", "count", "present"), [
    (True, None, True), (False, 4, False), (None, 2, True), (None, 0, False), (None, None, False)])
def test_presence_is_the_flag_or_a_positive_count_when_the_flag_is_empty(flag, count, present):
    assert is_present(flag, count) is present


@pytest.mark.parametrize(("anvp", "auxilia", "expected"), [
    (True, True, "Les deux"), (True, False, "ANVP seule"), (False, True, "Auxilia seule"),
    (False, False, "Aucune")])
def test_status(anvp, auxilia, expected):
    assert status([anvp, auxilia], config().spec) == expected


def test_by_disp_counts_every_establishment_once():
    anvp = est(SectionFile("ANVP", "Nanterre"), NANTERRE, anvp_present=True)
    figures = compute(consolidation([anvp]))
    assert figures.by_group["Total"].sum() == 186
    assert figures.by_group.loc["Paris", "ANVP seule"] == 1
    assert figures.by_group["ANVP seule"].sum() == 1


def test_update_dates_are_found_by_section_when_the_file_name_differs():
    old = est(SectionFile("ANVP", "Fresnes", updated=dt.date(2023, 1, 5)), FRESNES, anvp_present=True)
    new = est(SectionFile("ANVP", "Val-de-Marne", updated=dt.date(2023, 6, 1)), FRESNES, anvp_present=False)
    cons = consolidation([new, old])
    cons.tables["establishments"]["source_file"] = ["autre/chemin/b.xlsx", "autre/chemin/a.xlsx"]
    row = compute(cons).sites.loc[FRESNES]
    assert (row["status"], row["last_report"]) == ("Aucune", dt.date(2023, 6, 1))


@pytest.mark.parametrize(("auxilia_at_meeting", "flagged"), [("Oui", True), ("Par l'ANVP", False), ("Non", False)])
def test_a_status_contradicted_by_a_meeting_of_the_year_is_flagged(auxilia_at_meeting, flagged):
    anvp = est(SectionFile("ANVP", "Nanterre"), NANTERRE, anvp_present=True, anvp_visitors=3)
    anvp.add("meetings", date=dt.date(2023, 2, 1), establishment=NANTERRE, with_whom="SPIP",
             anvp_represented="Oui", auxilia_represented=auxilia_at_meeting)
    auxilia = est(SectionFile("Auxilia", "Nanterre"), NANTERRE, auxilia_present=False, auxilia_cps=0)
    row = compute(consolidation([anvp, auxilia])).sites.loc[NANTERRE]
    assert row["status"] == "ANVP seule"
    expected = "Auxilia absente, mais représentée à la réunion du 01/02/2023" if flagged else ""
    assert row["presence_check"] == expected
