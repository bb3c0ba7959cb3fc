"""Consolidation of workbooks already read: duplicates, provenance, joint records, accounting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from raw import raw_workbook

import convention_xlsx
from convention_xlsx.config import load_config
from convention_xlsx.consolidate import consolidate, default_arrete
from convention_xlsx.reading.model import FileInfo, ReadFailure

TODAY = dt.date(2024, 1, 15)
ARRETE = dt.date(2023, 12, 31)


@pytest.fixture(scope="module")
def config():
    return load_config(Path(convention_xlsx.__file__).parent / "data" / "convention.toml")


JOINT_ACTION_ANVP = """
| Date       | Code établissement | Type d'action                | Associations    | Personnes touchées |
|------------|--------------------|------------------------------|-----------------|--------------------|
| 15/03/2023 | CP-NANTERRE        | Rencontre quartier arrivants | ANVP et Auxilia | 12                 |
| 16/03/2023 | CP-NANTERRE        | Autre                        | ANVP            | 3                  |
"""
JOINT_ACTION_AUXILIA = """
| Date       | Code établissement | Type d'action                | Associations    | Personnes touchées |
|------------|--------------------|------------------------------|-----------------|--------------------|
| 15/03/2023 | CP-NANTERRE        | Rencontre quartier arrivants | ANVP et Auxilia | 10                 |
"""


def run(config, *workbooks):
    return consolidate(list(workbooks), config, arrete=ARRETE, today=TODAY)


def test_joint_record_reported_by_both_counts_once_and_differences_are_flagged(config):
    cons = run(
        config,
        raw_workbook("anvp.xlsx", "ANVP", "Nanterre", sheets={"Actions": JOINT_ACTION_ANVP}),
        raw_workbook("aux.xlsx", "Auxilia", "Nanterre", sheets={"Actions": JOINT_ACTION_AUXILIA}),
    )
    actions = cons.tables["actions"]
    assert len(actions) == 3  # every row stays in the detail, with its provenance
    assert actions.joint_duplicate.tolist() == [False, False, True]
    assert actions.loc[2, ["source_file", "section", "association", "sheet", "excel_row"]].tolist() == [
        "aux.xlsx", "Nanterre", "Auxilia", "Actions", 2]
    divergent = [f for f in cons.report.findings if f.code == "commun-divergent"]
    assert [(f.file, f.cell) for f in divergent] == [("aux.xlsx", "A2")]
    assert "Personnes touchées" in divergent[0].message


def test_the_newest_workbook_of_a_section_wins(config):
    old = raw_workbook("nanterre_nov.xlsx", updated=dt.date(2023, 11, 3), sheets={"Actions": JOINT_ACTION_ANVP})
    new = raw_workbook("nanterre_dec.xlsx", updated=dt.date(2023, 12, 4), section="nanterre ",
                       sheets={"Actions": JOINT_ACTION_AUXILIA})
    cons = run(config, old, new)
    report = cons.report
    assert (report.files_read, report.files_ignored) == (1, 1)
    assert set(cons.tables["actions"].source_file) == {"nanterre_dec.xlsx"}
    duplicate = [f for f in report.findings if f.code == "section-en-double"]
    assert [(f.file, f.suggestion) for f in duplicate] == [("nanterre_nov.xlsx", "nanterre_dec.xlsx")]
    assert report.rows_read == 1  # the ignored file's rows are not counted


def test_a_read_failure_is_one_finding_and_the_run_goes_on(config):
    failure = ReadFailure(FileInfo(path="photo.xlsx"), "pas-un-classeur", "Ce fichier est une image.")
    cons = run(config, failure, raw_workbook(sheets={"Actions": JOINT_ACTION_ANVP}))
    assert (cons.report.files_read, cons.report.files_rejected) == (1, 1)
    assert [(f.code, f.file) for f in cons.report.errors] == [("pas-un-classeur", "photo.xlsx")]
    assert len(cons.tables["actions"]) == 2


def test_rows_add_up_and_rejected_rows_stay_out_of_the_tables(config):
    bad = JOINT_ACTION_ANVP + "| 15/03/2019 | CP-NANTERRE | Autre | ANVP | 1 |\n| 15/03/2023 | X | Autre | ANVP | 1 |\n"
    cons = run(config, raw_workbook(sheets={"Actions": bad}))
    report = cons.report
    assert (report.rows_read, report.rows_consolidated, report.rows_rejected) == (4, 2, 2)
    assert report.to_json()["lignes"] == {"lues": 4, "consolidees": 2, "rejetees": 2, "valeurs_ecartees": 0}
    assert len(cons.tables["actions"]) == report.rows_consolidated


def test_same_establishment_claimed_by_two_sections_of_one_association(config):
    table = """
