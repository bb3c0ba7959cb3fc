"""The dashboard read back with openpyxl: sheets, rows, charts, text safety, names, print."""

import datetime as dt
import re
import zipfile

import openpyxl
import pytest
from factories import SectionFile, consolidation, sample

from convention_xlsx.dashboard import write_dashboard
from convention_xlsx.dashboard.registry import entries
from convention_xlsx.findings import Finding
from convention_xlsx.indicators import compute

FORMULA_TEXT = '=HYPERLINK("http://x","y")'
EXPECTED_SHEETS = ["Synthèse", "Établissements", "Par DISP", "Évolution", "Changements", "Actions", "Réunions",
                   "Orientations", "Formations", "Communication", "Appels à projet", "Mandats", "Suivi des envois",
                   "Bilan", "Recommandations", "Anomalies", "À propos"]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    f = SectionFile("ANVP", "Nanterre", updated=dt.date(2023, 6, 2))
    f.add("establishments", establishment="CP-NANTERRE", anvp_present=True, anvp_visitors=4)
    f.add("actions", date=dt.date(2023, 3, 2), establishment="CP-NANTERRE", action_type="Autre",
          associations="ANVP et Auxilia", description=FORMULA_TEXT)
    f.add("volunteers", last_name="Zéphyrin", first_name="Anne", establishment="CP-NANTERRE",
          role="Visiteur et correspondant", mandate_start=dt.date(2023, 1, 1), mandate_end=dt.date(2023, 7, 31))
    finding = Finding("valeur-hors-liste", "ANVP_Nanterre.xlsx", "Actions", "C4", "Type d'action", "Rencontre",
                      "La valeur n'est pas dans la liste.", "Rencontre quartier arrivants")
    path = tmp_path_factory.mktemp("dash") / "sorties" / "tableau.xlsx"
    cons = consolidation([f], findings=[finding])
    write_dashboard(cons, path)
    return path, cons


@pytest.fixture(scope="module")
def small(written):
    return written[0]


def test_sheets_in_order(written):
    path, cons = written
    assert [e.name for e in entries(compute(cons))] == EXPECTED_SHEETS
    assert openpyxl.load_workbook(path).sheetnames == EXPECTED_SHEETS


def test_every_establishment_has_a_row(small):
    ws = openpyxl.load_workbook(small)["Établissements"]
    table = ws.tables["Sites"]
    first, last = (int(re.sub(r"\D", "", part)) for part in table.ref.split(":"))
    assert last - first == 186
    header = [c.value for c in ws[first]]
    codes = [ws.cell(r, header.index("Code") + 1).value for r in range(first + 1, last + 1)]
    assert "CP-NANTERRE" in codes and len(set(codes)) == 186


def test_at_least_six_native_charts(small):
    with zipfile.ZipFile(small) as z:
        charts = [n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
    assert len(charts) >= 6


def test_volunteer_text_stays_text(small):
    ws = openpyxl.load_workbook(small)["Actions"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == FORMULA_TEXT]
    assert cells and all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(small) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    assert "<f>" not in xml and "HYPERLINK(&quot;http" not in xml.split("sharedStrings")[0]


def test_names_appear_in_mandats_only(small):
    wb = openpyxl.load_workbook(small)
    holders = {ws.title for ws in wb for row in ws.iter_rows(values_only=True) if "Zéphyrin" in row}
    assert holders == {"Mandats"}


def test_print_setup_on_every_sheet(small):
    for ws in openpyxl.load_workbook(small):
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.paperSize == 9, ws.title
        # fitToWidth="1" is the default, which XlsxWriter leaves out of the XML.
        assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth or 1) == 1, ws.title
        assert "&P" in ws.oddFooter.center.text and "30/06/2023" in ws.oddHeader.right.text, ws.title


def test_anomalies_and_manifest(small):
    wb = openpyxl.load_workbook(small)
    ws = wb["Anomalies"]
    assert [c.value for c in ws[4]] == ["Code", "Gravité", "Fichier", "Feuille", "Cellule", "Colonne", "Valeur",
                                       "Message", "Suggestion"]
    assert [c.value for c in ws[5]][:5] == ["valeur-hors-liste", "erreur", "ANVP_Nanterre.xlsx", "Actions", "C4"]
    about = [v for row in wb["À propos"].iter_rows(values_only=True) for v in row if v is not None]
    assert "ANVP_Nanterre.xlsx" in about and "0" * 64 in about


def test_reminder_links_and_internal_links(small):
    wb = openpyxl.load_workbook(small)
    links = [c.hyperlink.target for row in wb["Suivi des envois"].iter_rows() for c in row if c.hyperlink]
    assert links and all(t.startswith("mailto:") for t in links)
    internal = [c.hyperlink.location for row in wb["Synthèse"].iter_rows() for c in row if c.hyperlink]
    assert "'Établissements'!A1" in internal and "'Bilan'!A1" in internal


def test_write_is_atomic_and_leaves_no_temporary_file(small):
    assert sorted(p.name for p in small.parent.iterdir()) == ["tableau.xlsx"]


def test_national_sample_writes_and_counts_by_status(tmp_path):
    path = tmp_path / "national.xlsx"
    write_dashboard(sample(), path)
    ws = openpyxl.load_workbook(path)["Par DISP"]
    total = next(row for row in ws.iter_rows(values_only=True) if row[0] == "Total")
    assert total[5] == 186
