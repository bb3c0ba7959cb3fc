"""A seeded mutation fuzzer of section workbooks: what real corruption looks like, made reproducible.

Mutants are made from real workbooks of the template (``workbooks.make_section_workbook``), in four
shapes: as the template writes them (inline strings), with a shared-strings table (as Excel writes
them), and — when LibreOffice is installed — as LibreOffice saves them in ``.xlsx`` and ``.ods``.
Each mutant applies one damage of a family of :data:`FAMILIES` with a ``random.Random`` seeded by
the mutant's number, so ``mutant(bases, seed, i)`` is always the same bytes:

- zip damage: truncation, bit flips, a member written twice, a member missing;
- XML damage in a sheet, the shared strings, the styles or the workbook part: truncation, an element
  deleted, two elements swapped;
- cells: shared-string indexes out of range, impossible types, impossible numbers (1e308, NaN…),
  invalid references (row 0, past row 1,048,576, past column XFD), a date with no value, control
  characters, style indexes out of range;
- sheets: absurd dimensions, a merge over the whole sheet, damaged sheet entries of the workbook;
- ``.ods``: content truncated, elements deleted, impossible value types and values, absurd repeats.

Every mutant keeps the section name unique (``Fuzz-0001``…) before it is damaged, so that a folder
of mutants consolidates each one as its own section. :func:`check_report` states the promises a run
must keep for every mutant (read or rejected with a French reason, counts that add up, no English
or Python leaking into a message).
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SECTION_MARK = b"Fuzz-0000"


@dataclass(frozen=True)
class Base:
    """A valid workbook to mutate: its format (``xlsx`` or ``ods``), its members in order, a label."""

    label: str
    format: str
    members: tuple[tuple[str, bytes], ...]

    @classmethod
    def from_bytes(cls, label: str, data: bytes, file_format: str) -> Base:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return cls(label, file_format, tuple((i.filename, zf.read(i)) for i in zf.infolist()))

    def names(self, pattern: str) -> list[str]:
        return [name for name, _ in self.members if re.fullmatch(pattern, name)]


@dataclass(frozen=True)
class Mutant:
    number: int
    family: str
    base: str
    detail: str
    data: bytes
    suffix: str

    @property
    def name(self) -> str:
        return f"{self.number:04d}-{self.family}{self.suffix}"


class Skip(Exception):
    """This damage does not apply to this base (e.g. shared strings of a workbook that has none)."""


# --- building and rewriting zips -------------------------------------------------------------------


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    """A zip of ``members`` in that order, byte for byte the same every time (fixed member times)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2023, 11, 20, 12, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return out.getvalue()


def shared_strings_base(base: Base) -> Base:
    """The same workbook with its inline strings moved into ``xl/sharedStrings.xml``, as Excel saves it."""
    table: dict[bytes, int] = {}

    def shared(match: re.Match) -> bytes:
        text = match.group(2)
        index = table.setdefault(text, len(table))
        return match.group(1) + b' t="s"><v>' + str(index).encode() + b"</v></c>"

    inline = re.compile(rb'(<c\b[^>]*?)\s+t="inlineStr"\s*><is><t(?:\s[^>]*)?>(.*?)</t></is></c>', re.S)
    members = []
    for name, data in base.members:
        if name.startswith("xl/worksheets/sheet"):
            data = inline.sub(shared, data)
        members.append((name, data))
    items = b"".join(b'<si><t xml:space="preserve">' + text + b"</t></si>" for text in table)
    sst = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
           b'spreadsheetml/2006/main" count="%d" uniqueCount="%d">' % (len(table), len(table)) + items + b"</sst>")
    rel = (b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           b'sharedStrings" Target="sharedStrings.xml"/>')
    override = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                b'officedocument.spreadsheetml.sharedStrings+xml"/>')
    out = []
    for name, data in members:
        if name == "xl/_rels/workbook.xml.rels":
            data = data.replace(b"</Relationships>", rel + b"</Relationships>")
        elif name == "[Content_Types].xml":
            data = data.replace(b"</Types>", override + b"</Types>")
        out.append((name, data))
    out.append(("xl/sharedStrings.xml", sst))
    return Base(f"{base.label}+sst", base.format, tuple(out))


