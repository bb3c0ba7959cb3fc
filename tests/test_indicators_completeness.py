"""« Suivi des envois »: à jour, en retard, manquant, non attendu; rates over expected only."""

import datetime as dt
from urllib.parse import unquote

from factories import SectionFile, config, consolidation

from convention_xlsx.indicators import compute
from convention_xlsx.indicators.completeness import timeliness
from convention_xlsx.report import REJECTED

ARRETE = dt.date(2023, 6, 30)


def test_timeliness_boundary_is_the_first_day_of_the_arrete_month():
    assert timeliness(dt.date(2023, 6, 1), ARRETE) == "à jour"
    assert timeliness(dt.date(2023, 5, 31), ARRETE) == "en retard"
    assert timeliness(None, ARRETE) == "en retard"


def test_states_and_rates_over_expected_sections_only():
    files = [
        SectionFile("ANVP", "Nanterre", updated=dt.date(2023, 6, 3)),
        SectionFile("auxilia", "NANTERRE", updated=dt.date(2023, 4, 30)),  # matched despite case
        SectionFile("ANVP", "Inconnue", updated=dt.date(2023, 6, 3)),
        SectionFile("ANVP", "Fresnes", status=REJECTED, reason="fichier illisible"),
    ]
    figures = compute(consolidation(files, arrete=ARRETE))
    table = figures.sending.table.set_index(["association", "section"])
    assert table.loc[("ANVP", "Nanterre"), "state"] == "à jour"
    assert table.loc[("Auxilia", "Nanterre"), "state"] == "en retard"
    assert table.loc[("ANVP", "Fresnes"), "state"] == "manquant"
    assert "illisible" in table.loc[("ANVP", "Fresnes"), "note"]
    assert table.loc[("ANVP", "Inconnue"), "state"] == "non attendu"
    cf = figures.sending.counts
    expected = len(config().sections)
    assert (cf.expected, cf.up_to_date, cf.late, cf.missing, cf.unexpected) == (expected, 1, 1, expected - 2, 1)
    assert cf.up_to_date_rate == 1 / expected
    assert cf.received_rate == 2 / expected


def test_late_and_missing_sections_get_a_prepared_french_reminder():
    figures = compute(consolidation([SectionFile("ANVP", "Nanterre", updated=dt.date(2023, 6, 3))], arrete=ARRETE))
    table = figures.sending.table.set_index(["association", "section"])
    assert table.loc[("ANVP", "Nanterre"), "reminder"] == ""
    url = table.loc[("ANVP", "Fresnes"), "reminder"]
    assert url.startswith("mailto:anvp.fresnes@example.org?subject=")
    assert " " not in url and len(url) < 2079  # encoded, and within Excel's limit for a link
    text = unquote(url)
    assert "section Fresnes" in text and "06/2023" in text and "classeur mis à jour" in text
