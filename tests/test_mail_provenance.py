"""What the collection log gives the consolidation: the manifest's sender, date and subject, and
the section of a workbook whose « Section » sheet names none, from its sender's address."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

import openpyxl
from click.testing import CliRunner
from conftest import PACKAGED_CONFIG
from workbooks import make_section_workbook

from convention_xlsx.cli import main
from convention_xlsx.config import ExpectedSection
from convention_xlsx.consolidate import consolidate_folder
from convention_xlsx.indicators.completeness import completeness
from convention_xlsx.mail.collection_log import LOG_NAME, CollectedFile, write_log
from convention_xlsx.mail.provenance import provenance_of
from convention_xlsx.reading.files import list_inputs
from convention_xlsx.report import IGNORED, READ

ARRETE = dt.date(2023, 12, 31)
NANTERRE = "anvp.nanterre@example.org"


def logged(folder, name: str, address: str, subject: str = "Notre classeur") -> CollectedFile:
    digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    return CollectedFile(name=name, sha256=digest, sender=f"Section <{address}>", address=address,
                         date=dt.datetime(2023, 12, 2, 10, 30).astimezone(), subject=subject)


def test_the_log_is_no_input_and_no_ignored_file(tmp_path, config):
    make_section_workbook(tmp_path / "a.xlsx", config, "ANVP", "Fresnes", dt.date(2023, 12, 2))
    write_log(tmp_path, [logged(tmp_path, "a.xlsx", "anvp.fresnes@example.org")])
    (tmp_path / ".autre-cache").write_text("x")
    candidates, skipped = list_inputs(tmp_path)
    assert [p.name for p in candidates] == ["a.xlsx"] and [p.name for p in skipped] == [".autre-cache"]
    cons = consolidate_folder(tmp_path, config, arrete=ARRETE)
    assert [f.path for f in cons.report.files if f.status == IGNORED] == [".autre-cache"]


def test_the_manifest_shows_who_sent_each_collected_file(tmp_path, config):
    inputs = tmp_path / "entrees"
    make_section_workbook(inputs / "fresnes.xlsx", config, "ANVP", "Fresnes", dt.date(2023, 12, 2))
    make_section_workbook(inputs / "a-la-main.xlsx", config, "ANVP", "Fleury-Mérogis", dt.date(2023, 12, 2))
    write_log(inputs, [logged(inputs, "fresnes.xlsx", "anvp.fresnes@example.org", "Rapport de décembre")])
    out = tmp_path / "tdb.xlsx"
    result = CliRunner().invoke(main, ["consolider", str(inputs), "-o", str(out), "--arrete", "2023-12-31",
                                       "--sans-historique", "-q", "--config", str(PACKAGED_CONFIG)])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out, read_only=True)["À propos"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header = next(r for r in rows if r and r[0] == "Fichier")
    sender, received, subject = (header.index(h) for h in ("Expéditeur (courriel)", "Reçu le", "Objet du courriel"))
    by_file = {r[0]: r for r in rows[rows.index(header) + 1:] if r and r[0]}
    assert by_file["fresnes.xlsx"][sender] == "Section <anvp.fresnes@example.org>"
    assert by_file["fresnes.xlsx"][subject] == "Rapport de décembre"
    assert by_file["fresnes.xlsx"][received].date() == dt.date(2023, 12, 2)
    assert by_file["a-la-main.xlsx"][sender] is None  # not collected: nothing invented
    assert LOG_NAME not in by_file


def test_an_invalid_section_sheet_is_named_by_its_sender(tmp_path, config):
    make_section_workbook(tmp_path / "sans-association.xlsx", config, None, "Nanterre", dt.date(2023, 12, 2),
                          establishments=["CP-NANTERRE"])
    before = consolidate_folder(tmp_path, config, arrete=ARRETE)
    assert [f.code for f in before.report.findings if f.is_error] == ["section-invalide"]

    write_log(tmp_path, [logged(tmp_path, "sans-association.xlsx", NANTERRE.upper())])  # case does not matter
    cons = consolidate_folder(tmp_path, config, arrete=ARRETE)
    record = next(f for f in cons.report.files if f.path == "sans-association.xlsx")
    assert (record.status, record.association, record.section) == (READ, "ANVP", "Nanterre")
    finding = next(f for f in cons.report.findings if f.code == "section-par-expediteur")
    assert not finding.is_error and finding.sheet == "Section"
    assert "attribué à la section ANVP « Nanterre »" in finding.message and NANTERRE.upper() in finding.message
    assert "section-invalide" not in {f.code for f in cons.report.findings}
    table = completeness(cons)
    assert table.set_index(["association", "section"]).loc[("ANVP", "Nanterre"), "state"] == "à jour"


def test_a_section_absent_from_the_configuration_is_named_by_its_sender(tmp_path, config):
    make_section_workbook(tmp_path / "nanterre-ville.xlsx", config, "ANVP", "Nanterre Ville", dt.date(2023, 12, 2),
                          establishments=["CP-NANTERRE"])
    write_log(tmp_path, [logged(tmp_path, "nanterre-ville.xlsx", NANTERRE)])
    cons = consolidate_folder(tmp_path, config, arrete=ARRETE)
    codes = {f.code for f in cons.report.findings}
    assert "section-par-expediteur" in codes and "section-non-attendue" not in codes
    assert set(cons.tables["establishments"]["section"]) == {"Nanterre"}
    message = next(f.message for f in cons.report.findings if f.code == "section-par-expediteur")
    assert "nomme la section ANVP « Nanterre Ville », qui n'est pas dans la configuration" in message


def test_a_workbook_naming_an_expected_section_keeps_it_whoever_sent_it(tmp_path, config):
    make_section_workbook(tmp_path / "fresnes.xlsx", config, "ANVP", "Fresnes", dt.date(2023, 12, 2))
    write_log(tmp_path, [logged(tmp_path, "fresnes.xlsx", NANTERRE)])  # forwarded by another section
    cons = consolidate_folder(tmp_path, config, arrete=ARRETE)
    assert cons.report.files[0].section == "Fresnes"
    assert "section-par-expediteur" not in {f.code for f in cons.report.findings}


def test_an_address_shared_by_two_sections_names_none(config):
    shared = dataclasses.replace(config, sections=config.sections + (
        ExpectedSection("Auxilia", "Hauts-de-Seine", (), NANTERRE),))
    files = {"abc": CollectedFile(name="x.xlsx", sha256="abc", address=NANTERRE)}
    assert provenance_of(files, shared).senders == {}
    assert provenance_of(files, config).senders == {"abc": ("ANVP", "Nanterre", NANTERRE)}