# --- XML helpers (on bytes, without parsing: the damage is what a parser must survive) ---------------


def _spans(xml: bytes, tag: bytes) -> list[tuple[int, int]]:
    """Spans of the ``<tag …/>`` or ``<tag …>…</tag>`` elements (not nested in themselves)."""
    pattern = re.compile(rb"<" + tag + rb"(?=[\s>/])(?:[^>]*/>|[^>]*>.*?</" + tag + rb">)", re.S)
    return [m.span() for m in pattern.finditer(xml)]


def _pick(rng: random.Random, items: list, what: str):
    if not items:
        raise Skip(what)
    return rng.choice(items)


def _replace(xml: bytes, span: tuple[int, int], new: bytes) -> bytes:
    return xml[: span[0]] + new + xml[span[1]:]


def _set_attribute(element: bytes, name: bytes, value: bytes) -> bytes:
    pattern = re.compile(rb"(\s" + re.escape(name) + rb'=")[^"]*(")')
    if pattern.search(element):
        return pattern.sub(lambda m: m.group(1) + value + m.group(2), element, count=1)
    head = re.match(rb"<[^\s>/]+", element)
    assert head is not None
    return element[: head.end()] + b" " + name + b'="' + value + b'"' + element[head.end():]


IMPOSSIBLE_NUMBERS = (b"1e308", b"-1e308", b"1e20", b"9.99e307", b"NaN", b"INF", b"-inf", b"1e999", b"0x1F",
                      b"12,5", b"", b"  ", b"1" * 400, b"4.9e-324", b"-0", b"2958466", b"2958465.9999999",
                      b"-693594", b"1e-10", b"18446744073709551617")
IMPOSSIBLE_TYPES = (b"z", b"e", b"b", b"d", b"s", b"n", b"str", b"inlineStr", b"", b"S", b"date")
BAD_REFERENCES = (b"A0", b"A1048577", b"A99999999999", b"XFE1", b"ZZZZ5", b"a5", b"", b"5A", b"A-1", b"$A$1",
                  b"A1:B2", b"\xc3\xa91", b"A01", b"XFD1048576")
ABSURD_RANGES = (b"A1:XFD1048576", b"A1:XFD9999999", b"XFD1048576", b"A0:B0", b"B2:A1", b"A1:ZZZZ99", b"",
                 b"A1:A1048577")


def _sheet_parts(base: Base) -> list[str]:
    return base.names(r"xl/worksheets/sheet\d+\.xml")


def _part_for(rng: random.Random, base: Base, where: str) -> str:
    choices = {
        "feuille": _sheet_parts(base),
        "chaines": base.names(r"xl/sharedStrings\.xml"),
        "styles": base.names(r"xl/styles\.xml"),
        "classeur": base.names(r"xl/workbook\.xml"),
        "relations": base.names(r"xl/_rels/workbook\.xml\.rels"),
        "contenu": base.names(r"content\.xml"),
        "styles-ods": base.names(r"styles\.xml"),
    }[where]
    return _pick(rng, choices, f"aucune partie « {where} »")


_TAGS = {"feuille": (b"c", b"row", b"v", b"is", b"f", b"mergeCell", b"dimension", b"cols", b"sheetData",
                     b"dataValidation", b"col"),
         "chaines": (b"si", b"t", b"r", b"rPr"),
         "styles": (b"xf", b"numFmt", b"font", b"fill", b"cellXfs", b"numFmts", b"border"),
         "classeur": (b"sheet", b"sheets", b"definedName", b"workbookPr", b"bookViews"),
         "relations": (b"Relationship",),
         "contenu": (b"table:table-cell", b"table:table-row", b"text:p", b"table:table", b"table:table-column",
                     b"office:spreadsheet"),
         "styles-ods": (b"style:style", b"number:date-style")}


