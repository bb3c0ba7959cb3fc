"""Reading one file: every hazard becomes a French reason; every valid workbook gives cells at their place."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from pathlib import Path

import hazards
import pytest
from conftest import libreoffice_convert
from hypothesis import given, settings
from hypothesis import strategies as st

from convention_xlsx.findings import CATALOGUE
from convention_xlsx.reading import Limits, RawWorkbook, ReadFailure, read_workbook


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_ok(path: Path, **kwargs: object) -> RawWorkbook:
    result = read_workbook(path, root=path.parent, **kwargs)
    assert isinstance(result, RawWorkbook), result
    return result


def _sheet(workbook: RawWorkbook, name: str) -> list[list[object]]:
    return next(s.rows for s in workbook.sheets if s.name == name)


@pytest.mark.parametrize("name", sorted(hazards.HAZARDS))
def test_every_hazard_is_refused_with_its_code_and_a_french_reason(tmp_path: Path, name: str) -> None:
    build, code = hazards.HAZARDS[name]
    path = build(tmp_path)
    before = _sha256(path)

    result = read_workbook(path, root=tmp_path)

    assert isinstance(result, ReadFailure)
    assert (result.code, result.info.path) == (code, path.name)
    assert result.code in CATALOGUE
    assert "demandez" in result.reason.lower() or "donnez" in result.reason  # says what to do
    assert result.info.sha256 == before and result.info.size == path.stat().st_size
    assert result.info.modified is not None and result.info.format
    assert _sha256(path) == before  # never modified


def test_the_not_a_workbook_reason_names_what_the_file_is(tmp_path: Path) -> None:
    assert "PDF" in read_workbook(hazards.pdf_like(tmp_path)).reason
    assert "CSV" in read_workbook(hazards.csv_named_xlsx(tmp_path)).reason
    assert "Word" in read_workbook(hazards.docx_like(tmp_path)).reason
    html = tmp_path / "page.xlsx"
    html.write_text("<!DOCTYPE html><html><body>tableau</body></html>", encoding="utf-8")
    assert "HTML" in read_workbook(html).reason


def test_an_external_entity_never_brings_a_local_file_into_the_result(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("MOT-DE-PASSE-LOCAL-42\n", encoding="utf-8")
    result = read_workbook(hazards.external_entity(tmp_path, str(secret)))
    assert isinstance(result, ReadFailure) and result.code == "contenu-xml-interdit"
    assert "MOT-DE-PASSE-LOCAL-42" not in repr(result)
    passwd = read_workbook(hazards.external_entity(tmp_path / "", "/etc/passwd"))
    assert "root:" not in repr(passwd)


def test_encrypted_workbook_is_read_in_memory_with_the_password(tmp_path: Path) -> None:
    path = hazards.encrypted(tmp_path, password="s3cret")
    before = sorted(tmp_path.iterdir())

    workbook = _read_ok(path, password="s3cret")
    wrong = read_workbook(path, password="faux")

    assert _sheet(workbook, "Section")[1] == ["Nom de la section", "Nanterre"]
    assert workbook.properties == {"Version du modèle": "2026.1"}
    assert isinstance(wrong, ReadFailure) and wrong.code == "fichier-chiffre"
    assert "mot de passe" in wrong.reason
    assert sorted(tmp_path.iterdir()) == before  # no decrypted copy written


def test_macro_enabled_workbook_is_read_with_a_warning_and_without_its_macros(tmp_path: Path) -> None:
    workbook = _read_ok(hazards.macro_enabled(tmp_path))
    assert workbook.info.format == "xlsm" and workbook.has_macros
    assert [code for code, _ in workbook.notes] == ["macros-ignorees"]
    assert _sheet(workbook, "Section")[0] == ["Association", "ANVP"]


def test_positions_are_exact_when_data_starts_at_c5(tmp_path: Path) -> None:
    path = hazards.workbook(tmp_path / "c5.xlsx", {"Feuille": [("C5", "en-tête"), ("D6", 3), ("E7", 2.5)]})
    rows = _sheet(_read_ok(path), "Feuille")
    assert rows == [[], [], [], [], [None, None, "en-tête"], [None, None, None, 3], [None, None, None, None, 2.5]]
    assert rows[4][2] == "en-tête"  # C5: Excel row 5, column 3


def test_values_keep_their_type(tmp_path: Path) -> None:
    cells = [("A1", "texte"), ("B1", 7), ("C1", 1.25), ("D1", True), ("E1", dt.date(2022, 3, 4)),
             ("F1", dt.datetime(2022, 3, 4, 10, 30)), ("G1", None), ("H1", " a\u00a0")]
    rows = _sheet(_read_ok(hazards.workbook(tmp_path / "types.xlsx", {"T": cells})), "T")
    assert rows == [["texte", 7, 1.25, True, dt.date(2022, 3, 4), dt.datetime(2022, 3, 4, 10, 30), None, " a\u00a0"]]
    assert type(rows[0][1]) is int


def test_the_1904_date_system_gives_the_right_dates(tmp_path: Path) -> None:
    path = hazards.workbook(tmp_path / "mac.xlsx", {"Actions": [("A1", dt.date(2022, 3, 4)),
                                                               ("A2", dt.datetime(2021, 12, 31, 8, 0))]},
                            epoch_1904=True)
    assert _sheet(_read_ok(path), "Actions") == [[dt.date(2022, 3, 4)], [dt.datetime(2021, 12, 31, 8, 0)]]


def test_hidden_sheets_are_flagged_and_properties_read(tmp_path: Path) -> None:
    path = hazards.workbook(tmp_path / "cache.xlsx", {"Visible": [("A1", 1)], "Cachée": [("A1", 2)]},
                            hidden=["Cachée"], properties={"Version du modèle": "2026.1"})
    workbook = _read_ok(path)
    assert [(s.name, s.hidden) for s in workbook.sheets] == [("Visible", False), ("Cachée", True)]
    assert workbook.properties == {"Version du modèle": "2026.1"}


def test_a_sheet_styled_down_to_row_1048576_is_read_quickly_and_trimmed(tmp_path: Path) -> None:
    path = hazards.styled_to_last_row(tmp_path)
    start = time.perf_counter()
    rows = _sheet(_read_ok(path), "Actions")
    assert time.perf_counter() - start < 5
    assert rows == [["Date", "Type"], [], [dt.date(2022, 5, 1), "Autre"]]


def test_blank_formulas_down_to_row_200000_are_not_kept(tmp_path: Path) -> None:
    rows = _sheet(_read_ok(hazards.blank_formulas_down(tmp_path)), "Feuille")
    assert rows == [[], [], [], [], [None, None, "donnée"]]


def test_real_data_beyond_the_row_limit_refuses_the_file(tmp_path: Path) -> None:
    path = hazards.workbook(tmp_path / "long.xlsx", {"Feuille": [("A1", "x"), ("C5", "y")]})
    assert _sheet(_read_ok(path, limits=Limits(max_rows=5)), "Feuille")[4] == [None, None, "y"]
    result = read_workbook(path, limits=Limits(max_rows=4))
    assert isinstance(result, ReadFailure) and result.code == "fichier-trop-volumineux"
    assert "ligne 5" in result.reason


def test_a_file_over_the_size_limit_is_refused_without_being_parsed(tmp_path: Path) -> None:
    path = hazards.valid(tmp_path)
    result = read_workbook(path, limits=Limits(max_file_bytes=1000))
    assert isinstance(result, ReadFailure) and result.code == "fichier-trop-volumineux"
    assert result.info.sha256 == _sha256(path) and result.info.format == "zip"


def test_a_missing_file_is_a_failure_not_an_exception(tmp_path: Path) -> None:
    result = read_workbook(tmp_path / "absent.xlsx")
    assert isinstance(result, ReadFailure) and result.code == "fichier-illisible"


def test_paths_are_relative_to_the_root_with_slashes(tmp_path: Path) -> None:
    (tmp_path / "Auxilia").mkdir()
    path = hazards.valid(tmp_path / "Auxilia")
    assert read_workbook(path, root=tmp_path).info.path == "Auxilia/section.xlsx"
    assert read_workbook(path).info.path == "section.xlsx"


@pytest.mark.parametrize(("target", "expected_format"), [("ods", "ods"), ("xls:MS Excel 97", "xls")])
def test_libreoffice_formats_are_read(tmp_path: Path, soffice: str, target: str, expected_format: str) -> None:
    source = hazards.workbook(tmp_path / "section.xlsx", {"Section": [("A1", "Association"), ("B1", "ANVP"),
                                                                      ("B3", dt.date(2023, 1, 15)), ("C4", 4)]})
    converted = libreoffice_convert(source, target, tmp_path / "converti")
    workbook = _read_ok(converted)
    assert workbook.info.format == expected_format
    assert _sheet(workbook, "Section") == [["Association", "ANVP"], [], [None, dt.date(2023, 1, 15)],
                                           [None, None, 4]]


def test_formulas_saved_without_their_result_are_listed(tmp_path: Path) -> None:
    path = hazards.workbook(tmp_path / "formules.xlsx", {"Calcul": [("A1", 1), ("B2", "=A1*2"),
                                                                   ("C3", '=IF(A1=1,"","x")')]})
    sheet = _read_ok(path).sheets[0]
    assert sheet.rows == [[1]]  # the formulas read as empty cells…
    assert sheet.formulas_without_value == ["B2", "C3"]  # …and are reported as such
    blank = _read_ok(hazards.blank_formulas_down(tmp_path, last_row=50)).sheets[0]
    assert blank.formulas_without_value == []  # a cached empty string is a value


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_the_sheets_nobody_parses_are_listed_but_not_read_and_the_parse_is_unchanged(tmp_path: Path, suffix) -> None:
    """The notice, lists and référentiel are three quarters of the template's cells: skipping them must
    change nothing the parse gives (rows, findings, counts), even with a note typed in the notice."""
    import openpyxl
    from workbooks import make_section_workbook, md_rows

    from convention_xlsx.config import load_config
    from convention_xlsx.consolidate import parse_context
    from convention_xlsx.parse import parse_workbook, unread_sheets

    config = load_config(None)
    spec = config.spec
    path = make_section_workbook(
        tmp_path / "s.xlsx", config, spec.parties[0].name, "Lyon", dt.date(2023, 5, 2),
        establishments=["CP-NANTERRE"], tables={"actions": md_rows("""
