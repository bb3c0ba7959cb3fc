"""The correction loop with the real client: a volunteer opens the return in LibreOffice, corrects each
flagged cell in place, saves, and the next run finds nothing and returns nothing.

LibreOffice is driven through UNO by ``tests/lo_driver.py`` under Debian's ``/usr/bin/python3`` (where
``python3-uno`` lives), cells typed with ``FormulaLocal`` under a fr-FR profile, documents opened hidden.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import hazards
import openpyxl
import pytest
from conftest import libreoffice_convert
from workbooks import make_section_workbook, md_rows

from convention_xlsx.returns import SUFFIX
from convention_xlsx.spec import default_spec

SPEC = default_spec()
DRIVER = Path(__file__).with_name("lo_driver.py")
SYSTEM_PYTHON = "/usr/bin/python3"
UPDATED = dt.date(2023, 12, 4)

ACTIONS = md_rows("""
| Date       | Code établissement | Type d'action       | Associations | Personnes touchées |
|------------|--------------------|---------------------|--------------|--------------------|
| 2023-03-15 | CP-NANTERRE        | Rencontre arrivants | ANVP         | 12                 |
|            | CP-NANTERRE        | Autre               | ANVP         | 4                  |
""")
VOLUNTEERS = md_rows("""
| Nom    | Prénom | Code établissement | Rôle                      | Adhérent ANVP | Adhérent Auxilia | Début de mandat | Fin de mandat |
|--------|--------|--------------------|---------------------------|---------------|------------------|-----------------|---------------|
| Martin | Anne   | CP-NANTERRE        | Visiteur et correspondant | Oui           | Non              | 2023-01-01      |               |
""")
ESTABLISHMENTS = [{"establishment": "CP-NANTERRE", "anvp_present": "Oui", "anvp_visitors": "2,5",
                   "auxilia_present": "Oui", "auxilia_cps": 1, "auxilia_learners": -3}]
# What the volunteer types in the return to correct each mistake (cell of the return → text).
CORRECTIONS = {
    ("Actions", "C2"): "Rencontre quartier arrivants",  # misspelt dropdown value
    ("Actions", "A3"): "20/04/2023",  # the empty required date
    ("Intervenants", "H2"): "31/12/2023",  # the mandate's missing end
    ("Établissements", "G2"): "12",  # the negative optional count
    ("Établissements", "D2"): "2",  # « 2,5 » in a whole-number column
}


def uno_available() -> bool:
    if not Path(SYSTEM_PYTHON).exists() or shutil.which("soffice") is None:
        return False
    return subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(not uno_available(), reason="LibreOffice et python3-uno absents : test ignoré")


def drive(plan: list[dict], tmp_path: Path) -> list:
    path = tmp_path / f"plan-{len(list(tmp_path.glob('plan-*')))}.json"
    path.write_text(json.dumps(plan, ensure_ascii=False), "utf-8")
    done = subprocess.run([SYSTEM_PYTHON, str(DRIVER), str(path)], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "convention_xlsx", *args], capture_output=True, text=True,
                          timeout=300, cwd=cwd)


def volunteer_workbook(path: Path, config) -> Path:
    return make_section_workbook(path, config, "ANVP", "Nanterre", UPDATED, tables={
        "actions": ACTIONS, "volunteers": VOLUNTEERS, "establishments": ESTABLISHMENTS})


@pytest.mark.parametrize("saved_as", ["xlsx", "ods"])
def test_a_volunteer_corrects_the_return_in_libreoffice_and_the_loop_ends(tmp_path, config, saved_as):
    inputs = tmp_path / "entrees"
    source = volunteer_workbook(tmp_path / "rempli" / "nanterre.xlsx", config)
    # The section filled it in LibreOffice and saved it as .xlsx or .ods.
    inputs.mkdir()
    shutil.copy(libreoffice_convert(source, saved_as, tmp_path / "lo"), inputs / f"nanterre.{saved_as}")
    first = cli("consolider", str(inputs), "-o", str(tmp_path / "sorties" / "tdb.xlsx"), "--retours",
                str(tmp_path / "retours"), "--json", str(tmp_path / "r1.json"), "-q", cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    report = json.loads((tmp_path / "r1.json").read_text("utf-8"))
    assert {a["code"] for a in report["anomalies"] if a["gravite"] == "erreur"} == {
        "valeur-hors-liste", "valeur-obligatoire", "mandat-sans-fin", "nombre-negatif", "nombre-invalide"}
    returned = tmp_path / "retours" / ("nanterre" + SUFFIX)
    assert returned.is_file()
    # A full return whatever the format: the data, the dropdowns, the current version.
    wb = openpyxl.load_workbook(returned)
    assert wb.sheetnames[0] == SPEC.return_sheet and wb[SPEC.section.name]["B7"].value == SPEC.version
    assert wb["Actions"]["D2"].value == "ANVP" and wb["Intervenants"]["A2"].value == "Martin"
    assert any(dv.type == "list" for dv in wb["Actions"].data_validations.dataValidation)

    plan: list[dict] = [{"open": str(returned)}]
    plan += [{"cell": [sheet, ref]} for sheet, ref in CORRECTIONS]
    plan += [{"comments": "Actions"}, {"comments": "Établissements"}]
    plan += [{"type": [sheet, ref, text]} for (sheet, ref), text in CORRECTIONS.items()]
    plan += [{"calculate": True}, {"cell": [SPEC.return_sheet, "A4"]},
             {"save_as": [str(tmp_path / "corrige" / "nanterre.xlsx"), "Calc MS Excel 2007 XML"]}, {"close": True}]
    (tmp_path / "corrige").mkdir()
    results = drive(plan, tmp_path)
    flagged = results[1:1 + len(CORRECTIONS)]
    for (sheet, ref), cell in zip(CORRECTIONS, flagged, strict=True):
        assert not cell["locked"], (sheet, ref)  # every flagged cell can be corrected in place
        assert cell["comment"], (sheet, ref)
    assert flagged[4]["string"] == "2,5"  # shown as typed, not rounded to « 3 »
    for comments in results[1 + len(CORRECTIONS):3 + len(CORRECTIONS)]:
        assert comments and all(c["beside"] for c in comments), comments  # not stacked in a corner
    status = results[-3]["string"]
    assert status.startswith("Toutes les cellules signalées ont été modifiées"), status

    # Sent back: nothing left to report, and no return written again.
    check = cli("valider", str(tmp_path / "corrige"), "--json", str(tmp_path / "r2.json"), "-q", cwd=tmp_path)
    second = json.loads((tmp_path / "r2.json").read_text("utf-8"))
    assert check.returncode == 0 and second["anomalies"] == [], second["anomalies"]
    again = cli("consolider", str(tmp_path / "corrige"), "-o", str(tmp_path / "sorties" / "tdb2.xlsx"), "--retours",
                str(tmp_path / "retours2"), "-q", cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert not list((tmp_path / "retours2").rglob("*.xlsx"))  # a workbook with nothing left is not returned
    assert second["lignes"] == {"lues": 4, "consolidees": 4, "rejetees": 0, "valeurs_ecartees": 0}


def test_a_return_sent_back_keeps_its_name_and_its_list_is_replaced(tmp_path, config):
    inputs = tmp_path / "entrees"
    volunteer_workbook(inputs / "nanterre.xlsx", config)
    assert cli("consolider", str(inputs), "-o", str(tmp_path / "s" / "a.xlsx"), "--retours", str(tmp_path / "r1"),
               "-q", cwd=tmp_path).returncode == 0
    back = tmp_path / "renvoi"
    back.mkdir()
    shutil.copy(tmp_path / "r1" / ("nanterre" + SUFFIX), back)  # sent back uncorrected
    report = tmp_path / "r.json"
    assert cli("consolider", str(back), "-o", str(tmp_path / "s" / "b.xlsx"), "--retours", str(tmp_path / "r2"),
               "--json", str(report), "-q", cwd=tmp_path).returncode == 0
    codes = {a["code"] for a in json.loads(report.read_text("utf-8"))["anomalies"]}
    assert "feuille-inconnue" not in codes  # our own « À corriger » sheet is never an anomaly
    assert [p.name for p in (tmp_path / "r2").iterdir()] == ["nanterre" + SUFFIX]  # not …_a_corriger_a_corriger
    assert openpyxl.load_workbook(tmp_path / "r2" / ("nanterre" + SUFFIX)).sheetnames.count(SPEC.return_sheet) == 1


def test_hostile_files_get_a_return_and_cost_little_memory(tmp_path, config):
    inputs = tmp_path / "entrees"
    inputs.mkdir()
    for build, _ in [*hazards.HAZARDS.values(), *hazards.PROCESS_HAZARDS.values()]:
        build(inputs)
    hazards.styled_to_last_row(inputs)
    volunteer_workbook(inputs / "nanterre.xlsx", config)
    # The run in a process of its own, whose children's peak (the run and its reading children) it reports.
    measure = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)")
    done = subprocess.run([sys.executable, "-c", measure, sys.executable, "-m", "convention_xlsx", "consolider",
                           str(inputs), "-o", str(tmp_path / "s" / "t.xlsx"), "--retours", str(tmp_path / "r"),
                           "--json", str(tmp_path / "r.json"), "-q"], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path)
    peak_kib, code = done.stdout.split()[-2:]
    peak_mib = int(peak_kib) / 1024
    assert code == "0", done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr and "Erreur inattendue" not in done.stdout
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    failed = {a["fichier"] for a in report["anomalies"] if a["gravite"] == "erreur"}
    written = {p.name for p in (tmp_path / "r").rglob("*.xlsx")}
    for name in failed:  # a file that could not be read gets a return too: the blank template and the reason
        assert Path(name).stem + SUFFIX in written, name
    assert peak_mib < 400, peak_mib
