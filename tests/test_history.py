"""The history of monthly runs: rows computed without files, months replaced, read back for Évolution."""

import datetime as dt
import sqlite3

import pandas as pd
import pytest
from factories import SectionFile, consolidation

from convention_xlsx import history
from convention_xlsx.indicators import compute
from convention_xlsx.indicators.snapshot import NATIONAL, latest_in_year
from convention_xlsx.spec import default_spec

SPEC_VERSION = default_spec().version


def cons_at(arrete, visitors=4, both=False):
    f = SectionFile("ANVP", "Nanterre", updated=arrete)
    f.add("establishments", establishment="CP-NANTERRE", anvp_present=True, anvp_visitors=visitors,
          auxilia_present=both, auxilia_cps=1 if both else 0)
    f.add("actions", date=dt.date(2023, 1, 10), establishment="CP-NANTERRE", action_type="Autre",
          associations="ANVP et Auxilia")
    f.add("volunteers", last_name="Zéphyrin", establishment="CP-NANTERRE", role="Visiteur et correspondant",
          mandate_start=dt.date(2023, 2, 1), mandate_end=dt.date(2023, 12, 31))
    return consolidation([f], arrete=arrete)


def national(rows: pd.DataFrame) -> dict:
    rows = rows[rows["scope"] == NATIONAL]
    return dict(zip(rows["indicator"], rows["value"], strict=True))


def test_snapshot_rows_are_national_per_disp_and_per_establishment_without_files():
    figures = compute(cons_at(dt.date(2023, 3, 31), visitors=4, both=True))
    rows = figures.timeline.snapshot
    assert national(rows)["anvp_visitors"] == 4 and national(rows)["establishments_both"] == 1
    assert national(rows)["establishments_none"] == 185
    paris = rows[(rows["scope"] == "Paris") & (rows["indicator"] == "establishments_both")]
    assert paris["value"].tolist() == [1.0]
    nanterre = rows[rows["scope"] == "CP-NANTERRE"].set_index("indicator")["value"]
    assert (nanterre["anvp_present"], nanterre["auxilia_present"], nanterre["mandates_current"]) == (1, 1, 1)
    assert not rows.duplicated(["indicator", "scope"]).any()
    assert set(rows.loc[rows["scope"] == "Paris", "indicator"]) >= {"establishments_both", "anvp_visitors"}
    run = history.run_row(figures.arrete, figures_report(), figures.sending.counts, SPEC_VERSION,
                          generated_at=dt.datetime(2023, 4, 2, 9, 30))
    assert run["month"] == "2023-03" and run["generated_at"] == "2023-04-02T09:30:00"
    assert history.figure_rows(figures.arrete, rows)[0][0] == "2023-03"


def figures_report():
    return cons_at(dt.date(2023, 3, 31)).report


def test_recording_the_same_month_twice_replaces_it(tmp_path):
    db = tmp_path / "sorties" / "historique.sqlite"
    cons = cons_at(dt.date(2023, 3, 31), visitors=4)
    history.record_month(db, compute(cons), cons.report, SPEC_VERSION)
    cons = cons_at(dt.date(2023, 3, 15), visitors=9)
    history.record_month(db, compute(cons), cons.report, SPEC_VERSION)
    assert history.recorded_months(db) == ["2023-03"]
    frame = history.load(db)
    assert national(frame)["anvp_visitors"] == 9
    assert not frame.duplicated(["month", "indicator", "scope"]).any()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == history.SCHEMA_VERSION
        assert conn.execute("SELECT arrete FROM runs").fetchall() == [("2023-03-15",)]


def test_two_months_are_both_in_evolution(tmp_path):
    db = tmp_path / "historique.sqlite"
    for arrete, visitors in ((dt.date(2023, 2, 28), 3), (dt.date(2023, 4, 30), 7)):
        cons = cons_at(arrete, visitors=visitors)
        history.record_month(db, compute(cons), cons.report, SPEC_VERSION)
    figures = compute(cons_at(dt.date(2023, 6, 30), visitors=8), history=history.load(db))
    evo = figures.timeline.evolution
    visitors = evo["anvp_visitors"]
    assert visitors[pd.Timestamp("2023-02-01")] == 3 and visitors[pd.Timestamp("2023-04-01")] == 7
    assert visitors[pd.Timestamp("2023-06-01")] == 8  # this run's own month, recorded or not
    assert pd.isna(visitors[pd.Timestamp("2023-03-01")]) and pd.isna(visitors[pd.Timestamp("2023-05-01")])
    assert evo.loc[pd.Timestamp("2023-01-01"), "joint_actions"] == 1
    mandates = evo["mandates_current"]
    assert (mandates[pd.Timestamp("2023-01-01")], mandates[pd.Timestamp("2023-02-01")]) == (0, 1)
    assert len(evo) == 30  # January 2021 to June 2023


def test_missing_history_file_is_not_created_by_reading(tmp_path):
    db = tmp_path / "historique.sqlite"
    assert history.load(db).empty and history.load_runs(db).empty
    assert not db.exists()


def test_unreadable_history_is_a_french_error(tmp_path):
    db = tmp_path / "historique.sqlite"
    db.write_bytes(b"pas une base SQLite" * 100)
    with pytest.raises(history.HistoryError, match="illisible") as raised:
        history.load(db)
    assert "pas une base SQLite" in str(raised.value) and "file is not" not in str(raised.value)


def test_a_sqlite_file_of_another_program_is_named_in_french(tmp_path):
    import sqlite3

    db = tmp_path / "historique.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE autre (x)")
    with pytest.raises(history.HistoryError) as raised:
        history.load(db)
    assert "manque une table" in str(raised.value) and "no such" not in str(raised.value)


@pytest.mark.parametrize(("english", "move_it"), [
    ("database is locked", False), ("database disk image is malformed", True),
    ("attempt to write a readonly database", False), ("disk I/O error", False),
    ("file is encrypted or is not a database", True), ("database or disk is full", False),
    ("table runs has no column named x", True)])
def test_sqlite_messages_are_said_in_french_with_what_to_do(english, move_it, tmp_path):
    import sqlite3

    err = sqlite3.OperationalError(english)
    reason = history.sqlite_reason(err)
    assert reason and not any(word in reason for word in english.split() if len(word) > 3)
    said = str(history._unusable(tmp_path / "h.sqlite", err, nothing_recorded=True))
    assert ("déplacez-le" in said) is move_it  # a locked or read-only history is intact: never moved aside
    assert move_it or "relancez" in said


def test_backfill_records_past_quarter_ends_and_keeps_real_runs(tmp_path):
    db = tmp_path / "historique.sqlite"
    cons = cons_at(dt.date(2023, 6, 30))
    history.record_month(db, compute(cons_at(dt.date(2022, 12, 31), visitors=2)), cons.report, SPEC_VERSION)
    written = history.backfill(db, cons)
    assert written == ["2021-03", "2021-06", "2021-09", "2021-12", "2022-03", "2022-06", "2022-09", "2023-03"]
    runs = history.load_runs(db).set_index("month")
    assert runs.loc["2022-12", "source"] == history.RUN and runs.loc["2023-03", "source"] == history.BACKFILL
    frame = history.load(db)
    assert latest_in_year(frame, 2022)[1]["anvp_visitors"] == 2  # the real run was kept
    march = frame[(frame["month"] == "2023-03") & (frame["scope"] == NATIONAL)].set_index("indicator")["value"]
    assert march["mandates_current"] == 1
    assert frame[(frame["month"] == "2022-09") & (frame["indicator"] == "mandates_current")
                 & (frame["scope"] == NATIONAL)]["value"].tolist() == [0]
