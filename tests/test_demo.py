"""The built-in demo: deterministic, written through the template, and consolidated with exactly its mistakes."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
import python_calamine as calamine
from click.testing import CliRunner
from conftest import PACKAGED_CONFIG

from convention_xlsx.cli import main
from convention_xlsx.config import load_config
from convention_xlsx.consolidate import consolidate_folder
from convention_xlsx.demo import plan_demo
from convention_xlsx.demo.files import MARKER, write_all_here, write_config, write_workbooks
from convention_xlsx.demo.mistakes import DATE_KEY
from convention_xlsx.normalize import to_date, to_month
from convention_xlsx.readme_text import version_label
from convention_xlsx.spec import default_spec
from convention_xlsx.tables import JOINT_DUPLICATE
from convention_xlsx.template import HEADER_ROW

SPEC = default_spec()

SECTIONS = 12
TODAY = dt.date.today()


def cell_values(path: Path) -> dict[str, list[list[object]]]:
    wb = calamine.CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


@pytest.fixture(scope="module")
def demo(tmp_path_factory, config):
    """A 12-section demo written through the pool and consolidated with its own configuration."""
    root = tmp_path_factory.mktemp("demo")
    plan = plan_demo(config, seed=1, sections=SECTIONS, today=TODAY)
    demo_config = write_config(plan, config, root / "convention.toml")
    write_workbooks(plan, root / "entrees", demo_config)
    cons = consolidate_folder(root / "entrees", demo_config, today=TODAY)
    return plan, demo_config, root / "entrees", cons


def test_same_seed_same_cell_values_and_other_seed_differs(demo, config, tmp_path):
    plan, demo_config, inputs, _ = demo
    again = plan_demo(config, seed=1, sections=SECTIONS, today=TODAY)
    assert again.files == plan.files
    write_all_here(again, tmp_path, demo_config)  # in this process, in another order than the pool's
    for name in plan.files:
        assert cell_values(tmp_path / name) == cell_values(inputs / name), name
    other = plan_demo(config, seed=2, sections=SECTIONS, today=TODAY)
    assert other.workbooks != plan.workbooks


def test_workbooks_are_the_template_filled(demo):
    plan, _, inputs, _ = demo
    assert len(list(inputs.iterdir())) == len(plan.workbooks) == SECTIONS  # one missing, one sent twice
    for name in plan.files:
        sheets = cell_values(inputs / name)
        assert list(sheets)[: len(SPEC.sheets)] == [s.name for s in SPEC.sheets]
        for sheet in SPEC.table_sheets:
            assert sheets[sheet.name][HEADER_ROW - 1][: len(sheet.columns)] == [c.label for c in sheet.columns]
        section = {row[0]: row[1] for row in sheets[SPEC.section.name][1:] if row and row[0]}
        assert section[version_label(SPEC)] == SPEC.version


def test_consolidation_reports_exactly_the_deliberate_mistakes(demo):
    plan, _, _, cons = demo
    report = cons.report
    assert {(f.file, f.sheet, f.cell, f.code) for f in report.errors} == {
        (m.file, m.sheet, m.cell, m.code) for m in plan.mistakes
    }
    assert {m.kind for m in plan.mistakes} == {"liste", "code", "negatif", "annee", "mandat"}
    counts = report.to_json()["lignes"]
    assert counts["lues"] == counts["consolidees"] + counts["rejetees"]
    # A value, not the row: a negative count or a reversed mandate leaves its values out and keeps the row.
    kinds = [m.kind for m in plan.mistakes]
    assert counts["rejetees"] == sum(k in ("liste", "code", "annee") for k in kinds)
    assert counts["valeurs_ecartees"] == kinds.count("negatif") + 2 * kinds.count("mandat")


def test_misspelt_value_and_commune_for_code_get_their_suggestion(demo):
    plan, demo_config, _, cons = demo
    found = {(f.file, f.cell): f for f in cons.report.errors}
    misspelt = [m for m in plan.mistakes if m.value == "Rencontre arrivants"]
    assert misspelt
    for m in misspelt:
        assert found[m.file, m.cell].code == "valeur-hors-liste"
        assert found[m.file, m.cell].suggestion == "Rencontre quartier arrivants"
    for m in (m for m in plan.mistakes if m.kind == "code"):
        assert found[m.file, m.cell].suggestion == demo_config.referentiel.suggest(m.value) != ""


def test_twice_sent_late_and_missing_sections(demo):
    plan, demo_config, _, cons = demo
    older, newer = plan.twice
    doubles = [f for f in cons.report.findings if f.code == "section-en-double"]
    assert [(f.file, f.suggestion) for f in doubles] == [(older, newer)]
    association, name = plan.missing.split(" ", 1)
    assert demo_config.expected(association, name) is not None
    reported = {(r.association, r.section) for r in cons.report.files}
    assert (association, name) not in reported
    late = next(r for r in cons.report.files if f"{r.association} {r.section}" == plan.late)
    assert late.updated < cons.arrete.replace(day=1)
    up_to_date = [r for r in cons.report.files if r.status == "lu" and f"{r.association} {r.section}" != plan.late]
    assert all(r.updated >= cons.arrete.replace(day=1) for r in up_to_date)


def test_joint_records_are_reported_by_both_associations(demo):
    _, _, _, cons = demo
    actions = cons.tables["actions"]
    assert actions[JOINT_DUPLICATE].any()
    joint = actions[actions["associations"] == SPEC.sheet("actions").joint_value]
    keys = joint.groupby(["date", "establishment", "action_type"])["association"].nunique()
    assert (keys == 2).any()


def test_dates_stay_in_the_period_and_before_today_except_the_mistakes(config):
    plan = plan_demo(config, seed=3, sections=20, today=TODAY)
    mistaken = {(m.file, m.sheet, m.cell) for m in plan.mistakes}
    start, end = config.period_start, min(config.period_end, TODAY)
    for wb in plan.workbooks:
        assert wb.updated <= TODAY
        for key, column in DATE_KEY.items():
            sheet = SPEC.by_key[key]
            letter = "ABCDEFGHIJ"[[c.key for c in sheet.columns].index(column)]
            for row_number, row in enumerate(wb.tables[key], start=2):
                if (wb.file, sheet.name, f"{letter}{row_number}") in mistaken:
                    continue
                day = (to_month if column == "month" else to_date)(row[column])
                assert start <= day <= end, (wb.file, key, row)


def test_no_detainee_and_fictitious_volunteers(demo):
    plan, _, _, cons = demo
    assert not [f for f in cons.report.findings if f.code == "donnees-personnelles"]
    from convention_xlsx.demo.plan import FIRST_NAMES, LAST_NAMES

    for wb in plan.workbooks:
        for row in wb.tables["volunteers"]:
            assert row["last_name"] in LAST_NAMES and row["first_name"] in FIRST_NAMES


def test_cli_demo_writes_the_dashboard_and_clears_only_its_own_files(tmp_path, config):
    inputs, output = tmp_path / "demo" / "entrees", tmp_path / "tdb.xlsx"
    args = ["demo", "--sections", "8", "--entrees", str(inputs), "-o", str(output), "--quiet",
            "--config", str(PACKAGED_CONFIG)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert output.is_file()
    assert "Tableau de bord écrit" in result.output and "Erreurs semées" in result.output
    assert (tmp_path / "demo" / "convention.toml").read_text("utf-8").startswith(MARKER)
    # Évolution is populated: past quarter ends reconstructed, then the arrêté month itself.
    from convention_xlsx.history import recorded_months

    months = recorded_months(tmp_path / "historique_demo.sqlite")
    assert months[-1] == "2023-12" and len(months) >= 8 and "2021-03" in months
    assert sorted(p.name for p in inputs.iterdir()) == sorted(plan_demo(config, 1, 8, TODAY).files)
    (inputs / "mon_fichier.txt").write_text("à garder", "utf-8")
    result = CliRunner().invoke(main, [*args, "--graine", "7"])
    assert result.exit_code == 0, result.output
    expected = {*plan_demo(config, 7, 8, TODAY).files, "mon_fichier.txt"}
    assert {p.name for p in inputs.iterdir()} == expected


def test_cli_demo_refuses_to_replace_a_configuration_it_did_not_write(tmp_path):
    (tmp_path / "convention.toml").write_text("[convention]\n", "utf-8")
    result = CliRunner().invoke(main, ["demo", "--sections", "8", "--entrees", str(tmp_path / "entrees"),
                                       "-o", str(tmp_path / "t.xlsx"), "--quiet"])
    assert result.exit_code == 1
    assert "n'a pas été écrit par la démonstration" in result.output
    assert (tmp_path / "convention.toml").read_text("utf-8") == "[convention]\n"


def test_demo_runs_as_a_real_process(tmp_path):
    output = tmp_path / "tdb.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "convention_xlsx", "demo", "--sections", "8", "--entrees", str(tmp_path / "e"),
         "-o", str(output)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert output.is_file()
    assert "Écriture des classeurs" in done.stderr  # the progress bar goes to standard error


def test_beyond_the_national_scale_the_demo_says_how_many_it_made(config):
    national = plan_demo(config, seed=1, today=TODAY)
    asked = plan_demo(config, seed=1, sections=1000, today=TODAY)
    assert len(asked.expected) == len(national.expected) < 1000
    assert asked.size_note().startswith(f"1000 sections demandées : {len(national.expected)} faites (échelle "
                                        "nationale maximale")
    assert national.size_note() == "" and plan_demo(config, seed=1, sections=12, today=TODAY).size_note() == ""
    exact = plan_demo(config, seed=1, sections=len(national.expected), today=TODAY)
    assert exact.size_note() == "" and len(exact.expected) == len(national.expected)


def test_cli_demo_beyond_the_national_scale_prints_what_it_made(tmp_path):
    """A référentiel of 12 establishments: its national scale is a handful of sections, fast to write."""
    from convention_xlsx.demo.files import referentiel_path

    lines = referentiel_path(load_config(PACKAGED_CONFIG)).read_text("utf-8").splitlines()
    (tmp_path / "etablissements.csv").write_text("\n".join(lines[:13]) + "\n", "utf-8")
    text = PACKAGED_CONFIG.read_text("utf-8").replace('referentiel = "etablissements.csv"',
                                                       f'referentiel = "{tmp_path / "etablissements.csv"}"')
    for name in ("classeur.toml", "indicateurs.toml"):  # the packaged descriptions, by absolute path
        text = text.replace(f'"{name}"', f'"{(PACKAGED_CONFIG.parent / name).as_posix()}"')
    text = text[: text.index("[[sections]]")]  # the demo writes its own sections
    (tmp_path / "petit.toml").write_text(text, "utf-8")
    result = CliRunner().invoke(main, ["demo", "--sections", "500", "--entrees", str(tmp_path / "e" / "entrees"),
                                       "-o", str(tmp_path / "tdb.xlsx"), "--quiet", "--config",
                                       str(tmp_path / "petit.toml")])
    assert result.exit_code == 0, result.output
    made = len(load_config(tmp_path / "e" / "convention.toml").sections)
    assert f"500 sections demandées : {made} faites (échelle nationale maximale" in result.output
    assert f"{made} sections attendues" in result.output


def test_the_simulated_past_moves_learners_and_the_lists_of_people():
    """The demo's history is no copy of the last month: learners (a count that is no party's headcount) move,
    a person is on the lists from the start of their mandate, and the last month is what the workbooks say."""
    import pandas as pd
    from factories import sample

    from convention_xlsx.demo.timeline import draw_lists, lists_at, make_timeline, month_ends, situation_at

    cons = sample(seed=3, sections=40, arrete=dt.date(2023, 12, 31))
    spec, start, end = cons.config.spec, cons.config.period_start, cons.arrete
    sites, volunteers = cons.tables["establishments"], cons.tables["volunteers"]
    timeline = make_timeline(3, sites, spec, start, end)
    draw_lists(3, timeline, cons.tables, spec, start, end)
    months = month_ends(start, end)
    learners = [int(situation_at(sites, timeline, spec, day)["auxilia_learners"].fillna(0).sum()) for day in months]
    listed = [len(lists_at(cons.tables, timeline, day)["volunteers"]) for day in months]
    assert len(set(learners)) > 3 and len(set(listed)) > 1
    assert listed == sorted(listed) and listed[-1] <= len(volunteers)  # people only come onto the lists
    final = situation_at(sites, timeline, spec, end)
    assert final["auxilia_learners"].fillna(-1).tolist() == sites["auxilia_learners"].fillna(-1).tolist()
    assert len(lists_at(cons.tables, timeline, end)["volunteers"]) == len(volunteers)
    assert timeline.arrivals  # some party reached a site during the convention
    for day in months:  # nobody is listed before their mandate began, nor before their party reached the site
        shown = lists_at(cons.tables, timeline, day)["volunteers"]
        begins = pd.to_datetime(shown["mandate_start"]).dt.date
        assert not any(start < b <= end and b > day for b in begins.dropna())
        arrivals = [timeline.arrivals.get((a, c)) for a, c in zip(shown["association"], shown["establishment"],
                                                                    strict=True)]
        assert not any(arrival is not None and arrival > day for arrival in arrivals)
