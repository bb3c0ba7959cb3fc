"""Builders of hazardous input files: each writes one real file into a folder and returns its path.

LibreOffice conversions (``.ods``, ``.xls``) go through ``conftest.libreoffice_convert``.
Used by the reading tests and by end-to-end tests (a folder mixing valid workbooks with one file of
each hazard). Everything is built small and fast: bombs are forged or made of compressible zeros.
``HAZARDS`` maps a name to (builder, expected finding code) for parametrised tests.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import struct
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import msoffcrypto.format.ooxml
import openpyxl
from openpyxl.styles import Font
from openpyxl.utils.datetime import CALENDAR_MAC_1904

SHEET_PART = "xl/worksheets/sheet1.xml"
MIB = 1024 * 1024


def workbook(path: Path, sheets: dict[str, Iterable[tuple[str, object]]] | None = None,
             hidden: Iterable[str] = (), properties: dict[str, str] | None = None,
             epoch_1904: bool = False) -> Path:
    """A real xlsx: ``sheets`` maps a sheet name to (cell reference, value) pairs, e.g. ("C5", 3)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    if epoch_1904:
        wb.epoch = CALENDAR_MAC_1904
    for name, cells in (sheets or {"Section": [("A1", "Association"), ("B1", "ANVP")]}).items():
        ws = wb.create_sheet(name)
        for ref, value in cells:
            ws[ref] = value
        if name in hidden:
            ws.sheet_state = "hidden"
    if properties:
        from openpyxl.packaging.custom import StringProperty

        for name, value in properties.items():
            wb.custom_doc_props.append(StringProperty(name=name, value=value))
    wb.save(path)
    return path


def valid(folder: Path, name: str = "section.xlsx") -> Path:
    return workbook(folder / name, {"Section": [("A1", "Association"), ("B1", "ANVP"),
                                                ("A2", "Nom de la section"), ("B2", "Nanterre")]},
                    properties={"Version du modèle": "2026.1"})