# --- families ---------------------------------------------------------------------------------------

Mutation = Callable[[random.Random, Base, list[tuple[str, bytes]]], tuple[bytes, str]]
"""(rng, base, members with the unique section name) → (file bytes, what was done)."""


def _with_member(members: list[tuple[str, bytes]], name: str, data: bytes | None) -> list[tuple[str, bytes]]:
    return [(n, data if n == name else d) for n, d in members if not (n == name and data is None)]


def _member(members: list[tuple[str, bytes]], name: str) -> bytes:
    return next(d for n, d in members if n == name)


def _zip_truncated(rng, base, members):
    data = _zip(members)
    cut = rng.choice((rng.randrange(1, len(data)), len(data) - rng.randrange(1, 200), rng.randrange(1, 64)))
    return data[:cut], f"coupé à {cut} octets sur {len(data)}"


def _zip_bits(rng, base, members):
    data = bytearray(_zip(members))
    flips = rng.choice((1, 2, 8, 64))
    for _ in range(flips):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data), f"{flips} bit(s) inversé(s)"


def _zip_duplicate(rng, base, members):
    name, data = rng.choice(members)
    other = _xml_damage(rng, data) if name.endswith(".xml") else data[: len(data) // 2]
    out = list(members)
    out.insert(rng.randrange(len(out) + 1), (name, other))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name: that is the point
        return _zip(out), f"{name} en double"


def _zip_missing(rng, base, members):
    important = [n for n, _ in members if n in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                                "[Content_Types].xml", "xl/styles.xml", "xl/sharedStrings.xml",
                                                "content.xml", "mimetype", "META-INF/manifest.xml", "_rels/.rels")]
    name = rng.choice(important + [n for n, _ in members])
    return _zip(_with_member(members, name, None)), f"{name} absent"


def _xml_damage(rng: random.Random, xml: bytes, tags: tuple[bytes, ...] = ()) -> bytes:
    how = rng.randrange(3)
    if how == 0 or not tags:
        return xml[: rng.randrange(1, max(2, len(xml)))]
    spans = _spans(xml, rng.choice(tags))
    if not spans:
        return xml[: rng.randrange(1, max(2, len(xml)))]
    if how == 1:
        return _replace(xml, rng.choice(spans), b"")
    if len(spans) < 2:
        return _replace(xml, spans[0], b"")
    first, second = sorted(rng.sample(spans, 2))
    return xml[: first[0]] + xml[second[0]:second[1]] + xml[first[1]:second[0]] + xml[first[0]:first[1]] + xml[second[1]:]


def _xml_family(where: str, how: str) -> Mutation:
    def mutate(rng, base, members):
        name = _part_for(rng, base, where)
        xml = _member(members, name)
        tags = _TAGS[where]
        if how == "tronque":
            cut = rng.randrange(1, len(xml))
            return _zip(_with_member(members, name, xml[:cut])), f"{name} coupé à {cut}"
        tag = rng.choice(tags)
        spans = _spans(xml, tag)
        if how == "supprime":
            span = _pick(rng, spans, f"aucun <{tag.decode()}>")
            return _zip(_with_member(members, name, _replace(xml, span, b""))), f"{name} : un <{tag.decode()}> supprimé"
        if len(spans) < 2:
            raise Skip(f"moins de deux <{tag.decode()}>")
        first, second = sorted(rng.sample(spans, 2))
        swapped = (xml[: first[0]] + xml[second[0]:second[1]] + xml[first[1]:second[0]] + xml[first[0]:first[1]]
                   + xml[second[1]:])
        return _zip(_with_member(members, name, swapped)), f"{name} : deux <{tag.decode()}> échangés"

    return mutate


def _cells(xml: bytes) -> list[tuple[int, int]]:
    return _spans(xml, b"c")


