"""Editions (complete, membres), the Évolution sheet's charts and the summary PDF."""

import datetime as dt
import re
import subprocess
import zipfile

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from factories import sample
from workbooks import make_section_workbook

from convention_xlsx import history
from convention_xlsx.cli import main
from convention_xlsx.dashboard import summary_names, write_dashboard
from convention_xlsx.dashboard.sites import site_columns
from convention_xlsx.indicators import compute
from convention_xlsx.pdf import write_pdf


@pytest.fixture(scope="module")
def cons():
    return sample(sections=12)


def cell_texts(path) -> set[str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return {str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None}


def zip_text(path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith((".xml", ".rels")))


def test_members_edition_has_no_names_anomalies_mandates_manifest_or_contacts(cons, tmp_path):
    complete, members = tmp_path / "complete.xlsx", tmp_path / "membres.xlsx"
    write_dashboard(cons, complete)
    write_dashboard(cons, members, edition="membres")
    names = set(openpyxl.load_workbook(members).sheetnames)
    assert not names & {"Anomalies", "Mandats"} and {"Synthèse", "Bilan", "Évolution", "À propos"} <= names
    volunteers = cons.tables["volunteers"]
    people = set(volunteers["last_name"]) | set(volunteers["first_name"])
    assert people & cell_texts(complete)  # the complete edition does list them (Mandats)
    assert not people & cell_texts(members)
    assert "mailto:" in zip_text(complete) and "mailto:" not in zip_text(members)
    texts = cell_texts(members)
    assert any(s.email for s in cons.config.sections) and not any("@" in t for t in texts)
    assert "Manifeste : chaque fichier reçu et ce qu'il est devenu" not in texts
    assert not any(t.endswith(".xlsx") for t in texts)  # no file names (provenance, manifest)
    assert "Observations des référents" not in texts
    about = [row for row in openpyxl.load_workbook(members)["À propos"].iter_rows(values_only=True)]
    assert ("Arrêté au", "30/06/2023") in {r[:2] for r in about}


def test_evolution_has_line_charts_over_several_months(cons, tmp_path):
    db = tmp_path / "historique.sqlite"
    history.backfill(db, cons, [dt.date(2022, 12, 31), dt.date(2023, 3, 31)])
    path = tmp_path / "tdb.xlsx"
    write_dashboard(cons, path, compute(cons, history=history.load(db)))
    xml = zip_text(path)
    assert xml.count("<c:lineChart>") >= 6
    ws = openpyxl.load_workbook(path)["Évolution"]
    table = ws.tables["Evolution"]
    first, last = (int(re.sub(r"\D", "", part)) for part in table.ref.split(":"))
    assert last - first == 30  # January 2021 to June 2023
    header = [c.value for c in ws[first]]
    col = header.index("Les deux")
    recorded = [ws.cell(r, col + 1).value for r in range(first + 1, last + 1)]
    assert sum(v is not None for v in recorded) == 3  # December, March and this run's June
    disp = ws.tables["EvolutionGroupes"]
    assert disp.ref.startswith("A")


def test_write_dashboard_can_write_a_selection_of_sheets(cons, tmp_path):
    path = tmp_path / "resume.xlsx"
    summary = summary_names(compute(cons))
    assert summary == ("Synthèse", "Établissements", "Par DISP", "Changements", "Suivi des envois", "Bilan",
                       "Recommandations")
    write_dashboard(cons, path, sheets=summary)
    assert openpyxl.load_workbook(path).sheetnames == list(summary)
    assert "internal:'Anomalies'" not in zip_text(path) and "Anomalies!" not in zip_text(path)


def pages(pdf) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))