def _rewrite_zip(source: Path, target: Path, change: Callable[[str, bytes], bytes | None],
                 extra: dict[str, bytes] | None = None) -> Path:
    """Copy a zip member by member through ``change`` (None drops the member), adding ``extra``."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return target


def empty(folder: Path) -> Path:
    path = folder / "vide.xlsx"
    path.write_bytes(b"")
    return path


def random_bytes(folder: Path) -> Path:
    path = folder / "aleatoire.xlsx"
    path.write_bytes(random.Random(7).randbytes(4096))
    return path


def csv_named_xlsx(folder: Path) -> Path:
    path = folder / "export.xlsx"
    path.write_text("Code établissement;Présence ANVP\nFRESNES;oui\n", encoding="utf-8")
    return path


def pdf_like(folder: Path) -> Path:
    path = folder / "rapport.xlsx"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    return path


def docx_like(folder: Path) -> Path:
    path = folder / "compte-rendu.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return path


def truncated(folder: Path) -> Path:
    source = valid(folder, "entier.xlsx")
    data = source.read_bytes()
    source.unlink()
    path = folder / "tronque.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def ratio_bomb(folder: Path, megabytes: int = 120) -> Path:
    """An xlsx with a member of zeros compressing about 1000:1 (120 MiB in ~120 KB)."""
    source = valid(folder, "base-bombe.xlsx")
    path = folder / "bombe.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        with zout.open("xl/media/zeros.bin", "w", force_zip64=True) as member:
            block = bytes(MIB)
            for _ in range(megabytes):
                member.write(block)
    source.unlink()
    return path


def declared_size_bomb(folder: Path, declared: int = 10 * 1024 * MIB) -> Path:
    """A small xlsx whose central directory declares a 10 GiB member (sizes forged, nothing large)."""
    path = valid(folder, "taille-declaree.xlsx")
    data = bytearray(path.read_bytes())
    central = data.find(b"PK\x01\x02")
    # Central directory header: uncompressed size is a 4-byte field at offset 24 (0xFFFFFFFF = zip64).
    struct.pack_into("<I", data, central + 24, min(declared, 0xFFFFFFFE))
    path.write_bytes(bytes(data))
    return path


def many_entries(folder: Path, count: int = 2500) -> Path:
    source = valid(folder, "base-nombreux.xlsx")
    path = _rewrite_zip(source, folder / "nombreux.xlsx", lambda _n, d: d,
                        {f"xl/media/image{i}.bin": b"x" for i in range(count)})
    source.unlink()
    return path


def _with_doctype(xml: bytes, declaration: bytes) -> bytes:
    """``xml`` with its own XML declaration replaced by ``declaration`` (which holds the DOCTYPE)."""
    if xml.startswith(b"<?xml"):
        xml = xml.split(b"?>", 1)[1]
    return declaration + xml.lstrip()


_BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>\n"
)


def billion_laughs(folder: Path) -> Path:
    """An xlsx whose sheet XML declares the nested entities of the "billion laughs" attack."""
    source = valid(folder, "base-rires.xlsx")
    path = _rewrite_zip(source, folder / "rires.xlsx", lambda name, d: (
        _with_doctype(d, _BILLION_LAUGHS.encode()).replace(b"</sheetData>", b'<row r="9"><c r="A9" '
                                                         b't="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>')
        if name == SHEET_PART else d))
    source.unlink()
    return path


def external_entity(folder: Path, target: str = "/etc/passwd") -> Path:
    """An xlsx whose sheet pulls ``target`` into a cell through an external entity."""
    source = valid(folder, "base-entite.xlsx")
    doctype = f'<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file://{target}">]>\n'.encode()

    def change(name: str, data: bytes) -> bytes:
        if name == SHEET_PART:
            return _with_doctype(data, doctype).replace(b"Nanterre", b"&xxe;")
        return data

    path = _rewrite_zip(source, folder / "entite.xlsx", change)
    source.unlink()
    return path


def utf16_doctype(folder: Path) -> Path:
    """The DOCTYPE hidden in a UTF-16 encoded part."""
    source = valid(folder, "base-utf16.xlsx")
    text = '<?xml version="1.0" encoding="UTF-16"?>\n<!doctype x [<!ENTITY a "b">]>\n<x/>'
    path = _rewrite_zip(source, folder / "utf16.xlsx",
                        lambda name, d: ("\ufeff" + text).encode("utf-16-le") if name == "docProps/app.xml" else d)
    source.unlink()
    return path


def encrypted(folder: Path, password: str = "secret") -> Path:
    source = valid(folder, "clair.xlsx")
    out = io.BytesIO()
    with open(source, "rb") as handle:
        msoffcrypto.format.ooxml.OOXMLFile(handle).encrypt(password, out)
    source.unlink()
    path = folder / "chiffre.xlsx"
    path.write_bytes(out.getvalue())
    return path


def macro_enabled(folder: Path) -> Path:
    """An .xlsm: a (fake) vbaProject.bin and the macro-enabled content type."""
    source = valid(folder, "base-macros.xlsx")
    path = _rewrite_zip(
        source, folder / "macros.xlsm",
        lambda name, d: d.replace(b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
        if name == "[Content_Types].xml" else d,
        {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)},
    )
    source.unlink()
    return path


def styled_to_last_row(folder: Path) -> Path:
    """Data in A1:B3, and an empty but bold cell at A1048576 (a column formatted to the bottom)."""
    path = workbook(folder / "style-infini.xlsx", {"Actions": [("A1", "Date"), ("B1", "Type"),
                                                              ("A3", dt.date(2022, 5, 1)), ("B3", "Autre")]})
    wb = openpyxl.load_workbook(path)
    ws = wb["Actions"]
    ws["A1048576"].font = Font(bold=True)
    ws["C1048576"].font = Font(bold=True)
    wb.save(path)
    return path


def blank_formulas_down(folder: Path, last_row: int = 200_000) -> Path:
    """Data at C5, and a formula with an empty cached value in column B of every row down to ``last_row``."""
    source = workbook(folder / "base-formules.xlsx", {"Feuille": [("C5", "donnée")]})
    rows = "".join(f'<row r="{r}"><c r="B{r}" t="str"><f>""</f><v></v></c></row>'
                   for r in range(6, last_row + 1)).encode()

    def change(name: str, data: bytes) -> bytes:
        return data.replace(b"</row></sheetData>", b"</row>" + rows + b"</sheetData>") if name == SHEET_PART else data

    path = _rewrite_zip(source, folder / "formules-vides.xlsx", change)
    source.unlink()
    return path


def dense_range_bomb(folder: Path) -> Path:
    """5 KB that make the parser allocate a 16,384 × 200,000 grid (it aborts the process)."""
    return workbook(folder / "grille.xlsx", {"Feuille": [("A1", 1), ("XFD200000", 2)]})


def lock_files(folder: Path) -> list[Path]:
    """Excel and LibreOffice lock files, a macOS resource fork, a dot-file and a file in a dot-folder."""
    (folder / ".cache").mkdir(exist_ok=True)
    paths = [folder / "~$section.xlsx", folder / ".~lock.section.xlsx#", folder / "._section.xlsx",
             folder / ".DS_Store", folder / ".cache" / "copie.xlsx"]
    for path in paths:
        path.write_bytes(b"verrou")
    return paths


# name → (builder, expected ReadFailure code): every hazard a folder of inputs may hold.
HAZARDS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "vide": (empty, "fichier-vide"),
    "aleatoire": (random_bytes, "pas-un-classeur"),
    "csv": (csv_named_xlsx, "pas-un-classeur"),
    "pdf": (pdf_like, "pas-un-classeur"),
    "docx": (docx_like, "pas-un-classeur"),
    "tronque": (truncated, "fichier-illisible"),
    "bombe-taux": (ratio_bomb, "fichier-trop-volumineux"),
    "bombe-taille-declaree": (declared_size_bomb, "fichier-trop-volumineux"),
    "trop-d-elements": (many_entries, "fichier-trop-volumineux"),
    "milliard-de-rires": (billion_laughs, "contenu-xml-interdit"),
    "entite-externe": (external_entity, "contenu-xml-interdit"),
    "doctype-utf16": (utf16_doctype, "contenu-xml-interdit"),
    "chiffre": (encrypted, "fichier-chiffre"),
}

# Hazards that kill the reading process itself: only ever read them through ``read_many``.
PROCESS_HAZARDS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "grille-dense": (dense_range_bomb, "lecture-interrompue"),
}


# Readers given to ``read_many(reader=...)`` to simulate a child that dies (module-level: picklable).
def aborting_reader(path: Path, root: Path | None, password: str | None, limits: object) -> object:
    """Kills its process on any file named ``plante…``; reads the others normally."""
    from convention_xlsx.reading import read_workbook

    if path.name.startswith("plante"):
        os.abort()
    if path.name.startswith("instable") and not path.with_suffix(".deja-vu").exists():
        path.with_suffix(".deja-vu").write_bytes(b"")  # dies the first time only
        os.abort()
    if path.name.startswith("boucle"):
        while True:
            pass
    return read_workbook(path, root, password, limits)  # type: ignore[arg-type]


def parent_reader(path: Path, root: Path | None, password: str | None, limits: object) -> object:
    """Reads nothing: says which process started the child (its parent's id, in ``reason``)."""
    from convention_xlsx.reading import FileInfo, ReadFailure

    return ReadFailure(FileInfo(path=path.name), "fichier-illisible", str(os.getppid()))
