"""Zip pre-flight: refuse bombs and XML declaring a DOCTYPE before any parser sees the file.

python-calamine parses XML with its own Rust parser, not Python's: so the rule is enforced here, on
the bytes. Sizes are checked first from the central directory (nothing decompressed); then every
member is decompressed in bounded chunks, with the actual total capped, and scanned for ``<!DOCTYPE``
and ``<!ENTITY`` (case-insensitive, in UTF-8 and UTF-16). Every member is scanned, not only ``.xml``
ones: a relationship may point a parser at a part of any name.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from .limits import MIB, Limits, ReadProblem

_CHUNK = 1 * MIB
_OVERLAP = 64
_SMALL_MEMBER = 1 * MIB


# "<!" as UTF-8, UTF-16-LE and UTF-16-BE: found with bytes.find (fast), then the word is checked.
_OPENERS = ((b"<!", "utf-8"), (b"<\x00!\x00", "utf-16-le"), (b"\x00<\x00!", "utf-16-be"))
_WORDS = ("DOCTYPE", "ENTITY")


def declares_dtd(data: bytes) -> bool:
    """True when ``data`` holds ``<!DOCTYPE`` or ``<!ENTITY`` (any case) in UTF-8 or UTF-16.

    ``<!`` is rare in a spreadsheet's XML (comments, CDATA), and text in cells is escaped
    (``&lt;!DOCTYPE``), so this never refuses a workbook for what a volunteer typed.
    """
    for opener, encoding in _OPENERS:
        start = data.find(opener)
        while start != -1:
            after = start + len(opener)
            following = data[after:after + 2 * len("DOCTYPE")]
            if following.decode(encoding, errors="replace").upper().startswith(_WORDS):
                return True
            start = data.find(opener, start + 1)
    return False


def too_big(detail: str) -> ReadProblem:
    return ReadProblem(
        "fichier-trop-volumineux",
        f"Le fichier dépasse les limites acceptées ({detail}) : ce n'est pas un rapport de section "
        "ordinaire. Demandez à la section de repartir du modèle et de n'y copier que ses données.",
    )


def open_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """Open the zip held in ``data`` and check its central directory against the limits."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as err:
        raise ReadProblem(
            "fichier-illisible",
            "Le classeur est corrompu ou incomplet (archive zip illisible, peut-être tronquée pendant "
            "l'envoi) : demandez à la section de le renvoyer.",
        ) from err
    if len(infos) > limits.max_zip_entries:
        raise too_big(f"{len(infos)} éléments dans l'archive, au plus {limits.max_zip_entries}")
    total = sum(info.file_size for info in infos)
    if total > limits.max_uncompressed_bytes:
        raise too_big(f"{total // MIB} Mio une fois décompressé, au plus {limits.max_uncompressed_bytes // MIB}")
    for info in infos:
        if info.file_size > limits.max_entry_bytes:
            raise too_big(f"l'élément {info.filename!r} fait {info.file_size // MIB} Mio décompressé")
        if info.file_size > _SMALL_MEMBER and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise too_big(f"taux de compression de {ratio:.0f} pour {info.filename!r}, au plus "
                          f"{limits.max_ratio:.0f} : bombe de décompression probable")
        if info.flag_bits & 0x1:
            raise ReadProblem(
                "fichier-chiffre",
                "L'archive est protégée par un mot de passe zip, ce qui n'est pas un classeur ordinaire : "
                "demandez à la section d'envoyer le classeur lui-même, sans archive.",
            )
    return zf


