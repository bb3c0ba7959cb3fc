"""An attachment's name, whatever the sender wrote, becomes a plain file name inside the folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convention_xlsx.mail.names import MAX_NAME_BYTES, safe_name, spreadsheet_extension
from convention_xlsx.reading.files import is_skipped_name

RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


@pytest.mark.parametrize("name, extension", [
    ("rapport.xlsx", ".xlsx"), ("Rapport.XLSM", ".xlsm"), ("b.ods", ".ods"), ("vieux.xls", ".xls"),
    ("../../evil.xlsx", ".xlsx"), ("noté.xlsx. ", ".xlsx"), ("affiche.pdf", None), ("x.xlsx.exe", None),
    ("", None), (None, None),
])
def test_spreadsheets_are_known_by_their_extension(name, extension):
    assert spreadsheet_extension(name) == extension


def test_a_name_without_extension_is_known_by_its_type():
    assert spreadsheet_extension("classeur", "application/vnd.oasis.opendocument.spreadsheet") == ".ods"
    assert spreadsheet_extension("affiche.pdf", "application/vnd.ms-excel") is None  # the name says otherwise


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=0, max_size=400), st.sampled_from([".xlsx", ".xlsm", ".ods", ".xls"]),
       st.sets(st.text(min_size=1, max_size=20), max_size=5))
def test_any_name_is_made_safe(tmp_path_factory, raw, extension, taken):
    folder = tmp_path_factory.getbasetemp()
    name = safe_name(raw, extension, taken)
    assert name.endswith(extension) and len(name.encode()) <= MAX_NAME_BYTES
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in name)
    assert not is_skipped_name(name), "a hidden or lock-file name would not be read by consolider"
    assert name.split(".")[0].strip().casefold() not in RESERVED
    assert name.casefold() not in {t.casefold() for t in taken}
    assert (folder / name).resolve().parent == Path(folder).resolve()
    name.encode("utf-8")  # always a name a UTF-8 file system (and the JSON log) can hold