def _cell_family(change: Callable[[random.Random, bytes], bytes], what: str, count: int = 1,
                 only: Callable[[bytes], bool] = lambda cell: True) -> Mutation:
    def mutate(rng, base, members):
        if base.format != "xlsx":
            raise Skip("pas un xlsx")
        name = _pick(rng, [n for n in _sheet_parts(base) if any(only(_member(members, n)[a:b])
                                                                 for a, b in _cells(_member(members, n)))],
                     "aucune cellule qui convienne")
        xml = _member(members, name)
        spans = [s for s in _cells(xml) if only(xml[s[0]:s[1]])]
        done = []
        for span in sorted(rng.sample(spans, min(count, len(spans))), reverse=True):
            cell = xml[span[0]:span[1]]
            new = change(rng, cell)
            xml = _replace(xml, span, new)
            done.append(new[:80].decode("utf-8", "replace"))
        return _zip(_with_member(members, name, xml)), f"{name} : {what} : {' | '.join(done)}"

    return mutate


def _number_value(rng, cell):
    value = rng.choice(IMPOSSIBLE_NUMBERS)
    if b"<v>" in cell or b"<v " in cell:
        cell = re.sub(rb"<v(?:\s[^>]*)?>.*?</v>|<v\s*/>", b"<v>" + value + b"</v>", cell, count=1, flags=re.S)
    else:
        cell = re.sub(rb"/>$", b"><v>" + value + b"</v></c>", cell)
    return re.sub(rb'\st="[^"]*"', b"", cell)  # a number


def _impossible_type(rng, cell):
    return _set_attribute(cell, b"t", rng.choice(IMPOSSIBLE_TYPES))


def _bad_reference(rng, cell):
    return _set_attribute(cell, b"r", rng.choice(BAD_REFERENCES))


def _sst_index(rng, cell):
    index = rng.choice((b"-1", b"999999", b"4294967296", b"1e3", b"", b"abc", b"2147483648"))
    cell = re.sub(rb"<v>.*?</v>", b"<v>" + index + b"</v>", cell, count=1, flags=re.S)
    return cell


def _date_without_value(rng, cell):
    head = re.sub(rb'\st="[^"]*"', b"", re.match(rb"<c\b[^>]*?(?=/?>)", cell).group(0))
    return head + rng.choice((b' t="d"/>', b' t="d"><v/></c>', b' t="d"><v></v></c>', b' t="d"><v>jamais</v></c>',
                              b' t="d"><v>2023-02-30</v></c>', b' t="d"><v>99999-01-01T00:00:00</v></c>',
                              b' t="d"><v>T10:30:00</v></c>', b' t="d"><v>0000-00-00</v></c>'))


_CONTROL = [bytes([c]) for c in range(32) if c not in (9, 10, 13)]


def _control_characters(rng, cell):
    chars = b"".join(rng.choice(_CONTROL + [b"_x0001_", b"_x001F_", b"&#1;", b"&#xFFFE;", b"\xef\xbf\xbe",
                                            b"\xed\xa0\x80", b"\xff"]) for _ in range(rng.randint(1, 4)))
    if b"<t" in cell:
        return re.sub(rb"(<t(?:\s[^>]*)?>)", lambda m: m.group(1) + chars, cell, count=1)
    head = re.sub(rb'\st="[^"]*"', b"", re.match(rb"<c\b[^>]*?(?=/?>)", cell).group(0))
    return head + b' t="inlineStr"><is><t>' + chars + b"</t></is></c>"


def _style_index(rng, cell):
    return _set_attribute(cell, b"s", rng.choice((b"99999", b"-1", b"22", b"abc", b"4294967295")))


def _has_value(cell: bytes) -> bool:
    return b"<v>" in cell


def _is_number(cell: bytes) -> bool:
    """A number cell below the header row (a count, an amount, a date serial)."""
    kind = re.search(rb'\st="([^"]*)"', cell[: cell.find(b">")])
    row = re.search(rb'\sr="[A-Z]+(\d+)"', cell)
    return b"<v>" in cell and (kind is None or kind.group(1) == b"n") and bool(row) and int(row.group(1)) > 1