| Date       | Code établissement | Type d'action | Associations |
| 2023-03-15 | CP-NANTERRE        | Autre         | ANVP         |
| 40/03/2023 | Nanterre           | Inconnue      | ANVP         |
""")})
    wb = openpyxl.load_workbook(path)
    wb[spec.readme.name]["C3"] = "Note du bénévole"
    wb.save(path)
    if suffix == ".ods":
        path = libreoffice_convert(path, "ods", tmp_path / "ods")
    unread = unread_sheets(spec)
    assert {spec.readme.name, spec.lists_sheet, spec.referentiel_sheet} <= set(unread)

    full, skipped = _read_ok(path), _read_ok(path, unread=unread)

    assert [s.name for s in full.sheets] == [s.name for s in skipped.sheets]
    for a, b in zip(full.sheets, skipped.sheets, strict=True):
        if a.name in unread:
            assert b.unread and b.rows == [] and a.rows, a.name
        else:
            assert not b.unread and b.rows == a.rows and b.merged == a.merged, a.name
    ctx = parse_context(config, dt.date(2023, 6, 1), dt.date(2023, 6, 1))
    one, two = parse_workbook(full, ctx), parse_workbook(skipped, ctx)
    assert one.rows == two.rows and one.rows["actions"]
    assert one.findings == two.findings and one.findings
    assert (one.rows_read, one.rows_rejected) == (two.rows_read, two.rows_rejected)


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _cell_xml(kind: str, ref: str, gap: str) -> str:
    return {
        "value": f'<c r="{ref}" t="n"><v>3</v></c>',
        "cached": f'<c r="{ref}" s="1">{gap}<f>A1*2</f>{gap}<v>6</v>{gap}</c>',
        "uncached": f'<c r="{ref}" s="2">{gap}<f>A1*2</f>{gap}</c>',
        "empty-value": f'<c r="{ref}">{gap}<f>SUM(A1:A3)</f><v/>{gap}</c>',
        "shared": f'<c r="{ref}"><f t="shared" si="0"/>{gap}</c>',
        "string-result": f'<c r="{ref}" t="str"><f>""</f><v></v></c>',
        "blank": f'<c r="{ref}" s="3"/>',
        "inline": f'<c r="{ref}" t="inlineStr"><is><t>&lt;f&gt; texte</t></is></c>',
    }[kind]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["value", "cached", "uncached", "empty-value", "shared",
                                           "string-result", "blank", "inline"]),
                          st.sampled_from(["", " ", "\n  "])), min_size=1, max_size=12))
def test_formulas_without_a_value_are_exactly_the_ones_an_xml_parser_finds(cells) -> None:
    """The fast byte search agrees with a real XML parser on any mix of cells (the oracle)."""
    import io
    import zipfile
    from xml.etree import ElementTree

    from convention_xlsx.reading.formulas import uncached_formulas

    row = "".join(_cell_xml(kind, f"{chr(65 + i % 26)}{1 + i // 26}", gap) for i, (kind, gap) in enumerate(cells))
    sheet = f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1">{row}</row></sheetData></worksheet>'
    workbook = (f'<workbook xmlns="{_MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships"><sheets><sheet name="Actions" sheetId="1" r:id="rId1"/></sheets></workbook>')
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="worksheet"/></Relationships>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", rels)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    expected = []
    for c in ElementTree.fromstring(sheet).iter(f"{{{_MAIN}}}c"):
        value = c.find(f"{{{_MAIN}}}v")
        if (c.find(f"{{{_MAIN}}}f") is not None and c.get("t") not in ("str", "inlineStr", "s")
                and (value is None or not (value.text or "").strip())):
            expected.append(c.get("r"))

    with zipfile.ZipFile(buffer) as zf:
        found = uncached_formulas(zf)

    assert found.get("Actions", []) == expected


@pytest.fixture(scope="module")
def template_bytes(tmp_path_factory) -> bytes:
    from convention_xlsx.config import load_config
    from convention_xlsx.template import build_template

    path = tmp_path_factory.mktemp("tpl") / "modele.xlsx"
    build_template(load_config(None)).save(path)
    return path.read_bytes()


def _scan_outcome(data: bytes, fast: bool) -> str:
    import io
    import zipfile

    from convention_xlsx.reading import DEFAULT_LIMITS
    from convention_xlsx.reading.limits import ReadProblem
    from convention_xlsx.reading.preflight import scan_members

    try:
        scan_members(zipfile.ZipFile(io.BytesIO(data)), DEFAULT_LIMITS, data if fast else None)
    except ReadProblem as problem:
        return problem.code
    return "lu"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 7)), min_size=1, max_size=6),
       st.sampled_from(["bits", "stored", "dtd"]))
def test_the_fast_preflight_judges_every_damaged_member_as_zipfile_does(template_bytes, flips, how) -> None:
    """Bit flips anywhere (headers, compressed data, directory), a member stored rather than deflated, a
    DOCTYPE: the zlib fast path and the chunked zipfile path give the same verdict."""
    import io
    import zipfile

    data = template_bytes
    if how in ("stored", "dtd"):
        buffer = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buffer, "w") as out:
            for i, item in enumerate(src.infolist()):
                body = src.read(item)
                if how == "dtd" and i == len(flips) % len(src.infolist()):
                    body = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>' + body
                out.writestr(item.filename, body,
                             zipfile.ZIP_STORED if how == "stored" and i % 2 else zipfile.ZIP_DEFLATED)
        data = buffer.getvalue()
    damaged = bytearray(data)
    if how == "bits":
        for where, bit in flips:
            damaged[int(where * len(damaged))] ^= 1 << bit
    try:
        zipfile.ZipFile(io.BytesIO(bytes(damaged))).infolist()
    except Exception:  # noqa: BLE001 - a directory zipfile cannot open never reaches the scan
        return
    assert _scan_outcome(bytes(damaged), fast=True) == _scan_outcome(bytes(damaged), fast=False)
    if how == "dtd":
        assert _scan_outcome(bytes(damaged), fast=True) == "contenu-xml-interdit"


def _central_entries(data: bytes) -> list[int]:
    """Offsets of the central directory's entries (signature PK\\x01\\x02)."""
    out, at = [], data.find(b"PK\x01\x02")
    while at != -1:
        out.append(at)
        at = data.find(b"PK\x01\x02", at + 4)
    return out


