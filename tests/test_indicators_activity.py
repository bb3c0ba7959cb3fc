"""Dated records: joint duplicates skipped, records after the arrêté ignored, meeting
shares, actions per month, the §3 quarter grid, calls for projects."""

import datetime as dt

from factories import SectionFile, config, consolidation

from convention_xlsx.indicators import compute
from convention_xlsx.indicators.activity import representation
from convention_xlsx.indicators.vocabulary import vocabulary

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
    assert (figures.actions.actions, figures.actions.joint) == (2, 1)
    assert figures.establishments.loc["CP-NANTERRE", "joint_actions_12m"] == 1
    grid = figures.actions_by_month
    assert len(grid) == 30  # every month from 01/2021 to 06/2023
    assert grid.loc["2023-03-01", "Autre"] == 1
    assert grid.loc["2023-04-01", "Journées Nationales Prison"] == 1
    assert grid["Total"].sum() == 2 and grid["dont communes"].sum() == 1


def meeting(f, anvp, auxilia, prep=False, m_anvp=False, m_aux=False, day=FEBRUARY):
    return f.add("meetings", date=day, establishment="CP-NANTERRE", with_whom="SPIP", anvp_represented=anvp,
                 auxilia_represented=auxilia, joint_preparation=prep, minutes_anvp=m_anvp, minutes_auxilia=m_aux)


def test_meeting_shares_count_by_the_other_as_represented():
    f = SectionFile("ANVP", "Nanterre")
    meeting(f, "Oui", "Oui", prep=True, m_anvp=True, m_aux=True)
    meeting(f, "Oui", "Par l'ANVP", m_anvp=True)
    meeting(f, "Oui", "Non", prep=True, day=D(2023, 5, 1))
    meeting(f, "Par Auxilia", "Non")
    m = compute(consolidation([f], arrete=ARRETE)).meetings
    assert (m.meetings, m.both, m.by_other, m.joint_preparation, m.minutes_both) == (4, 2, 2, 2, 1)
    assert (m.both_share, m.preparation_share, m.minutes_share) == (0.5, 0.5, 0.25)
    assert m.representation == {"Les deux": 2, "ANVP seule": 2, "Auxilia seule": 0, "Aucune": 0}
    row = compute(consolidation([f], arrete=ARRETE)).establishments.loc["CP-NANTERRE"]
    assert (row["last_meeting"].date(), row["last_meeting_represented"]) == (D(2023, 5, 1), "ANVP seule")


def test_representation_labels():
    v = vocabulary(config().spec)
    assert representation("Non", "Par l'ANVP", v) == "Auxilia seule"
    assert representation("Non", "Non", v) == "Aucune"


def test_news_grid_marks_each_quarter_per_association_and_the_ongoing_one():
    f = SectionFile("ANVP", "National")
    f.add("communication", date=D(2021, 2, 1), issuer="ANVP", medium="Site Internet", nature="Nouvelles du partenaire")
    f.add("communication", date=D(2021, 5, 1), issuer="ANVP", medium="Radio", nature="Prise de parole commune")
    f.add("communication", date=D(2021, 5, 2), issuer="Auxilia", medium="Radio", nature="Nouvelles du partenaire")
    figures = compute(consolidation([f], arrete=D(2021, 8, 15), today=D(2021, 8, 15)))
    grid = figures.news.set_index("quarter")
    assert list(grid.index) == ["T1 2021", "T2 2021", "T3 2021"]
    assert grid.loc["T1 2021", "ANVP"] == 1 and grid.loc["T2 2021", "ANVP"] == 0  # not partner news
    assert grid.loc["T2 2021", "Auxilia"] == 1
    assert list(grid["ongoing"]) == [False, False, True]
    assert figures.news_quarters == {"ANVP": 1, "Auxilia": 1}


def test_calls_filed_won_amounts_and_joint():
    f = SectionFile("Auxilia", "National")
    for status, carrier, granted in (("Accepté", "Commun", 8000.0), ("Refusé", "Auxilia", None),
                                     ("En préparation", "Commun", None), ("Déposé", "Commun", None)):
        f.add("calls", filed=D(2022, 3, 1), funder="F", carrier=carrier, requested=10000.0, status=status,
              granted=granted)
    c = compute(consolidation([f], arrete=ARRETE)).calls
    assert (c.filed, c.won, c.requested, c.granted, c.joint_filed, c.joint_won, c.in_preparation) == (
        3, 1, 30000.0, 8000.0, 2, 1, 1)



def test_figures_never_reach_past_the_convention_end():
    import datetime as dt

    from factories import consolidation

    from convention_xlsx.indicators import compute

    cons = consolidation([], arrete=dt.date(2030, 1, 1))
    figures = compute(cons)
    assert len(figures.news) == 12  # T1 2021 … T4 2023, not 37 quarters up to 2030
    assert figures.actions_year.actions == 0