def test_pdf_holds_the_five_summary_sheets_only(cons, tmp_path, soffice):
    target = tmp_path / "tdb.pdf"
    write_pdf(cons, compute(cons), target)
    assert target.read_bytes().startswith(b"%PDF")
    assert 5 <= pages(target) <= 40
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True).stdout
    for title in ("Tableau de bord", "Présence de l'ANVP et d'Auxilia dans les établissements", "Présence par DISP",
                  "Suivi des envois du mois", "Bilan 2023 du partenariat", "Recommandations du bilan 2023"):
        assert title in text
    assert "Anomalies relevées" not in text and "Mandats nominatifs" not in text
    assert [p.name for p in tmp_path.iterdir()] == ["tdb.pdf"]  # no temporary workbook left
    assert smallest_type(target) >= 8.0  # readable on paper: no page's text under 8 points
    assert not text_past_the_edge(target)  # no line running off the sheet (the Synthèse's long lines wrap)
    cols, printed = site_columns(compute(cons), cons.config.extension)
    assert not words_cut(target, "Établissements – arrêté", [c.header for c in cols[:printed]])
    names = [site.name for site in cons.config.referentiel.establishments]  # every name printed whole
    assert not words_cut(target, "Établissements – arrêté", names)


def words_cut(pdf, page_title: str, texts: list[str]) -> set[str]:
    """The words of ``texts`` that the pages titled ``page_title`` do not print whole (« commune » then
    « s » on the next line: a column too narrow for its header's longest word; « Saint-Quentin-Falla »: a
    name cut at its cell's edge). Words are taken between spaces and hyphens (a name may wrap at one)."""
    import pdfplumber

    def words(text: str) -> list[str]:
        return [w for w in re.split(r"[\s\-–]+", text) if len(w) > 3]

    with pdfplumber.open(pdf) as doc:
        pages = [page for page in doc.pages if page_title in (page.extract_text() or "")]
        printed = {w for page in pages for word in page.extract_words() for w in words(word["text"])}
    assert pages, page_title
    return {word for text in texts for word in words(text) if word not in printed}


def test_members_pdf_names_nobody(cons, tmp_path, soffice):
    target = tmp_path / "membres.pdf"
    write_pdf(cons, compute(cons), target, edition="membres")
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True).stdout
    volunteers = cons.tables["volunteers"]
    names = {n for n in set(volunteers["last_name"]) | set(volunteers["first_name"]) if n and len(n) > 3}
    assert names and not {n for n in names if re.search(rf"\b{re.escape(n)}\b", text)}
    assert "@" not in text and "Suivi des envois" in text and "Bilan 2023 du partenariat" in text
    assert smallest_type(target) >= 8.0


def text_past_the_edge(pdf) -> list[tuple[int, str]]:
    """(page, text) of the printed words that reach the paper's edge (beyond 1 cm of it): a line LibreOffice cut."""
    import pdfplumber

    margin = 28  # points: 1 cm
    with pdfplumber.open(pdf) as doc:
        return [(page.page_number, w["text"]) for page in doc.pages for w in page.extract_words()
                if w["x1"] > page.width - margin or w["x0"] < margin / 2]


def smallest_type(pdf) -> float:
    """The smallest size (points) of any printed character, as laid out on the page (scaling included)."""
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        sizes = {(page.page_number, round(c["size"], 1)) for page in doc.pages for c in page.chars
                 if c["text"].strip()}
    smallest = min(size for _, size in sizes)
    return smallest


@pytest.fixture
def inputs(tmp_path, config):
    folder = tmp_path / "entrees"
    make_section_workbook(folder / "a.xlsx", config, "ANVP", "Nanterre", dt.date(2023, 6, 2),
                          establishments=["CP-NANTERRE"])
    return folder


def consolider(*args):
    return CliRunner().invoke(main, ["consolider", *map(str, args), "--arrete", "2023-06-30", "-q"])


def test_cli_pdf_beside_the_workbook(inputs, tmp_path, soffice):
    out = tmp_path / "sorties" / "tdb.xlsx"
    result = consolider(inputs, "-o", out, "--pdf", "--edition", "membres")
    assert result.exit_code == 0, result.output
    assert out.is_file() and out.with_suffix(".pdf").is_file()
    assert "PDF des feuilles de synthèse écrit" in result.output


def test_cli_pdf_without_libreoffice_still_writes_the_workbook(inputs, tmp_path, monkeypatch):
    monkeypatch.setattr("convention_xlsx.pdf.soffice", lambda: None)
    out = tmp_path / "sorties" / "tdb.xlsx"
    result = consolider(inputs, "-o", out, "--pdf")
    assert result.exit_code == 0, result.output
    assert "LibreOffice n'est pas installé" in result.output
    assert out.is_file() and not out.with_suffix(".pdf").exists()