@pytest.mark.parametrize("flag", [0x20, 0x40])
def test_the_fast_preflight_leaves_the_flags_zipfile_refuses_to_zipfile(template_bytes, flag) -> None:
    damaged = bytearray(template_bytes)
    first = _central_entries(template_bytes)[0]
    damaged[first + 8] |= flag  # general purpose flags of the first member, in the central directory
    assert _scan_outcome(bytes(damaged), fast=True) == _scan_outcome(bytes(damaged), fast=False) == \
        "fichier-illisible"


def test_the_fast_preflight_decodes_a_name_by_the_local_header_as_zipfile_does() -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/é.xml", b"<a/>" * 100)
    data = bytearray(buffer.getvalue())
    central = _central_entries(bytes(data))[0]
    data[central + 9] &= ~0x08  # the central entry no longer says UTF-8; the local header still does
    assert _scan_outcome(bytes(data), fast=True) == _scan_outcome(bytes(data), fast=False) == "fichier-illisible"


def test_members_sharing_their_bytes_are_judged_by_zipfile() -> None:
    """One local entry named by several central entries (a zip bomb's trick): the fast path leaves it to
    zipfile, which refuses names that differ from the local header's."""
    import io
    import struct
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.xml", b"<a/>" * 1000)
    data = buffer.getvalue()
    central = _central_entries(data)[0]
    end = data.find(b"PK\x05\x06")
    entry = data[central:end]
    copies = [entry[:46] + name + entry[46 + 5:] for name in (b"a.xml", b"b.xml", b"c.xml")]
    directory = b"".join(copies)
    tail = bytearray(data[end:])
    struct.pack_into("<HHII", tail, 8, 3, 3, len(directory), central)
    hostile = data[:central] + directory + bytes(tail)
    assert len(zipfile.ZipFile(io.BytesIO(hostile)).infolist()) == 3
    assert _scan_outcome(hostile, fast=True) == _scan_outcome(hostile, fast=False) == "fichier-illisible"
