"""A folder mixing valid workbooks with every hazard: the monthly run goes on (issue 7's 'done when').

One real subprocess runs `consolider` on valid section workbooks, each hostile file of
tests/hazards.py, lock files, an .xlsm, and a workbook carrying the content hazards
(long strings, NFD accents, BOM/NBSP/zero-width in headers and values, a renamed and a
hidden sheet, merged cells, a duplicated header, the 1904 date system, a column styled
down to row 1,048,576, a detainee's identification, a volunteer's formula).
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hazards import HAZARDS, PROCESS_HAZARDS, _rewrite_zip, lock_files
from openpyxl.styles import Font
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from test_valider import digests
from workbooks import make_section_workbook, md_rows

UPDATED = dt.date(2023, 12, 4)
SECRET = "SECRET-LOCAL-0xC0FFEE"

PLAIN = """
| Date       | Code établissement | Type d'action                | Associations | Description |
|------------|--------------------|------------------------------|--------------|-------------|
| 2023-03-15 | CP-NANTERRE        | Rencontre quartier arrivants | ANVP         | =HYPERLINK("file:///etc/passwd","voir") |
| 2023-04-15 | CP-NANTERRE        | Autre                        | ANVP         | Entretien avec le détenu Dupont, écrou 123456 |
"""


def content_hazards(path: Path, config) -> Path:
    """A template-made Auxilia workbook whose cells and sheets carry every content hazard."""
    make_section_workbook(path, config, "Auxilia", "Nanterre", UPDATED, establishments=["CP-NANTERRE"])
    wb = openpyxl.load_workbook(path)
    wb.epoch = CALENDAR_MAC_1904  # dates stored as 1904-based serials
    actions = wb["Actions"]
    actions["C1"] = "\ufeffType d\u2019action *"  # BOM, typographic apostrophe, required mark
    actions["I1"] = "Description"  # a duplicated header: the first one is read
    rows = [
        (dt.date(2023, 3, 15), "CP-NANTERRE\u200b", "Autre", "ANVP", "x" * 40_000),
        ("\ufeff15/03/2023", "cp-nanterre", "Journe\u0301es Nationales Prison", "ANVP\u00a0et\u00a0Auxilia", "NFD"),
        ("1 juin 2023", "CP-NANTERRE", "Autre", "Auxilia", "fusionnée"),
    ]
    for r, values in enumerate(rows, 2):
        for c, value in enumerate(values, 1):
            col = c if c < 5 else 8
            actions.cell(r, col, value)
    actions.merge_cells("H4:H5")
    actions["A1048576"].font = Font(bold=True)  # a column styled to the bottom of the sheet
    wb["Formations"].sheet_state = "hidden"
    formations = wb["Formations"]
    formations["A2"], formations["B2"], formations["D2"] = dt.date(2022, 10, 3), "Écoute", 4
    wb["Orientations"].title = "Orientations 2023"  # renamed: recognised by its headers
    referrals = wb["Orientations 2023"]
    referrals["A2"], referrals["B2"], referrals["C2"] = "mai 2023", "CP-NANTERRE", "1\u00a0200"
    wb.save(path)
    # openpyxl cuts strings at Excel's 32,767 characters: write the over-long one in the XML itself.
    longer = path.with_name("long-" + path.name)
    _rewrite_zip(path, longer, lambda name, d: d.replace(b"x" * 32_767, b"x" * 40_000))
    longer.replace(path)
    return path


@pytest.fixture(scope="module")
def run(tmp_path_factory, config):
    root = tmp_path_factory.mktemp("untrusted")
    inputs = root / "entrees"
    inputs.mkdir()
    make_section_workbook(inputs / "anvp_nanterre.xlsx", config, "ANVP", "Nanterre", UPDATED,
                          establishments=["CP-NANTERRE"], tables={"actions": md_rows(PLAIN)})
    content_hazards(inputs / "auxilia_nanterre.xlsx", config)
    base = make_section_workbook(root / "base.xlsx", config, "ANVP", "Fresnes", UPDATED, establishments=["CP-FRESNES"])
    _rewrite_zip(base, inputs / "anvp_fresnes.xlsm",
                 lambda name, d: d.replace(b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
                 if name == "[Content_Types].xml" else d,
                 {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)})
    hostile = {}
    for name, (build, code) in {**HAZARDS, **PROCESS_HAZARDS}.items():
        folder = inputs / "hostiles" / name
        folder.mkdir(parents=True)
        hostile[build(folder).relative_to(inputs).as_posix()] = code
    lock_files(inputs)
    (root / "secret.txt").write_text(SECRET)
    before = digests(inputs)
    out = root / "sorties" / "tdb.xlsx"
    report = root / "rapport.json"
    done = subprocess.run([sys.executable, "-m", "convention_xlsx", "consolider", str(inputs), "-o", str(out),
                           "--json", str(report), "--arrete", "2023-12-31"],
                          capture_output=True, text=True, timeout=600, cwd=root, env={"PATH": "/usr/bin:/bin"})
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {"done": done, "out": out, "report": json.loads(report.read_text("utf-8")), "hostile": hostile,
            "before": before, "after": digests(inputs), "peak": peak}


def test_the_run_completes_without_traceback(run):
    done = run["done"]
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Traceback" not in done.stdout + done.stderr
    assert run["out"].is_file()
    assert run["peak"] < 1.5 * 1024**3


def test_every_hostile_file_is_named_with_its_reason(run):
    anomalies = {(a["fichier"], a["code"]) for a in run["report"]["anomalies"]}
    for path, code in run["hostile"].items():
        assert (path, code) in anomalies, path
    assert run["report"]["fichiers"]["rejetes"] == len(run["hostile"])


def test_every_valid_row_is_consolidated(run):
    lines = run["report"]["lignes"]
    # anvp_nanterre: 1 establishment + 2 actions; auxilia: 1 establishment + 3 actions + 1 training
    # + 1 referral; the .xlsm: 1 establishment.
    assert lines == {"lues": 10, "consolidees": 10, "rejetees": 0, "valeurs_ecartees": 0}
    codes = {(a["fichier"], a["code"]) for a in run["report"]["anomalies"]}
    assert ("anvp_fresnes.xlsm", "macros-ignorees") in codes
    assert ("auxilia_nanterre.xlsx", "texte-trop-long") in codes
    assert ("auxilia_nanterre.xlsx", "feuille-renommee") in codes
    assert ("auxilia_nanterre.xlsx", "colonne-en-double") in codes
    assert ("anvp_nanterre.xlsx", "donnees-personnelles") in codes


def test_inputs_are_byte_identical(run):
    assert run["after"] == run["before"]


def test_nothing_local_nor_a_formula_nor_a_detainee_reaches_the_dashboard(run):
    with zipfile.ZipFile(run["out"]) as z:
        text = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    assert "root:x:0:0" not in text and SECRET not in text
    assert "<f>HYPERLINK" not in text and "=HYPERLINK(" in text  # kept as text
    assert "Dupont" not in text and "123456" not in text
    for name in ("vbaProject", "macro"):
        assert name not in " ".join(zipfile.ZipFile(run["out"]).namelist())


def test_dates_of_the_1904_system_and_spelling_variants_are_read_right(run, tmp_path, config):
    from convention_xlsx.consolidate import consolidate_folder

    folder = tmp_path / "un"
    folder.mkdir()
    content_hazards(folder / "a.xlsx", config)
    cons = consolidate_folder(folder, config, arrete=config.period_end)
    actions = cons.tables["actions"]
    assert sorted(actions.date.dt.date) == [dt.date(2023, 3, 15), dt.date(2023, 3, 15), dt.date(2023, 6, 1)]
    assert "Journées Nationales Prison" in set(actions.action_type)
    assert set(actions.establishment) == {"CP-NANTERRE"}
    assert "ANVP et Auxilia" in set(actions.associations)
    assert max(len(d) for d in actions.description.dropna()) == 32_767
    assert cons.tables["referrals"].informed.tolist() == [1200]
    assert cons.tables["trainings"].theme.tolist() == ["Écoute"]
