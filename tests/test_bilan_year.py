"""The bilan of a year N beside N−1: snapshot figures from the history, « non disponible » without it."""

import datetime as dt
import re

import pandas as pd
from factories import SectionFile, consolidation, sample

from convention_xlsx.indicators import compute
from convention_xlsx.indicators.bilan import NOT_AVAILABLE
from convention_xlsx.indicators.snapshot import NATIONAL

BOTH = "Établissements où les deux associations sont présentes"
CPS = "CP Auxilia en poste (déclarés)"


def history(month: str, **values: float) -> pd.DataFrame:
    return pd.DataFrame([(month, key, NATIONAL, float(v)) for key, v in values.items()],
                        columns=["month", "indicator", "scope", "value"])


def cons():
    f = SectionFile("Auxilia", "Nanterre")
    f.add("establishments", establishment="CP-NANTERRE", anvp_present=True, anvp_visitors=3, auxilia_present=True,
          auxilia_cps=2)
    f.add("actions", date=dt.date(2022, 5, 1), establishment="CP-NANTERRE", action_type="Autre",
          associations="ANVP et Auxilia")
    return consolidation([f], arrete=dt.date(2023, 6, 30))


def test_n_beside_n_minus_1_from_the_latest_recorded_month_of_n_minus_1():
    past = pd.concat([history("2022-09", establishments_both=5, auxilia_cps=1),
                      history("2022-12", establishments_both=7, auxilia_cps=4)])
    f = compute(cons(), history=past)
    bilan = f.bilan.table.set_index("indicator")
    assert (bilan.loc[BOTH, "n"], bilan.loc[BOTH, "n1"], bilan.loc[BOTH, "change"]) == (1, 7, -6)
    assert (bilan.loc[CPS, "n"], bilan.loc[CPS, "n1"], bilan.loc[CPS, "change"]) == (2, 4, -2)
    assert f.bilan.months == ("2023-06", "2022-12")
    assert bilan.loc["Bénévoles adhérents des deux associations", "n1"] == NOT_AVAILABLE  # not recorded then


def test_n_minus_1_is_not_available_when_no_month_of_it_was_recorded():
    f = compute(cons(), history=history("2021-12", establishments_both=3))
    bilan = f.bilan.table.set_index("indicator")
    assert bilan.loc[BOTH, "n1"] == NOT_AVAILABLE and pd.isna(bilan.loc[BOTH, "change"])
    assert f.bilan.months == ("2023-06", None)


def test_a_past_bilan_year_takes_both_years_from_the_history_and_its_dated_records():
    past = pd.concat([history("2021-12", establishments_both=2), history("2022-12", establishments_both=7)])
    f = compute(cons(), history=past, bilan_year=2022)
    bilan = f.bilan.table.set_index("indicator")
    assert (bilan.loc[BOTH, "n"], bilan.loc[BOTH, "n1"]) == (7, 2)
    assert (bilan.loc["dont actions communes", "n"], bilan.loc["dont actions communes", "n1"]) == (1, 0)
    assert f.bilan_year == 2022 and f.bilan.months == ("2022-12", "2021-12")


def test_at_least_three_recommendations_on_a_realistic_sample_each_citing_a_clause_and_evidence():
    recs = compute(sample(sections=24)).bilan.recommendations
    assert len(recs) >= 3
    assert {"§1", "§2", "§3"} <= {r.clause for r in recs}
    for rec in recs:
        assert rec.text.endswith(f"({rec.clause})") and rec.evidence and rec.key
    assert len({r.key for r in recs}) == len(recs)
    presence = next(r for r in recs if r.key == "presence-anvp")
    assert presence.evidence.startswith("Entre parenthèses, « ")
    shown = presence.evidence.split(" : ", 1)[1].split(", ")
    assert len(shown) <= 13 and "autres (la liste complète est dans la feuille « Établissements »)" in shown[-1]
    meetings = next(r for r in recs if r.key == "objectif-meetings_both_share")
    assert re.search(r"\(\d+\)", meetings.evidence)  # each establishment with its count of meetings


def test_quarters_without_news_are_those_of_the_bilan_year():
    f = SectionFile("ANVP", "National")
    f.add("communication", date=dt.date(2022, 2, 1), issuer="ANVP", medium="Site Internet",
          nature="Nouvelles du partenaire", title="x")
    recs = compute(consolidation([f], arrete=dt.date(2022, 12, 31))).bilan.recommendations
    anvp = next(r for r in recs if r.key == "news-anvp")
    assert anvp.text.startswith("T2 2022, T3 2022, T4 2022 :") and "en 2022" in anvp.evidence