def _is_shared(cell: bytes) -> bool:
    return b't="s"' in cell


def _sheet_family(how: str) -> Mutation:
    """Damage to a sheet's declared shape: its dimension, a merge, a row, its columns."""

    def mutate(rng, base, members):
        if base.format != "xlsx":
            raise Skip("pas un xlsx")
        name = rng.choice(_sheet_parts(base))
        xml = _member(members, name)
        ref = rng.choice(ABSURD_RANGES)
        if how == "dimension":
            xml = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="' + ref + b'"/>', xml)
            if b"<dimension" not in xml:
                xml = xml.replace(b"<sheetData", b'<dimension ref="' + ref + b'"/><sheetData', 1)
        elif how == "fusion":  # a merge over (nearly) the whole sheet
            merge = b'<mergeCells count="1"><mergeCell ref="' + ref + b'"/></mergeCells>'
            xml = re.sub(rb"<mergeCells\b.*?</mergeCells>", b"", xml, flags=re.S)
            xml = re.sub(rb"(</sheetData>|<sheetData\s*/>)", lambda m: m.group(1) + merge, xml, count=1)
        elif how == "ligne":  # a row number out of range, or a row spanning absurd columns
            span = _pick(rng, _spans(xml, b"row"), "aucune ligne")
            row = xml[span[0]:span[1]]
            ref = rng.choice((b"0", b"1048577", b"99999999", b"-3", b"x", b"1048576"))
            row = _set_attribute(row, b"r", ref)
            row = _set_attribute(row, b"spans", rng.choice((b"1:16385", b"1:99999999", b"5:1")))
            xml = _replace(xml, span, row)
        else:  # columns declared to the last one, with a style
            cols = b'<cols><col min="1" max="16384" width="9" style="3" customWidth="1"/></cols>'
            ref = b"A:XFD"
            xml = re.sub(rb"<cols>.*?</cols>", cols, xml, count=1, flags=re.S)
        return _zip(_with_member(members, name, xml)), f"{name} : {how} {ref.decode(errors='replace')}"

    return mutate


def _workbook_sheets(rng, base, members):
    if base.format != "xlsx":
        raise Skip("pas un xlsx")
    name = "xl/workbook.xml"
    xml = _member(members, name)
    spans = _spans(xml, b"sheet")
    span = rng.choice(spans)
    sheet = xml[span[0]:span[1]]
    how = rng.randrange(6)
    if how == 0:
        new = _set_attribute(sheet, b"name", rng.choice((b"Section", b"", b"x" * 300, b"A\x01B", b"Actions")))
    elif how == 1:
        new = _set_attribute(sheet, b"r:id", rng.choice((b"rId999", b"", b"rId1")))
    elif how == 2:
        new = _set_attribute(sheet, b"sheetId", rng.choice((b"0", b"-1", b"1", b"99999999999")))
    elif how == 3:
        new = _set_attribute(sheet, b"state", rng.choice((b"veryHidden", b"hidden", b"bogus")))
    elif how == 4:
        new = sheet * rng.choice((2, 50))
    else:
        xml = re.sub(rb"<workbookPr\b[^>]*/>", b'<workbookPr date1904="1"/>', xml)
        new = sheet
    return _zip(_with_member(members, name, _replace(xml, span, new))), f"{name} : {new[:90]!r} ({how})"


def _relations(rng, base, members):
    if base.format != "xlsx":
        raise Skip("pas un xlsx")
    name = "xl/_rels/workbook.xml.rels"
    xml = _member(members, name)
    span = rng.choice(_spans(xml, b"Relationship"))
    target = rng.choice((b"worksheets/sheet999.xml", b"../../../../etc/passwd", b"/xl/styles.xml",
                         b"worksheets/sheet1.xml", b"", b"http://example.org/x.xml", b"styles.xml"))
    new = _set_attribute(xml[span[0]:span[1]], b"Target", target)
    return _zip(_with_member(members, name, _replace(xml, span, new))), f"{name} : Target={target!r}"