def test_cli_refuses_pdf_with_chiffrer(inputs, tmp_path):
    out = tmp_path / "sorties" / "tdb.xlsx"
    result = consolider(inputs, "-o", out, "--pdf", "--chiffrer")
    assert result.exit_code == 2 and "le PDF ne pourrait pas être protégé" in result.output
    assert not out.parent.exists()


def test_cli_records_history_unless_told_not_to(inputs, tmp_path):
    out = tmp_path / "sorties" / "tdb.xlsx"
    result = consolider(inputs, "-o", out, "--sans-historique")
    assert result.exit_code == 0, result.output
    assert not (out.parent / "historique.sqlite").exists()
    result = consolider(inputs, "-o", out)
    assert result.exit_code == 0 and "Historique : chiffres de 06/2023 enregistrés" in result.output
    assert history.recorded_months(out.parent / "historique.sqlite") == ["2023-06"]


def test_cli_default_members_output_and_bilan_year(inputs, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = consolider(inputs, "--edition", "membres", "--annee-bilan", "2022")
    assert result.exit_code == 0, result.output
    out = tmp_path / "sorties" / "tableau_de_bord_2023-06_membres.xlsx"
    assert out.is_file()
    assert openpyxl.load_workbook(out, read_only=True)["Bilan"]["A1"].value == "Bilan 2022 du partenariat"
    result = consolider(inputs, "--annee-bilan", "2024")
    assert result.exit_code == 2 and "entre 2021 et 2023" in result.output


def test_snapshot_in_history_is_what_evolution_shows(cons, tmp_path):
    db = tmp_path / "h.sqlite"
    f = compute(cons)
    history.record_month(db, f, cons.report, cons.config.spec.version)
    again = compute(cons, history=history.load(db))
    pd.testing.assert_frame_equal(f.timeline.evolution, again.timeline.evolution)


def test_a_killed_conversion_leaves_its_folder_to_the_next_run(tmp_path):
    """What SIGKILL leaves of ``--pdf`` (the LibreOffice profile, the PDF) is removed by the next conversion:
    the folder of a process that is gone, never that of a live one."""
    import os
    import sys
    import time

    from convention_xlsx.pdf import WORK_PREFIX, remove_stale_work

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        old = time.time() - 3600
        dead = tmp_path / f"{WORK_PREFIX}{gone.pid}-abc"
        (dead / "profil" / "user").mkdir(parents=True)
        (dead / "profil" / "user" / "registrymodifications.xcu").write_text("x")
        live = tmp_path / f"{WORK_PREFIX}{sleeper.pid}-def"
        mine = tmp_path / f"{WORK_PREFIX}{os.getpid()}-ghi"
        fresh = tmp_path / f"{WORK_PREFIX}{gone.pid}-jkl"  # recent: its LibreOffice may still be converting
        absurd = tmp_path / f"{WORK_PREFIX}{'9' * 30}-mno"  # no process has that number: left alone, no crash
        other = tmp_path / "autre-dossier"
        for path in (live, mine, fresh, absurd, other):
            path.mkdir()
        for path in (dead, live, mine, absurd, other):
            os.utime(path, (old, old))
        assert remove_stale_work(tmp_path) == [dead]
        assert all(p.exists() for p in (live, mine, fresh, absurd, other)) and not dead.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_conversion_cleans_before_it_starts(cons, tmp_path, monkeypatch):
    """write_pdf itself removes what a killed conversion left (even when this one then fails)."""
    import os
    import shutil
    import sys
    import tempfile
    import time

    from convention_xlsx.pdf import WORK_PREFIX, PdfError

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    scratch = tmp_path / "tmp"
    dead = scratch / f"{WORK_PREFIX}{gone.pid}-abc"
    dead.mkdir(parents=True)
    os.utime(dead, (time.time() - 3600,) * 2)
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with pytest.raises(PdfError):
        write_pdf(cons, compute(cons), tmp_path / "sorties" / "tdb.pdf", program=shutil.which("false") or "/bin/false")
    assert not dead.exists() and not (tmp_path / "sorties" / "tdb.pdf").exists()
