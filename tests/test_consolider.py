"""`consolider` end to end on the validation workbooks (issue 4's 'done when')."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner
from test_valider import digests, folder  # noqa: F401  (the three workbooks of the validation tests)

from convention_xlsx.cli import main
from convention_xlsx.config import load_config
from convention_xlsx.consolidate import consolidate_folder
from convention_xlsx.indicators import compute
from convention_xlsx.returns import SUFFIX
from convention_xlsx.spec import default_spec

TO_FIX = default_spec().return_sheet


@pytest.fixture
def run(folder, tmp_path):  # noqa: F811
    before = digests(folder)
    out = tmp_path / "sorties" / "tdb.xlsx"
    returns = tmp_path / "retours"
    result = CliRunner().invoke(main, ["consolider", str(folder), "-o", str(out), "--arrete", "2023-12-31",
                                       "--retours", str(returns), "--json", str(tmp_path / "r.json"), "--quiet"])
    assert digests(folder) == before, "inputs must stay byte-identical"
    return result, out, returns, json.loads((tmp_path / "r.json").read_text("utf-8"))


def test_writes_the_dashboard_with_its_sheets_and_charts(run):
    result, out, _, report = run
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    wb = openpyxl.load_workbook(out)
    for name in ("Synthèse", "Établissements", "Bilan", "Anomalies"):
        assert name in wb.sheetnames
    with zipfile.ZipFile(out) as z:
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) >= 4
    anomalies = wb["Anomalies"]
    codes = {row[0] for row in anomalies.iter_rows(values_only=True)}
    assert {"valeur-hors-liste", "date-hors-periode", "mandat-fin-avant-debut"} <= codes
    assert report["lignes"]["lues"] == report["lignes"]["consolidees"] + report["lignes"]["rejetees"]


def test_a_volunteers_formula_stays_text_in_the_dashboard(run):
    _, out, _, _ = run
    with zipfile.ZipFile(out) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        shared = z.read("xl/sharedStrings.xml").decode()
    assert not any("<f>HYPERLINK" in s or "<f>=HYPERLINK" in s for s in sheets)
    assert "=HYPERLINK(" in shared  # kept, as text


def test_the_joint_action_reported_by_both_counts_once(folder, config):  # noqa: F811
    cons = consolidate_folder(folder, config, arrete=config.period_end)
    actions = cons.tables["actions"]
    joint = actions[actions.associations == "ANVP et Auxilia"]
    assert len(joint) == 2 and joint.joint_duplicate.sum() == 1
    figures = compute(cons)
    assert figures.value("joint_actions").total == 1


def test_returns_annotate_the_faulty_workbooks(run):
    _, _, returns, _ = run
    written = sorted(p.relative_to(returns).as_posix() for p in returns.rglob("*.xlsx"))
    assert written == ["auxilia_nanterre" + SUFFIX, "fresnes/anvp_fresnes" + SUFFIX]
    wb = openpyxl.load_workbook(returns / ("auxilia_nanterre" + SUFFIX))
    assert wb.sheetnames[0] == TO_FIX
    actions = wb["Actions"]
    expected = {"C3": "liste déroulante", "A4": "hors de la période", "B5": "référentiel", "E5": "négatif"}
    for ref, words in expected.items():
        assert words in actions[ref].comment.text, ref
        assert actions[ref].fill.fgColor.rgb.endswith("F4B6B6")
    assert "Rencontre quartier arrivants" in actions["C3"].comment.text
    listed = [(r[1], r[2]) for r in wb[TO_FIX].iter_rows(min_row=8, values_only=True)]
    assert ("Actions", "C3") in listed
    link = next(c for c in wb[TO_FIX]["C"] if c.value == "C3")
    assert link.hyperlink.location == "'Actions'!C3"
    # The dropdowns are still those of the template.
    lists = [dv for dv in actions.data_validations.dataValidation if dv.type == "list"]
    assert any("C2" in str(dv.sqref) for dv in lists)


def test_strict_exits_1_when_an_error_remains(folder, tmp_path):  # noqa: F811
    result = CliRunner().invoke(main, ["consolider", str(folder), "-o", str(tmp_path / "t.xlsx"), "--strict", "-q"])
    assert result.exit_code == 1 and (tmp_path / "t.xlsx").is_file()


def test_default_output_and_arrete_through_a_real_subprocess(folder, tmp_path):  # noqa: F811
    done = subprocess.run([sys.executable, "-m", "convention_xlsx", "consolider", str(folder)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    end = load_config(None).period_end
    assert "arrêté à cette date" in done.stdout
    assert (tmp_path / "sorties" / f"tableau_de_bord_{end:%Y-%m}.xlsx").is_file()
    assert "Traceback" not in done.stdout + done.stderr


def test_chiffrer_and_anonymiser(tmp_path, monkeypatch, config):
    import io

    import msoffcrypto
    from workbooks import make_section_workbook, md_rows

    volunteers = md_rows("""