# --- .ods ----------------------------------------------------------------------------------------------

_ODS_TYPES = (b"float", b"date", b"time", b"boolean", b"percentage", b"currency", b"string", b"void", b"",
              b"FLOAT")
_ODS_VALUES = {b"office:value": (b"1e308", b"NaN", b"inf", b"", b"abc", b"1" * 400, b"-1e308"),
               b"office:date-value": (b"", b"2023-02-30", b"99999-01-01", b"jamais", b"T10:00", b"-0001-01-01"),
               b"office:time-value": (b"PT99999999H", b"P1D", b"", b"10:00"),
               b"office:boolean-value": (b"peut-etre", b"", b"TRUE")}


def _ods_cell(rng, base, members):
    if base.format != "ods":
        raise Skip("pas un ods")
    xml = _member(members, "content.xml")
    spans = [s for s in _spans(xml, b"table:table-cell") if b"office:value-type" in xml[s[0]:s[1]]]
    done = []
    for span in sorted(rng.sample(spans, min(rng.choice((1, 3)), len(spans))), reverse=True):
        cell = xml[span[0]:span[1]]
        how = rng.randrange(3)
        if how == 0:
            cell = _set_attribute(cell, b"office:value-type", rng.choice(_ODS_TYPES))
        else:
            attribute = rng.choice(list(_ODS_VALUES))
            cell = _set_attribute(cell, attribute, rng.choice(_ODS_VALUES[attribute]))
            if how == 2:
                kind = {b"office:value": b"float", b"office:date-value": b"date", b"office:time-value": b"time",
                        b"office:boolean-value": b"boolean"}[attribute]
                cell = _set_attribute(cell, b"office:value-type", kind)
        xml = _replace(xml, span, cell)
        done.append(cell[:120].decode("utf-8", "replace"))
    return _zip(_with_member(members, "content.xml", xml)), " | ".join(done)


def _ods_repeat(rng, base, members):
    if base.format != "ods":
        raise Skip("pas un ods")
    xml = _member(members, "content.xml")
    tag, attribute = rng.choice(((b"table:table-cell", b"table:number-columns-repeated"),
                                 (b"table:table-row", b"table:number-rows-repeated"),
                                 (b"table:table-cell", b"table:number-columns-spanned"),
                                 (b"table:table-column", b"table:number-columns-repeated")))
    spans = _spans(xml, tag)
    span = _pick(rng, spans, "aucun élément répétable")
    value = rng.choice((b"1048576", b"16384", b"1000000000", b"4294967296", b"0", b"-1", b"x"))
    new = _set_attribute(xml[span[0]:span[1]], attribute, value)
    return _zip(_with_member(members, "content.xml", _replace(xml, span, new))), \
        f"{tag.decode()} {attribute.decode()}={value.decode()}"


def _ods_only(mutation: Mutation) -> Mutation:
    def mutate(rng, base, members):
        if base.format != "ods":
            raise Skip("pas un ods")
        return mutation(rng, base, members)

    return mutate


def _xlsx_only(mutation: Mutation) -> Mutation:
    def mutate(rng, base, members):
        if base.format != "xlsx":
            raise Skip("pas un xlsx")
        return mutation(rng, base, members)

    return mutate