| Code établissement | Présence ANVP | Visiteurs ANVP actifs |
|--------------------|---------------|-----------------------|
| CP-FRESNES         | oui           | 4                     |
"""
    cons = run(config, raw_workbook("a.xlsx", section="Fresnes", sheets={"Établissements": table}),
               raw_workbook("b.xlsx", section="Villejuif", sheets={"Établissements": table}))
    claimed = [(f.file, f.cell) for f in cons.report.findings if f.code == "etablissement-revendique"]
    assert claimed == [("a.xlsx", "A2"), ("b.xlsx", "A2")]


def test_unexpected_section_is_consolidated_with_a_warning(config):
    cons = run(config, raw_workbook(section="Section inconnue", sheets={"Actions": JOINT_ACTION_ANVP}))
    assert "section-non-attendue" in [f.code for f in cons.report.findings]
    assert cons.report.valid
    assert len(cons.tables["actions"]) == 2


def test_default_arrete_is_the_convention_end_once_it_is_over(config):
    assert default_arrete(config, dt.date(2026, 11, 23))[0] == config.period_end
    assert "fin" in default_arrete(config, dt.date(2026, 11, 23))[1]
    assert default_arrete(config, dt.date(2022, 5, 2)) == (dt.date(2022, 5, 2), "")


def test_a_joint_call_reported_by_both_head_offices_counts_once(config):
    call = """
| Date de dépôt | Financeur          | Portage | Statut  | Montant demandé (€) | Montant obtenu (€) |
|---------------|--------------------|---------|---------|---------------------|--------------------|
| 10/10/2022    | Fondation de France | Commun | Accepté | 20 000              | 15 000             |
"""
    cons = run(config, raw_workbook("anvp.xlsx", "ANVP", "National", sheets={"Appels à projet": call}),
               raw_workbook("aux.xlsx", "Auxilia", "National", sheets={"Appels à projet": call}))
    assert cons.tables["calls"].joint_duplicate.tolist() == [False, True]


def test_records_that_are_not_joint_are_never_merged(config):
    anvp = """
| Date       | Code établissement | Type d'action                   | Associations    |
|------------|--------------------|---------------------------------|-----------------|
| 15/03/2023 |                    | Prise de parole presse/radio/TV | ANVP            |
| 16/03/2023 | CP-NANTERRE        | Autre                           | ANVP            |
| 17/03/2023 |                    | Journées Nationales Prison      | ANVP et Auxilia |
"""
    auxilia = """
| Date       | Code établissement | Type d'action                   | Associations    |
|------------|--------------------|---------------------------------|-----------------|
| 15/03/2023 |                    | Prise de parole presse/radio/TV | Auxilia         |
| 16/03/2023 | CP-NANTERRE        | Autre                           | Auxilia         |
| 17/03/2023 |                    | Journées Nationales Prison      | ANVP et Auxilia |
"""
    calls = """
