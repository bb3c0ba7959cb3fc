"""The bilan: N beside N−1, « non disponible » for snapshots, recommendations with evidence."""

import datetime as dt

from factories import SectionFile, consolidation

from convention_xlsx.indicators import compute
from convention_xlsx.indicators.bilan import NOT_AVAILABLE

ARRETE = dt.date(2023, 6, 30)


def sections():
    anvp = SectionFile("ANVP", "Nanterre")
    for code in ("CP-NANTERRE", "CP-FRESNES"):
        anvp.add("establishments", establishment=code, anvp_present=True, anvp_visitors=2)
    anvp.add("actions", date=dt.date(2022, 3, 1), establishment="CP-NANTERRE", action_type="Autre",
             associations="ANVP et Auxilia")
    anvp.add("actions", date=dt.date(2023, 3, 1), establishment="CP-NANTERRE", action_type="Autre",
             associations="ANVP")
    anvp.add("volunteers", last_name="X", establishment="CP-NANTERRE", role="Visiteur ANVP",
             mandate_start=dt.date(2023, 1, 1), mandate_end=dt.date(2023, 8, 1))
    anvp.add("meetings", date=dt.date(2023, 2, 1), establishment="CP-FRESNES", with_whom="SPIP",
             anvp_represented="Oui", auxilia_represented="Non", minutes_anvp=True, minutes_auxilia=False)
    return [anvp]


def test_dated_indicators_have_both_years_and_snapshots_are_not_available_for_n_minus_1():
    bilan = compute(consolidation(sections(), arrete=ARRETE)).bilan.table.set_index("indicator")
    assert (bilan.loc["Actions menées", "n"], bilan.loc["Actions menées", "n1"]) == (1, 1)
    assert (bilan.loc["dont actions communes", "n"], bilan.loc["dont actions communes", "n1"]) == (0, 1)
    assert bilan.loc["dont actions communes", "change"] == -1
    snapshot = bilan.loc["Établissements où seule l'ANVP est présente"]
    assert (snapshot["n"], snapshot["n1"]) == (2, NOT_AVAILABLE)
    assert set(bilan["clause"]) == {"§1", "§2", "§3", "§4"}


def test_n_minus_1_outside_the_convention_is_not_available():
    bilan = compute(consolidation(sections(), arrete=dt.date(2021, 6, 30))).bilan.table
    assert (bilan["n1"] == NOT_AVAILABLE).all()


def test_recommendations_cite_their_clause_and_evidence():
    recs = compute(consolidation(sections(), arrete=ARRETE)).bilan.recommendations
    by_start = {r.text.split(" :")[0]: r for r in recs}
    presence = by_start["2 établissements où seule l'ANVP est présente"]
    assert presence.clause == "§1" and presence.text.endswith("(§1)")
    assert "Nanterre" in presence.evidence and "Fresnes" in presence.evidence
    assert any(r.text.startswith("1 mandat expire avant le 29/08/2023") for r in recs)
    meeting = next(r for r in recs if "n'était pas représentée" in r.text)
    assert "Fresnes" in meeting.evidence
    assert {"§2", "§3", "§4", "§5"} <= {r.clause for r in recs}
    assert all(r.text.endswith(f"({r.clause})") and r.evidence for r in recs)


def test_declared_texts_agree_with_their_number():
    from convention_xlsx.french import agree

    assert agree("{n} [mandat expire|mandats expirent]", 1) == "{n} mandat expire"
    assert agree("{n} [mandat expire|mandats expirent]", 0) == "{n} mandat expire"
    assert agree("{n} [mandat a|mandats ont] expiré : [le|les] renouveler", 3) == "{n} mandats ont expiré : les renouveler"
    recs = compute(consolidation(sections(), arrete=ARRETE)).bilan.recommendations
    assert not any("(s)" in r.text or "[" in r.text for r in recs), [r.text for r in recs]


def test_fewer_trainings_than_the_year_before_and_refused_calls_are_recommendations():
    national = SectionFile("ANVP", "National")
    for day in (dt.date(2022, 3, 1), dt.date(2022, 4, 1), dt.date(2023, 3, 1), dt.date(2022, 9, 1)):
        national.add("trainings", date=day, theme="Écoute", place="Paris", anvp_participants=5)
    national.add("calls", filed=dt.date(2023, 2, 1), funder="F", carrier="Commun", requested=1000.0,
                 status="Refusé")
    recs = {r.key: r for r in compute(consolidation([national], arrete=ARRETE)).bilan.recommendations}
    # Over the same months (January to June): 2 in 2022, 1 in 2023; September 2022 is not compared.
    fall = recs["baisse-trainings"]
    assert fall.clause == "§2" and fall.text.startswith("« Formations communes » : 2 en 2022, 1 en 2023 (−1)")
    assert "du 1er janvier au 30/06" in fall.evidence
    lost = recs["objectif-calls_lost"]
    assert lost.text.startswith("1 appel à projet refusé en 2023 :") and lost.clause == "§4"