| Nom       | Prénom | Code établissement | Rôle                            | Adhérent Auxilia | Début de mandat | Fin de mandat |
|-----------|--------|--------------------|---------------------------------|------------------|-----------------|---------------|
| Lemercier | Anne   | CP-NANTERRE        | Correspondant de prison Auxilia | Non              | 2023-01-01      | 2024-01-31    |
""")
    inputs = tmp_path / "entrees"
    make_section_workbook(inputs / "a.xlsx", config, "ANVP", "Nanterre", dt.date(2023, 12, 4),
                          establishments=["CP-NANTERRE"], tables={"volunteers": volunteers})
    monkeypatch.setenv("CONVENTION_XLSX_MOT_DE_PASSE_SORTIE", "pr3sidents")
    out = tmp_path / "sorties" / "tdb.xlsx"
    result = CliRunner().invoke(main, ["consolider", str(inputs), "-o", str(out), "--chiffrer", "--anonymiser", "-q"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.parent.iterdir()) == ["historique.sqlite", "tdb.xlsx"]  # no plain copy
    office = msoffcrypto.OfficeFile(io.BytesIO(out.read_bytes()))
    assert office.is_encrypted()
    office.load_key(password="pr3sidents")
    plain = io.BytesIO()
    office.decrypt(plain)
    wb = openpyxl.load_workbook(plain, read_only=True)
    cells = {str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v}
    assert not cells & {"Lemercier", "Anne"}
    assert {"L.", "A."} <= cells  # the mandate is still listed, by initials


def test_chiffrer_without_password_nor_terminal_is_a_usage_error(folder, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.delenv("CONVENTION_XLSX_MOT_DE_PASSE_SORTIE", raising=False)
    result = CliRunner().invoke(main, ["consolider", str(folder), "-o", str(tmp_path / "t.xlsx"), "--chiffrer", "-q"])
    assert result.exit_code == 2 and "CONVENTION_XLSX_MOT_DE_PASSE_SORTIE" in result.output
    assert not (tmp_path / "t.xlsx").exists()


def test_each_anomaly_links_to_its_cell_in_the_annotated_return(run):
    _, out, returns, _ = run
    ws = openpyxl.load_workbook(out)["Anomalies"]
    header = next(r for r in ws.iter_rows(max_row=10) if any(c.value == "Cellule" for c in r))
    file_col = next(c.column for c in header if c.value == "Fichier")
    cell_col = next(c.column for c in header if c.value == "Cellule")
    links = {}
    for row in ws.iter_rows(min_row=header[0].row + 1):
        cell = row[cell_col - 1]
        if cell.hyperlink is not None:
            links[(row[file_col - 1].value, cell.value)] = (cell.hyperlink.target, cell.hyperlink.location)
    path, anchor = links[("auxilia_nanterre.xlsx", "C3")]
    # XlsxWriter stores external links with Excel's backslashes; the path is relative to the dashboard.
    assert (out.parent / path.replace("\\", "/")).resolve() == (returns / ("auxilia_nanterre" + SUFFIX)).resolve()
    assert anchor == "'Actions'!C3"