| Date de dépôt | Financeur | Portage | Statut |
|---------------|-----------|---------|--------|
| 10/10/2022    | Région    | {}      | Déposé |
"""
    cons = run(config,
               raw_workbook("anvp.xlsx", "ANVP", "National", sheets={"Actions": anvp, "Appels à projet": calls.format("ANVP")}),
               raw_workbook("aux.xlsx", "Auxilia", "National", sheets={"Actions": auxilia,
                                                                        "Appels à projet": calls.format("Auxilia")}))
    # Each association's own actions count; the joint JNP stand with no establishment, reported by both head
    # offices with the same date and type, counts once (rule decided since).
    actions = cons.tables["actions"]
    assert actions.joint_duplicate.tolist() == [False, False, False, False, False, True]
    assert not cons.tables["calls"].joint_duplicate.any()
    assert "commun-divergent" not in [f.code for f in cons.report.findings]


def test_in_a_joint_record_each_association_s_own_columns_come_from_its_own_report(config):
    anvp = """
| Date       | Code établissement | Avec | ANVP représentée | Auxilia représentée | Compte-rendu reçu ANVP | Compte-rendu reçu Auxilia |
|------------|--------------------|------|------------------|---------------------|------------------------|---------------------------|
| 02/02/2023 | CP-NANTERRE        | SPIP | Oui                 | Non                    | Oui                    | Non                       |
"""
    auxilia = """
| Date       | Code établissement | Avec | ANVP représentée | Auxilia représentée | Compte-rendu reçu ANVP | Compte-rendu reçu Auxilia |
|------------|--------------------|------|------------------|---------------------|------------------------|---------------------------|
| 02/02/2023 | CP-NANTERRE        | SPIP | Non                 | Oui                    | Non                    | Oui                       |
"""
    cons = run(config, raw_workbook("anvp.xlsx", "ANVP", "Nanterre", sheets={"Réunions": anvp}),
               raw_workbook("aux.xlsx", "Auxilia", "Nanterre", sheets={"Réunions": auxilia}))
    meetings = cons.tables["meetings"]
    assert meetings.joint_duplicate.tolist() == [False, True]
    counted = meetings.iloc[0]
    assert (counted["anvp_represented"], counted["auxilia_represented"]) == ("Oui", "Oui")
    assert (bool(counted["minutes_anvp"]), bool(counted["minutes_auxilia"])) == (True, True)
    # Each said something only about the other's columns that the other contradicts: no disagreement to settle.
    assert "commun-divergent" not in [f.code for f in cons.report.findings]


def test_consolidate_folder_gives_the_same_under_spawn(config, tmp_path, monkeypatch):
    """The start method of Windows and macOS, where most référents work: the same report and tables."""
    import hazards
    from workbooks import make_section_workbook, md_rows

    from convention_xlsx.consolidate import consolidate_folder

    actions = md_rows("""
| Date       | Code établissement | Type d'action | Associations |
| 2023-03-15 | CP-NANTERRE        | Autre         | ANVP         |
| 2023-03-16 | Nanterre           | Autre         | ANVP         |
""")
    make_section_workbook(tmp_path / "a.xlsx", config, "ANVP", "Nanterre", dt.date(2023, 6, 2),
                          establishments=["CP-NANTERRE"], tables={"actions": actions})
    hazards.dense_range_bomb(tmp_path)  # kills its reader: the retry and the failure are the same too
    hazards.truncated(tmp_path)
    default = consolidate_folder(tmp_path, config, arrete=dt.date(2023, 6, 30), today=dt.date(2023, 7, 1))
    monkeypatch.setenv("CONVENTION_XLSX_START_METHOD", "spawn")
    spawned = consolidate_folder(tmp_path, config, arrete=dt.date(2023, 6, 30), today=dt.date(2023, 7, 1))
    assert spawned.report.to_json() == default.report.to_json()
    assert {f.path: f.status for f in spawned.report.files} == {
        "a.xlsx": "lu", "grille.xlsx": "rejeté", "tronque.xlsx": "rejeté"}
    for key, frame in default.tables.items():
        assert spawned.tables[key].equals(frame), key
