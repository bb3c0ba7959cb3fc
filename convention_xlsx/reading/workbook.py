"""One file → :class:`RawWorkbook` (every sheet's cells at their Excel positions) or :class:`ReadFailure`.

The file is opened read-only and read once; its bytes are hashed, sniffed, checked and parsed from
memory with python-calamine (measured: about 10 times faster than openpyxl, see
``tests/test_reading_workbook.py`` and the commit that chose it). Nothing here raises for a bad file:
every problem becomes a ReadFailure with a French reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import zipfile
from collections.abc import Collection, Mapping
from pathlib import Path

import python_calamine as calamine
from defusedxml import ElementTree

from ..errors import describe_os_error
from ..text import fold
from .decrypt import decrypt, is_encrypted
from .formulas import uncached_formulas
from .limits import DEFAULT_LIMITS, MIB, Limits, ReadProblem
from .merged import calamine_ranges, ods_ranges
from .model import FileInfo, RawSheet, RawWorkbook, ReadFailure
from .preflight import open_zip, read_member, scan_members, too_big
from .sniff import ole_format, sniff_container, zip_format

_HASH_CHUNK = 1024 * 1024
_MACRO_NOTE = (
    "macros-ignorees",
    "Le classeur contient des macros : ses données sont lues, ses macros ne sont ni conservées ni "
    "exécutées. Demandez à la section d'utiliser le modèle .xlsx, sans macros.",
)


def display_path(path: Path, root: Path | None) -> str:
    """The path shown to the user: relative to ``root`` with ``/`` separators, else the file name."""
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return path.name


def read_workbook(
    path: Path, root: Path | None = None, password: str | None = None, limits: Limits = DEFAULT_LIMITS,
    unread: Collection[str] = (),
) -> RawWorkbook | ReadFailure:
    """Read one input file; never raises for anything the file holds (only KeyboardInterrupt passes).

    ``unread``: names (compared folded: case, accents and spaces aside) of sheets whose cells nobody
    uses (the template's own lists, référentiel and notice): they are listed, their cells not read.
    In the template they hold three quarters of the cells; skipping them halves the reading.
    """
    path = Path(path)
    info = FileInfo(path=display_path(path, root))
    skip = frozenset(fold(name) for name in unread)
    try:
        data = _read_bytes(path, info, limits)
        return _read_data(data, info, password, limits, skip)
    except ReadProblem as problem:
        info.format = info.format or problem.file_format
        return ReadFailure(info=info, code=problem.code, reason=problem.reason)
    except MemoryError:
        return ReadFailure(info=info, code="lecture-interrompue",
                           reason="La lecture du fichier a dépassé la mémoire permise : le fichier est "
                                  "anormalement gros ou construit pour nuire ; demandez à la section de "
                                  "repartir du modèle.")
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # includes pyo3's PanicException, which is not an Exception
        return ReadFailure(info=info, code="fichier-illisible",
                           reason="Le classeur est corrompu : il n'a pas pu être lu. Demandez à la section "
                                  "de l'ouvrir, de le ré-enregistrer au format .xlsx et de le renvoyer.")


def _read_bytes(path: Path, info: FileInfo, limits: Limits) -> bytes:
    """Stat, hash and (within the size limit) return the file's bytes, filling ``info``."""
    try:
        stat = os.stat(path)
        info.size = stat.st_size
        info.modified = dt.datetime.fromtimestamp(stat.st_mtime)
        if stat.st_size <= limits.max_file_bytes:
            with open(path, "rb") as handle:
                data = handle.read(limits.max_file_bytes + 1)
            info.sha256 = hashlib.sha256(data).hexdigest()
            info.size = len(data)
        else:
            described = describe_file(path)
            info.sha256, info.format = described.sha256, described.format
    except OSError as err:
        raise ReadProblem("fichier-illisible",
                          f"Le fichier n'a pas pu être ouvert ({describe_os_error(err)}) : vérifiez qu'il "
                          "n'est pas ouvert ailleurs et que vous avez le droit de le lire.") from err
    if info.size > limits.max_file_bytes:
        raise too_big(f"{info.size // MIB} Mio sur le disque, au plus {limits.max_file_bytes // MIB}")
    return data


def describe_file(path: Path, root: Path | None = None) -> FileInfo:
    """Size, time, hash and container format of a file, without parsing it (for a file whose reader died)."""
    info = FileInfo(path=display_path(Path(path), root))
    try:
        stat = os.stat(path)
        info.size = stat.st_size
        info.modified = dt.datetime.fromtimestamp(stat.st_mtime)
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            head = handle.read(_HASH_CHUNK)
            digest.update(head)
            while chunk := handle.read(_HASH_CHUNK):
                digest.update(chunk)
        info.sha256 = digest.hexdigest()
        info.format = _quiet_sniff(head)
    except OSError:
        pass
    return info


def _quiet_sniff(head: bytes) -> str:
    try:
        return sniff_container(head)
    except ReadProblem as problem:
        return problem.file_format


def _read_data(data: bytes, info: FileInfo, password: str | None, limits: Limits,
               skip: frozenset[str] = frozenset()) -> RawWorkbook:
    container = sniff_container(data)
    info.format = container
    if container == "ole":
        info.format = ole_format(data)
        if info.format == "ooxml-chiffre":
            plain = decrypt(data, password, info.format)
            if not plain.startswith(b"PK\x03\x04"):
                raise ReadProblem("fichier-illisible", "Le fichier déchiffré n'est pas un classeur lisible : "
                                  "demandez à la section de l'envoyer sans mot de passe.", info.format)
            return _read_zip(plain, info, limits, encrypted=True, skip=skip)
        if is_encrypted(data):
            data = decrypt(data, password, "xls")
        return _parse(data, info, limits, zf=None, skip=skip)
    return _read_zip(data, info, limits, encrypted=False, skip=skip)


def _read_zip(data: bytes, info: FileInfo, limits: Limits, encrypted: bool,
              skip: frozenset[str] = frozenset()) -> RawWorkbook:
    zf = open_zip(data, limits)
    with zf:
        file_format = zip_format(zf)
        info.format = file_format
        parts = scan_members(zf, limits, data)
        workbook = _parse(data, info, limits, zf=zf, skip=skip, parts=parts)
    if encrypted:
        info.format = f"{file_format} chiffré"
    return workbook


def _parse(data: bytes, info: FileInfo, limits: Limits, zf: zipfile.ZipFile | None,
           skip: frozenset[str] = frozenset(), parts: Mapping[str, bytes] | None = None) -> RawWorkbook:
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError as err:
        raise ReadProblem("fichier-chiffre", "Le classeur est protégé par un mot de passe que l'outil ne "
                          "sait pas ouvrir : demandez à la section de l'envoyer sans mot de passe.",
                          info.format) from err
    except Exception as err:
        if info.format == "xls":
            raise ReadProblem("format-ancien", "Ce classeur Excel ancien format (.xls) n'a pas pu être lu : "
                              "demandez à la section de l'enregistrer au format .xlsx et de le renvoyer.",
                              info.format) from err
        raise ReadProblem("fichier-illisible", "Le classeur est corrompu : il n'a pas pu être lu. Demandez "
                          "à la section de l'ouvrir, de le ré-enregistrer et de le renvoyer.",
                          info.format) from err
    ods_merged = ods_ranges(zf, limits.max_entry_bytes) if zf is not None and info.format == "ods" else {}
    try:
        sheets = []
        for meta in book.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            hidden = meta.visible != calamine.SheetVisibleEnum.Visible
            if fold(meta.name) in skip:
                sheets.append(RawSheet(name=meta.name, rows=[], hidden=hidden, unread=True))
                continue
            sheet = book.get_sheet_by_name(meta.name)
            merged = ods_merged.get(meta.name, []) if info.format == "ods" else calamine_ranges(sheet)
            sheets.append(RawSheet(name=meta.name, rows=sheet_rows(sheet, limits), hidden=hidden, merged=merged))
    finally:
        book.close()
    workbook = RawWorkbook(info=info, sheets=sheets, has_macros=info.format == "xlsm")
    if workbook.has_macros:
        workbook.notes.append(_MACRO_NOTE)
    if zf is not None:
        workbook.properties = custom_properties(zf, info.format)
        if info.format in ("xlsx", "xlsm"):
            _note_uncached_formulas(workbook, zf, skip, parts or {})
    return workbook


def sheet_rows(sheet: calamine.CalamineSheet, limits: Limits) -> list[list[object]]:
    """Rows where ``rows[i][j]`` is the cell at Excel row i+1, column j+1; trailing empties trimmed.

    Empty cells (calamine's ``""``) become None; a float holding a whole number becomes an int
    (Excel stores every number as a float: ``3`` visitors, not ``3.0``). Rows are ragged: each
    stops at its last non-empty cell. Data beyond ``limits.max_rows`` refuses the file; empty
    (styled or blank-formula) rows, down to row 1,048,576, are iterated but never kept.
    """
    if sheet.start is None or sheet.end is None:
        return []
    filled: list[tuple[int, list[object]]] = []
    count = width = 0
    for count, raw in enumerate(sheet.iter_rows(), start=1):  # noqa: B007 (count is used after the loop)
        width = len(raw)
        values = [None if v == "" else int(v) if type(v) is float and v.is_integer() else v for v in raw]
        while values and values[-1] is None:
            values.pop()
        if values:
            filled.append((count - 1, values))
    if not filled:
        return []
    row_offset, col_offset = _range_origin(sheet, count, width)
    last_row = row_offset + filled[-1][0]
    if last_row >= limits.max_rows:
        raise too_big(f"la feuille « {sheet.name} » contient des données à la ligne {last_row + 1}, "
                      f"au plus {limits.max_rows} lignes")
    pad = [None] * col_offset
    rows: list[list[object]] = [[] for _ in range(last_row + 1)]
    for index, values in filled:
        rows[row_offset + index] = pad + values if col_offset else values
    return rows


def _range_origin(sheet: calamine.CalamineSheet, count: int, width: int) -> tuple[int, int]:
    """Excel (row, column) index of the first cell ``iter_rows`` yields.

    python-calamine 0.9 yields rows from the sheet's first row but columns from its first used
    column; other versions crop both or neither. The sizes tell which, so positions stay exact.
    """
    (first_row, first_col), (last_row, last_col) = sheet.start, sheet.end
    row_offset = {last_row + 1: 0, last_row - first_row + 1: first_row}.get(count)
    col_offset = {last_col + 1: 0, last_col - first_col + 1: first_col}.get(width)
    if row_offset is None or col_offset is None:
        raise RuntimeError(f"unexpected python-calamine range: {count}x{width} for {sheet.start}-{sheet.end}")
    return row_offset, col_offset


def _note_uncached_formulas(workbook: RawWorkbook, zf: zipfile.ZipFile, skip: frozenset[str],
                            parts: Mapping[str, bytes]) -> None:
    try:
        found = uncached_formulas(zf, skip=lambda name: fold(name) in skip, parts=parts)
    except Exception:  # best effort: the cells are read either way
        return
    for sheet in workbook.sheets:
        sheet.formulas_without_value = found.get(sheet.name, [])


def custom_properties(zf: zipfile.ZipFile, file_format: str) -> dict[str, str]:
    """Custom document properties (``Version du modèle``…), best effort: {} when absent or unreadable."""
    try:
        if file_format == "ods":
            return _ods_properties(read_member(zf, "meta.xml"))
        return _ooxml_properties(read_member(zf, "docProps/custom.xml"))
    except Exception:  # a malformed optional part must not refuse the workbook
        return {}


def _ooxml_properties(xml: bytes | None) -> dict[str, str]:
    if not xml:
        return {}
    properties = {}
    for element in ElementTree.fromstring(xml, forbid_dtd=True):
        name = element.get("name")
        if name and len(element):
            properties[name] = (element[0].text or "").strip()
    return properties


def _ods_properties(xml: bytes | None) -> dict[str, str]:
    if not xml:
        return {}
    meta_ns = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
    root = ElementTree.fromstring(xml, forbid_dtd=True)
    return {
        element.get(f"{{{meta_ns}}}name", ""): (element.text or "").strip()
        for element in root.iter(f"{{{meta_ns}}}user-defined")
        if element.get(f"{{{meta_ns}}}name")
    }
