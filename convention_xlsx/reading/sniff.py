"""What a file really is, from its first bytes and (for containers) its members — never its extension."""

from __future__ import annotations

import io
import zipfile

import olefile

from .limits import ReadProblem

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
MACRO_CONTENT_TYPE = b"application/vnd.ms-excel.sheet.macroenabled"

# (magic prefix, format name, French description) for the non-workbooks people mistake for one.
_MAGICS: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF", "pdf", "un document PDF"),
    (b"{\\rtf", "rtf", "un document RTF (traitement de texte)"),
    (b"\x89PNG", "image", "une image PNG"),
    (b"\xff\xd8\xff", "image", "une image JPEG"),
    (b"GIF8", "image", "une image GIF"),
    (b"\x1f\x8b", "archive", "une archive gzip"),
    (b"7z\xbc\xaf\x27\x1c", "archive", "une archive 7-Zip"),
    (b"Rar!", "archive", "une archive RAR"),
    (b"From ", "courriel", "un message électronique"),
)

# Zip-based documents that are not workbooks: a main part that names them.
_OTHER_ZIPS: tuple[tuple[str, str, str], ...] = (
    ("word/document.xml", "docx", "un document Word"),
    ("ppt/presentation.xml", "pptx", "une présentation PowerPoint"),
)
_ODF_KINDS = {
    b"application/vnd.oasis.opendocument.text": ("odt", "un document texte LibreOffice (ODT)"),
    b"application/vnd.oasis.opendocument.presentation": ("odp", "une présentation LibreOffice (ODP)"),
}

_TEXT_SAMPLE = 4096


def not_a_workbook(file_format: str, description: str) -> ReadProblem:
    return ReadProblem(
        "pas-un-classeur",
        f"Le fichier n'est pas un classeur Excel ou LibreOffice : c'est {description}. "
        "Demandez à la section d'envoyer son rapport au format .xlsx, à partir du modèle.",
        file_format,
    )


def sniff_container(data: bytes) -> str:
    """``zip``, ``ole`` or raises the ReadProblem that says what the bytes are instead."""
    if not data:
        raise ReadProblem("fichier-vide", "Le fichier est vide (0 octet) : demandez à la section de le renvoyer.",
                          "vide")
    if data.startswith(ZIP_MAGIC):
        return "zip"
    if data.startswith(OLE_MAGIC):
        return "ole"
    if data.startswith(EMPTY_ZIP_MAGIC):
        raise not_a_workbook("zip", "une archive zip vide")
    for magic, file_format, description in _MAGICS:
        if data.startswith(magic):
            raise not_a_workbook(file_format, description)
    raise not_a_workbook(*_describe_text(data[:_TEXT_SAMPLE]))


def _describe_text(sample: bytes) -> tuple[str, str]:
    """Tell text (CSV, HTML, XML) from unknown binary bytes."""
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = sample.decode("utf-16", errors="replace")
    else:
        text = sample.decode("utf-8", errors="replace")
    text = text.lstrip("\ufeff \t\r\n")
    printable = sum((ch.isprintable() and ch != "\ufffd") or ch in "\t\r\n" for ch in text)
    if not text or printable < 0.9 * len(text):
        return "inconnu", "un fichier binaire d'un type inconnu (ni zip, ni classeur Office)"
    low = text[:512].lower()
    if "<html" in low or low.startswith("<!doctype html"):
        return "html", "une page web (HTML) — parfois produite par « Enregistrer sous » depuis un courriel"
    if low.startswith("<?xml") or low.startswith("<"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in low:
            return "xml-2003", "un classeur « XML 2003 », format ancien"
        return "xml", "un fichier XML"
    first_line = text.splitlines()[0] if text.splitlines() else ""
    if first_line.count(";") >= 1 or first_line.count(",") >= 1 or first_line.count("\t") >= 1:
        return "csv", "un fichier texte à colonnes (CSV)"
    return "texte", "un fichier texte"


def zip_format(zf: zipfile.ZipFile) -> str:
    """``xlsx``, ``xlsm``, ``xlsb`` or ``ods`` for a workbook; raises ``pas-un-classeur`` otherwise."""
    names = set(zf.namelist())
    if "mimetype" in names:
        mimetype = _small_member(zf, "mimetype").strip()
        if mimetype == ODS_MIMETYPE or mimetype.startswith(ODS_MIMETYPE + b"-template"):
            return "ods"
        if mimetype in _ODF_KINDS:
            raise not_a_workbook(*_ODF_KINDS[mimetype])
    if "xl/workbook.xml" in names:
        content_types = _small_member(zf, "[Content_Types].xml") if "[Content_Types].xml" in names else b""
        if "xl/vbaProject.bin" in names or MACRO_CONTENT_TYPE in content_types.lower():
            return "xlsm"
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    for member, file_format, description in _OTHER_ZIPS:
        if member in names:
            raise not_a_workbook(file_format, description)
    raise not_a_workbook("zip", "une archive zip qui ne contient pas de classeur")


def _small_member(zf: zipfile.ZipFile, name: str, limit: int = 1024 * 1024) -> bytes:
    with zf.open(name) as member:
        return member.read(limit)


def ole_format(data: bytes) -> str:
    """``ooxml-chiffre`` (an encrypted xlsx), ``xls``, or raises ``pas-un-classeur``/``fichier-illisible``."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
    except Exception as err:
        raise ReadProblem(
            "fichier-illisible",
            "Le fichier ressemble à un document Office ancien format mais il est corrompu ou incomplet : "
            "demandez à la section de le renvoyer.",
            "ole",
        ) from err
    if "EncryptionInfo" in streams and "EncryptedPackage" in streams:
        return "ooxml-chiffre"
    if "Workbook" in streams or "Book" in streams:
        return "xls"
    if "WordDocument" in streams:
        raise not_a_workbook("doc", "un document Word (ancien format .doc)")
    if "PowerPoint Document" in streams:
        raise not_a_workbook("ppt", "une présentation PowerPoint (ancien format .ppt)")
    raise not_a_workbook("ole", "un document Office ancien format qui n'est pas un classeur")