FAMILIES: dict[str, Mutation] = {
    "zip-tronque": _zip_truncated,
    "zip-bits": _zip_bits,
    "zip-membre-double": _zip_duplicate,
    "zip-membre-absent": _zip_missing,
    **{f"xml-{how}-{where}": _xlsx_only(_xml_family(where, how))
       for where in ("feuille", "chaines", "styles", "classeur") for how in ("tronque", "supprime", "echange")},
    "chaine-index-hors-limites": _cell_family(_sst_index, "index de chaîne partagée", only=_is_shared),
    "type-impossible": _cell_family(_impossible_type, "type de cellule", count=3),
    "nombre-impossible": _cell_family(_number_value, "nombre", count=2, only=_is_number),
    "reference-invalide": _cell_family(_bad_reference, "référence", count=2),
    "date-sans-valeur": _cell_family(_date_without_value, "date", count=2),
    "caracteres-controle": _cell_family(_control_characters, "caractères de contrôle", count=2),
    "style-hors-limites": _cell_family(_style_index, "style", count=3),
    "dimension-absurde": _sheet_family("dimension"),
    "fusion-geante": _sheet_family("fusion"),
    "ligne-hors-limites": _sheet_family("ligne"),
    "colonnes-toutes": _sheet_family("colonnes"),
    "feuilles-du-classeur": _workbook_sheets,
    "relations": _relations,
    "ods-tronque": _ods_only(_xml_family("contenu", "tronque")),
    "ods-element-supprime": _ods_only(_xml_family("contenu", "supprime")),
    "ods-elements-echanges": _ods_only(_xml_family("contenu", "echange")),
    "ods-styles": _ods_only(_xml_family("styles-ods", "supprime")),
    "ods-cellule-impossible": _ods_cell,
    "ods-repetition-absurde": _ods_repeat,
}


def _unique(base: Base, number: int) -> list[tuple[str, bytes]]:
    mark = f"Fuzz-{number:04d}".encode()
    return [(name, data.replace(SECTION_MARK, mark)) for name, data in base.members]


def mutant(bases: list[Base], seed: int, number: int, family: str | None = None) -> Mutant:
    """Mutant ``number`` of the series ``seed`` (the same bytes every time); ``family`` to force one."""
    rng = random.Random(f"{seed}-{number}")
    for _ in range(50):
        name = family or rng.choice(sorted(FAMILIES))
        base = rng.choice(bases)
        try:
            data, detail = FAMILIES[name](rng, base, _unique(base, number))
        except Skip:
            continue
        return Mutant(number, name, base.label, detail, data, f".{base.format}")
    raise RuntimeError(f"no family applies to mutant {number}")


def write_mutants(bases: list[Base], folder: Path, seed: int, count: int, start: int = 1) -> list[Mutant]:
    """Write ``count`` mutants into ``folder``; every family gets its turn first, then at random."""
    folder.mkdir(parents=True, exist_ok=True)
    families = sorted(FAMILIES)
    made = []
    for number in range(start, start + count):
        forced = families[(number - start) % len(families)] if number - start < 2 * len(families) else None
        try:
            m = mutant(bases, seed, number, forced)
        except RuntimeError:  # the forced family applies to no base here (e.g. .ods without LibreOffice)
            m = mutant(bases, seed, number)
        (folder / m.name).write_bytes(m.data)
        made.append(m)
    return made


# --- the promises ------------------------------------------------------------------------------------

LEAKS = re.compile(
    r"Traceback|Error\b|Exception|\bobject\b|NoneType|\bNone\b|\bnan\b|\binf\b|\bline \d|codec|"
    r"\bfailed\b|\binvalid\b|\bunexpected\b|\bcannot\b|\bnot\b|\bthe\b|Erreur inattendue|0x[0-9a-f]{6,}|"
    r"PanicException|\bpanicked\b|\bcalamine\b|\bopenpyxl\b|\bzipfile\b",
)
"""English or Python in a message meant for a référent (values the volunteer typed are not checked)."""


def leaks(text: str) -> list[str]:
    return LEAKS.findall(text or "")


def check_report(report, names: set[str]) -> list[str]:
    """Every promise a run's report must keep for the files ``names``; the broken ones, in words."""
    from convention_xlsx.report import IGNORED, READ, REJECTED

    broken = []
    records = {r.path: r for r in report.files}
    for name in sorted(names - set(records)):
        broken.append(f"{name}: absent du rapport")
    for path, record in records.items():
        if record.status not in (READ, REJECTED, IGNORED):
            broken.append(f"{path}: statut {record.status!r}")
        if record.status != READ and not record.reason:
            broken.append(f"{path}: {record.status} sans raison")
        if leaks(record.reason):
            broken.append(f"{path}: raison non française {leaks(record.reason)}: {record.reason}")
        if record.rows_read != record.rows_consolidated + record.rows_rejected:
            broken.append(f"{path}: lignes {record.rows_read} != {record.rows_consolidated} + {record.rows_rejected}")
    for finding in report.findings:
        found = leaks(finding.message) + leaks(finding.column)
        if found:
            broken.append(f"{finding.file}: {finding.code} non français {found}: {finding.message}")
    if report.rows_read != report.rows_consolidated + report.rows_rejected:
        broken.append(f"total: {report.rows_read} != {report.rows_consolidated} + {report.rows_rejected}")
    return broken