def scan_members(zf: zipfile.ZipFile, limits: Limits, data: bytes | None = None) -> dict[str, bytes]:
    """Decompress every member within bounds; refuse DOCTYPE/ENTITY declarations and oversize output.

    With the archive's ``data``, an ordinary member (stored or deflated, its local header agreeing with
    the directory) is inflated by zlib in one bounded call and checked against its size and CRC; any
    other member, or one that fails a check, goes through ``zipfile`` in chunks, which decides (the same
    findings either way, at less than half the cost on the template's members). Returns the bytes of
    the worksheet parts read on the fast path, for the formula check (no second decompression).
    """
    budget = limits.max_uncompressed_bytes
    kept: dict[str, bytes] = {}
    view = memoryview(data) if data is not None else None
    shared = _shared_entries(zf.infolist())
    for info in zf.infolist():
        if info.is_dir():
            continue
        whole = _inflate(view, info) if view is not None and info.header_offset not in shared else None
        if whole is not None:
            budget -= len(whole)
            if budget < 0:
                raise too_big(f"plus de {limits.max_uncompressed_bytes // MIB} Mio une fois décompressé")
            if declares_dtd(whole):
                raise _forbidden_xml(info)
            if info.filename.startswith("xl/worksheets/") and len(whole) <= _KEPT_PART:
                kept[info.filename] = whole
            continue
        tail = b""
        try:
            with zf.open(info) as member:
                while chunk := member.read(_CHUNK):
                    budget -= len(chunk)
                    if budget < 0:
                        raise too_big(f"plus de {limits.max_uncompressed_bytes // MIB} Mio une fois décompressé")
                    if declares_dtd(tail + chunk):
                        raise _forbidden_xml(info)
                    tail = chunk[-_OVERLAP:]
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError, ValueError,
                RuntimeError) as err:  # zlib.error: damaged deflate data, which zipfile lets through
            raise ReadProblem(
                "fichier-illisible",
                f"Le classeur est corrompu (élément « {info.filename} » illisible) : demandez à la section "
                "de le renvoyer après l'avoir ouvert et ré-enregistré.",
            ) from err
    return kept


_KEPT_PART = 16 * MIB
_UNUSUAL_FLAGS = 0x1 | 0x20 | 0x40
"""Encrypted, compressed patched data, strong encryption: zipfile refuses them, so they go its way."""


def _forbidden_xml(info: zipfile.ZipInfo) -> ReadProblem:
    return ReadProblem(
        "contenu-xml-interdit",
        f"Le classeur contient une déclaration XML interdite (DOCTYPE ou ENTITY) dans "
        f"« {info.filename} » : un classeur enregistré par Excel ou LibreOffice n'en "
        "contient jamais. Le fichier n'est pas lu ; demandez à la section de recopier "
        "ses données dans le modèle.",
    )


def _shared_entries(infos: list[zipfile.ZipInfo]) -> set[int]:
    """Local entries named by several central entries (a zip bomb's trick): left to ``zipfile``, which
    refuses differing names, while the budget counts every copy it inflates."""
    offsets = [info.header_offset for info in infos]
    return {offset for offset in offsets if offsets.count(offset) > 1} if len(set(offsets)) < len(offsets) else set()


def _inflate(data: memoryview, info: zipfile.ZipInfo) -> bytes | None:
    """The member's bytes when it is ordinary and whole, else None (``zipfile`` then reads it and decides).

    Ordinary: stored or deflated, not encrypted, its local header where the directory says with the same
    name; whole: exactly ``file_size`` bytes (never more are produced: the output is bounded) with the
    directory's CRC; the names are decoded as ``zipfile`` does (by the local header's flag), the flags it
    refuses are left to it, and so are local entries shared by several names (:func:`_shared_entries`).
    """
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & _UNUSUAL_FLAGS:
        return None
    offset = info.header_offset
    header = bytes(data[offset:offset + 30])
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        return None
    name_length = int.from_bytes(header[26:28], "little")
    extra_length = int.from_bytes(header[28:30], "little")
    name = bytes(data[offset + 30:offset + 30 + name_length])
    local_flags = int.from_bytes(header[6:8], "little")  # zipfile decodes the name by the local header's flag
    try:
        shown = name.decode("utf-8" if local_flags & 0x800 else "cp437")
    except UnicodeDecodeError:
        return None
    if shown != info.orig_filename:
        return None
    start = offset + 30 + name_length + extra_length
    packed = data[start:start + info.compress_size]
    if len(packed) != info.compress_size:
        return None
    if info.compress_type == zipfile.ZIP_STORED:
        whole = bytes(packed)
    else:
        inflater = zlib.decompressobj(-15)
        try:
            whole = inflater.decompress(packed, info.file_size + 1)
        except zlib.error:
            return None
        if not inflater.eof:
            return None
    if len(whole) != info.file_size or zlib.crc32(whole) != info.CRC:
        return None
    return whole


def read_member(zf: zipfile.ZipFile, name: str, limit: int = 4 * MIB) -> bytes | None:
    """A member's bytes (already scanned), or None when absent or larger than ``limit``."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limit:
        return None
    with zf.open(info) as member:
        return member.read(limit)
