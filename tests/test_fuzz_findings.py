"""What the fuzzer (tests/fuzz.py) found, pinned one by one so that each stays fixed.

- « nombre-impossible »: 1e308 (or 1e20) in a count cell became a Python int that the ``Int64``
  table could not hold: OverflowError while building the tables, the whole month lost (« Erreur
  inattendue »). Counts, amounts and durations are now bounded (a finding at the cell).
- « caracteres-controle »: a control character in a cell reached a finding's value; openpyxl refused
  it while writing the return (IllegalCharacterError), and a terminal would have obeyed it (escape
  sequences). A finding now replaces such characters.
- « date-sans-valeur », « type-impossible », « nombre-impossible » (a 400-digit number): openpyxl
  reads those cells but cannot write them back: the annotated return crashed on save. The return is
  then the « À corriger » list alone.
- « reference-invalide »: a cell at row 1,048,577 made openpyxl's sheet one row longer than Excel's,
  and restoring the dropdowns down to it raised ValueError: the whole --retours run lost.
- « fusion-geante »: a merge over the whole sheet made openpyxl create one object per merged cell in
  the main process (13.8 GB measured): such a workbook gets the list alone, without opening it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import time
import zipfile
from pathlib import Path

import fuzz
import openpyxl
import pytest
from test_fuzz import TABLES
from workbooks import make_section_workbook, md_rows

from convention_xlsx import normalize as norm
from convention_xlsx.consolidate import consolidate_folder
from convention_xlsx.findings import Finding
from convention_xlsx.returns import write_returns
from convention_xlsx.spec import default_spec

TO_FIX = default_spec().return_sheet


@pytest.mark.parametrize("raw", [1e308, 1e20, 10**13, "1e308", 2.0**64])
def test_a_count_too_large_for_the_table_is_a_finding(raw):
    assert norm.to_count(raw) == norm.Problem("nombre-invalide", norm._TOO_LARGE)
    assert norm.to_amount(raw).code == "montant-invalide" and "trop grand" in norm.to_amount(raw).message
    assert norm.to_decimal(raw).code == "nombre-invalide"
    assert norm.to_count(norm.MAX_COUNT) == norm.MAX_COUNT
    assert norm.to_amount(norm.MAX_NUMBER) == norm.MAX_NUMBER


def _workbook(path, config, number: int, change=None):
    tables = {key: md_rows(text, sheet=key) for key, text in TABLES.items()}
    make_section_workbook(path, config, "ANVP", f"Fuzz-{number:04d}", dt.date(2023, 11, 20),
                          establishments=["CP-NANTERRE", "MA-ANGOULEME"], tables=tables)
    if change is not None:
        wb = openpyxl.load_workbook(path)
        change(wb)
        wb.save(path)
    return path


def test_1e308_in_a_count_cell_is_a_finding_at_its_cell_and_the_month_goes_on(config, tmp_path):
    folder = tmp_path / "entrees"
    folder.mkdir()
    _workbook(folder / "grand.xlsx", config, 1, lambda wb: wb["Établissements"].__setitem__("D2", 1e308))
    _workbook(folder / "sain.xlsx", config, 2)
    cons = consolidate_folder(folder, config, arrete=dt.date(2023, 11, 30), today=dt.date(2024, 2, 1))
    found = [f for f in cons.report.findings if f.file == "grand.xlsx" and f.code == "nombre-invalide"]
    assert [(f.sheet, f.cell, f.column) for f in found] == [("Établissements", "D2", "Visiteurs ANVP actifs")]
    assert "trop grand" in found[0].message
    assert sorted(cons.tables["establishments"]["anvp_visitors"].dropna().tolist()) == [3, 3, 12]


def test_a_finding_never_carries_a_character_a_workbook_or_a_terminal_cannot_take():
    f = Finding("nombre-invalide", "a.xlsx", "Actions", "B2", value="\x01Oui\x1b[2J\ufffe\x9b", message="é")
    assert f.value == "\ufffdOui\ufffd[2J\ufffd\ufffd" and f.message == "é"
    wb = openpyxl.Workbook()
    wb.active["A1"] = f.value  # openpyxl refused the raw value (IllegalCharacterError)


def _zip_change(path, change):
    with zipfile.ZipFile(path) as zf:
        members = [(i.filename, zf.read(i)) for i in zf.infolist()]
    path.write_bytes(fuzz._zip([(n, change(n, d)) for n, d in members]))
    return path


def _cons_and_returns(config, folder, out):
    cons = consolidate_folder(folder, config, arrete=dt.date(2023, 11, 30), today=dt.date(2024, 2, 1))
    return cons, write_returns(cons, folder, out)


def test_a_date_cell_with_no_value_still_gets_its_return(config, tmp_path):
    folder = tmp_path / "entrees"
    folder.mkdir()
    path = _workbook(folder / "date-vide.xlsx", config, 3)
    _zip_change(path, lambda n, d: d.replace(b'<c r="A2" s="19" t="n"><v>45000</v></c>', b'<c r="A2" s="19" t="d"/>')
                if n == "xl/worksheets/sheet5.xml" else d)
    assert b't="d"/>' in zipfile.ZipFile(path).read("xl/worksheets/sheet5.xml")
    _, written = _cons_and_returns(config, folder, tmp_path / "retours")
    back = openpyxl.load_workbook(written["date-vide.xlsx"])  # rebuilt from the template: it saves, it opens
    assert back.sheetnames[0] == TO_FIX and "Actions" in back.sheetnames


def test_a_cell_past_the_last_row_of_excel_does_not_stop_the_returns(config, tmp_path):
    folder = tmp_path / "entrees"
    folder.mkdir()
    path = _workbook(folder / "ligne.xlsx", config, 7)
    _zip_change(path, lambda n, d: d.replace(b'<c r="H3" s="14" t="n" />', b'<c r="H1048577" t="n"><v>1</v></c>')
                if n == "xl/worksheets/sheet3.xml" else d)
    assert b"H1048577" in zipfile.ZipFile(path).read("xl/worksheets/sheet3.xml")
    _, written = _cons_and_returns(config, folder, tmp_path / "retours")
    assert openpyxl.load_workbook(written["ligne.xlsx"]).sheetnames[0] == TO_FIX


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="/proc absent : mémoire non bornable ici")
def test_a_merge_over_the_whole_sheet_costs_neither_memory_nor_time(config, tmp_path):
    folder = tmp_path / "entrees"
    folder.mkdir()
    path = _workbook(folder / "fusion.xlsx", config, 4)
    merge = b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'
    _zip_change(path, lambda n, d: d.replace(b"</sheetData>", b"</sheetData>" + merge, 1)
                if n == "xl/worksheets/sheet3.xml" else d)
    started = time.monotonic()
    with _bounded_memory(3 * 1024**3):  # should it regress, openpyxl would build 17 billion merged cells
        cons, written = _cons_and_returns(config, folder, tmp_path / "retours")
    assert time.monotonic() - started < 20
    assert cons.report.files[0].status == "lu"  # the reader is not fooled either
    assert openpyxl.load_workbook(written["fusion.xlsx"]).sheetnames[0] == TO_FIX


@contextlib.contextmanager
def _bounded_memory(more: int):
    """This process may grow by ``more`` bytes of address space, no further (then MemoryError)."""
    import resource

    status = Path("/proc/self/status").read_text().splitlines()
    size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize"))
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (size + more, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def test_openpyxl_says_nothing_on_the_terminal_about_a_damaged_file(config, tmp_path, capsys):
    folder = tmp_path / "entrees"
    folder.mkdir()
    path = _workbook(folder / "style.xlsx", config, 5)
    _zip_change(path, lambda n, d: d.replace(b's="15" t="n"><v>12</v>', b's="99999" t="n"><v>12</v>')
                if n == "xl/worksheets/sheet3.xml" else d)
    with _no_warnings():
        _cons_and_returns(config, folder, tmp_path / "retours")
    out = capsys.readouterr()
    assert "out of range" not in out.out + out.err


class _no_warnings:
    def __enter__(self):
        import warnings

        self.catcher = warnings.catch_warnings(record=True)
        self.seen = self.catcher.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc):
        self.catcher.__exit__(*exc)
        assert [str(w.message) for w in self.seen if "openpyxl" in w.filename] == []
        return False


def test_a_normal_workbook_still_gets_its_annotated_copy(config, tmp_path):
    folder = tmp_path / "entrees"
    folder.mkdir()
    _workbook(folder / "normal.xlsx", config, 6)
    _, written = _cons_and_returns(config, folder, tmp_path / "retours")
    assert openpyxl.load_workbook(io.BytesIO(written["normal.xlsx"].read_bytes())).sheetnames[0] == TO_FIX
    assert len(openpyxl.load_workbook(written["normal.xlsx"]).sheetnames) > 5  # annotated, not the list alone


@pytest.mark.parametrize("raw", [dt.datetime(9999, 12, 31), dt.date(1000, 1, 1), "31/12/2300", 2_958_465, "05/2500"])
def test_a_date_no_table_can_hold_is_a_finding_not_a_crash(raw):
    """A year pandas cannot hold (after 2262) once stopped the whole run (OverflowError in the tables)."""
    assert isinstance(norm.to_date(raw), norm.Problem) and isinstance(norm.to_month(raw), norm.Problem)
    assert norm.to_month("mai 0000").code == "mois-invalide"  # once a ValueError out of dt.date
    assert norm.to_date(dt.date(2199, 12, 31)) == dt.date(2199, 12, 31)
    assert norm.to_month(dt.date(1900, 1, 31)) == dt.date(1900, 1, 1)


def test_a_damaged_member_name_never_reaches_a_cell_with_its_control_characters(config, tmp_path):
    """A bit flip in a member's name put a control character in the reason, and the return's
    « À corriger » sheet could not be written (IllegalCharacterError): the whole --retours stopped."""
    from convention_xlsx.reading.limits import ReadProblem
    from convention_xlsx.returns.to_fix import annotate
    from convention_xlsx.template import build_template

    reason = ReadProblem("fichier-illisible", "élément « xl\x02worksheets/sheet4.xml » illisible").reason
    assert "\x02" not in reason and "\ufffd" in reason
    wb = build_template(config)
    annotate(wb, [], config, file_name="envoi\x01.xlsx", association="ANVP", run_day=dt.date(2024, 2, 1),
             reason="Votre fichier n'a pas pu être lu (\x03).")
    wb.save(tmp_path / "retour.xlsx")
    first = openpyxl.load_workbook(tmp_path / "retour.xlsx").worksheets[0]
    assert first.title == config.spec.return_sheet
    assert any("\ufffd" in str(c.value) for row in first.iter_rows(max_row=8) for c in row if c.value)


@pytest.mark.parametrize("bad", ["\ufffe", "\uffff", "\x01", "\x1f"])
def test_characters_no_xml_part_can_hold_never_reach_a_cell(bad):
    """The long fuzz found « \\ufffe05/2023 » written back into a return: openpyxl's own check misses
    U+FFFE, and the return was a file no spreadsheet opens. Text read, findings, reasons and the
    return's values all drop or replace them."""
    from convention_xlsx.findings import Finding
    from convention_xlsx.reading.limits import ReadProblem
    from convention_xlsx.returns.rebuild import _text
    from convention_xlsx.text import UNWRITABLE

    typed = f"{bad}05/2023 note{bad}"
    assert not UNWRITABLE.search(norm.to_text(typed)) and norm.to_text(typed) == "05/2023 note"
    assert not UNWRITABLE.search(_text(typed))
    assert not UNWRITABLE.search(Finding("date-invalide", "a.xlsx", value=typed, message=typed).value)
    assert not UNWRITABLE.search(ReadProblem("fichier-illisible", typed).reason)