# --- running the library on a folder of mutants, in a process of its own ----------------------------


def well_formed(path: Path) -> list[str]:
    """The XML parts of an output workbook that a strict parser refuses (Excel would « repair » them)."""
    from xml.etree import ElementTree

    bad = []
    with zipfile.ZipFile(path) as zf:
        if zf.testzip() is not None or not {"[Content_Types].xml", "xl/workbook.xml"} <= set(zf.namelist()):
            bad.append(f"{path.name}: archive incomplète {zf.namelist()[:5]}")
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                try:
                    ElementTree.fromstring(zf.read(name))
                except ElementTree.ParseError as err:
                    bad.append(f"{path.name}:{name}: {err}")
    return bad


def library_run(folder: Path, out: Path, config_path: Path, returns: bool) -> dict:
    """consolidate_folder then run.publish (with the returns when asked), as ``consolider`` does.

    Returns what broke: ``broken`` (promises of :func:`check_report`, unreadable outputs),
    ``error`` (an exception that escaped, with its traceback) and ``culprits`` (the files whose
    return alone raises, when the returns raised).
    """
    import datetime as dt
    import traceback

    from convention_xlsx.config import load_config
    from convention_xlsx.run import RunOptions, consolidate_step, publish

    config = load_config(config_path)
    names = {p.name for p in folder.iterdir()}
    result: dict = {"broken": [], "error": None, "culprits": [], "counts": {}}
    month = None
    try:
        options = RunOptions(output=out / "sorties" / "tdb.xlsx", arrete=dt.date(2023, 11, 30),
                             today=dt.date(2024, 2, 1), returns_dir=out / "retours" if returns else None,
                             lock_wait=0)
        month = consolidate_step(folder, config, options)
        report = month.consolidation.report
        result["counts"] = {**report.to_json()["lignes"], **report.to_json()["fichiers"]}
        result["broken"] += check_report(report, names)
        publish(month, options)
        result["broken"] += well_formed(options.output)
        for path in sorted((out / "retours").rglob("*.xlsx")) if returns else ():
            result["broken"] += well_formed(path)
        result["returns"] = len(month.returns)
    except BaseException as err:  # noqa: BLE001 - the point is to report it
        result["error"] = "".join(traceback.format_exception(err))
        if returns and month is not None:
            result["culprits"] = _culprits(month.consolidation, folder, out / "culprits")
    return result


def _culprits(cons, folder: Path, out: Path) -> list[str]:
    import copy
    import traceback

    from convention_xlsx.report import Report
    from convention_xlsx.returns import write_returns

    found = []
    for record in cons.report.files:
        alone = copy.copy(cons)
        alone.report = Report(files=[record], findings=[f for f in cons.report.findings if f.file == record.path])
        try:
            write_returns(alone, folder, out)
        except BaseException as err:  # noqa: BLE001
            found.append(f"{record.path}: {traceback.format_exception_only(err)[-1].strip()}")
    return found


def main(argv: list[str]) -> None:
    """``python tests/fuzz.py DOSSIER SORTIE CONFIG [--retours]``: :func:`library_run`, as JSON on stdout."""
    import json
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 * 1024**3, resource.RLIM_INFINITY))
    folder, out, config_path = (Path(a) for a in argv[:3])
    print(json.dumps(library_run(folder, out, config_path, "--retours" in argv)))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
