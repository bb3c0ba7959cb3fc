"""Dated records through the declared indicators: joint duplicates skipped, records after the arrêté
ignored, filters with « sauf » and « ou », shares, actions per month, the §3 quarter grid, calls."""

import datetime as dt

from factories import SectionFile, consolidation

from convention_xlsx.indicators import compute

ARRETE = dt.date(2023, 6, 30)
D = dt.date
FEBRUARY = dt.date(2023, 2, 1)


def action(f, day, joint_duplicate=False, associations="ANVP et Auxilia", kind="Autre"):
    return f.add("actions", joint_duplicate=joint_duplicate, date=day, establishment="CP-NANTERRE",
                 action_type=kind, associations=associations)


def test_joint_duplicates_and_records_after_the_arrete_are_not_counted():
    a = SectionFile("ANVP", "Nanterre")
    b = SectionFile("Auxilia", "Nanterre")
    action(a, D(2023, 3, 2))
    action(b, D(2023, 3, 2), joint_duplicate=True)
    action(a, D(2023, 4, 2), associations="ANVP", kind="Journées Nationales Prison")
    action(a, D(2023, 7, 2))  # after the arrêté
    figures = compute(consolidation([a, b], arrete=ARRETE, today=D(2023, 7, 3)))
    assert (figures.value("actions").total, figures.value("joint_actions").total) == (2, 1)
    assert (figures.value("actions").year, figures.value("joint_actions").tile) == (2, 1)
    assert figures.sites.loc["CP-NANTERRE", "joint_actions_12m"] == 1
    grid = figures.by_month[("actions", "action_type")]
    assert len(grid) == 30  # every month from 01/2021 to 06/2023
    assert grid.loc["2023-03-01", "Autre"] == 1
    assert grid.loc["2023-04-01", "Journées Nationales Prison"] == 1
    assert grid.to_numpy().sum() == 2


def meeting(f, anvp, auxilia, prep=False, m_anvp=False, m_aux=False, day=FEBRUARY):
    return f.add("meetings", date=day, establishment="CP-NANTERRE", with_whom="SPIP", anvp_represented=anvp,
                 auxilia_represented=auxilia, joint_preparation=prep, minutes_anvp=m_anvp, minutes_auxilia=m_aux)


def test_meeting_shares_count_by_the_other_as_represented():
    f = SectionFile("ANVP", "Nanterre")
    meeting(f, "Oui", "Oui", prep=True, m_anvp=True, m_aux=True)
    meeting(f, "Oui", "Par l'ANVP", m_anvp=True)
    meeting(f, "Oui", "Non", prep=True, day=D(2023, 5, 1))
    meeting(f, "Par Auxilia", "Non")
    meeting(f, None, "Non")  # nobody said whether the ANVP was there: not represented
    figures = compute(consolidation([f], arrete=ARRETE))
    total = {k: figures.value(k).total for k in ("meetings", "meetings_both", "meetings_by_other",
                                                 "meetings_prepared", "meetings_minutes")}
    assert total == {"meetings": 5, "meetings_both": 2, "meetings_by_other": 2, "meetings_prepared": 2,
                     "meetings_minutes": 1}
    shares = [figures.value(k).total for k in ("meetings_both_share", "meetings_prepared_share",
                                               "meetings_minutes_share")]
    assert shares == [0.4, 0.4, 0.2]
    split = [figures.value(k).total for k in ("meetings_both", "meetings_anvp_only", "meetings_auxilia_only",
                                              "meetings_none")]
    assert split == [2, 2, 0, 1]  # every meeting in exactly one part
    row = figures.sites.loc["CP-NANTERRE"]
    assert (row["last_meeting"].date(), row["last_meeting_represented"]) == (D(2023, 5, 1), "ANVP seule")


def test_a_share_below_its_target_gives_a_recommendation_naming_what_is_missing():
    f = SectionFile("ANVP", "Nanterre")
    meeting(f, "Oui", "Oui")
    meeting(f, "Oui", "Non")
    meeting(f, "Oui", "Non")
    figures = compute(consolidation([f], arrete=ARRETE))
    texts = [r.text for r in figures.bilan.recommendations]
    assert any(t.startswith("2 réunions en 2023 où une association n'était pas représentée") for t in texts), texts


def test_news_grid_marks_each_quarter_per_association_and_the_ongoing_one():
    f = SectionFile("ANVP", "National")
    f.add("communication", date=D(2021, 2, 1), issuer="ANVP", medium="Site Internet", nature="Nouvelles du partenaire")
    f.add("communication", date=D(2021, 5, 1), issuer="ANVP", medium="Radio", nature="Prise de parole commune")
    f.add("communication", date=D(2021, 5, 2), issuer="Auxilia", medium="Radio", nature="Nouvelles du partenaire")
    figures = compute(consolidation([f], arrete=D(2021, 8, 15), today=D(2021, 8, 15)))
    grid = figures.obligations["news"].set_index("period")
    assert list(grid.index) == ["T1 2021", "T2 2021", "T3 2021"]
    assert grid.loc["T1 2021", "ANVP"] == 1 and grid.loc["T2 2021", "ANVP"] == 0  # not partner news
    assert grid.loc["T2 2021", "Auxilia"] == 1
    assert list(grid["ongoing"]) == [False, False, True]
    assert (figures.value("news_anvp").total, figures.value("news_auxilia").total) == (1, 1)


def test_calls_filed_won_amounts_and_joint():
    f = SectionFile("Auxilia", "National")
    for status, carrier, granted in (("Accepté", "Commun", 8000.0), ("Refusé", "Auxilia", None),
                                     ("En préparation", "Commun", None), ("Déposé", "Commun", None)):
        f.add("calls", filed=D(2022, 3, 1), funder="F", carrier=carrier, requested=10000.0, status=status,
              granted=granted)
    figures = compute(consolidation([f], arrete=ARRETE))
    got = {k: figures.value(k).total for k in ("calls_filed", "calls_won", "requested", "granted", "calls_joint")}
    assert got == {"calls_filed": 3, "calls_won": 1, "requested": 30000.0, "granted": 8000.0, "calls_joint": 2}
    assert figures.value("calls_filed").previous == 3 and figures.value("calls_filed").year == 0


def test_figures_never_reach_past_the_convention_end():
    cons = consolidation([], arrete=dt.date(2030, 1, 1))
    figures = compute(cons)
    assert len(figures.obligations["news"]) == 12  # T1 2021 … T4 2023, not 37 quarters up to 2030
    assert figures.value("actions").total == 0
    assert figures.by_month[("actions", "action_type")].index.max() == dt.datetime(2023, 12, 1)
    assert figures.timeline.evolution.index.max() == dt.datetime(2023, 12, 1)
