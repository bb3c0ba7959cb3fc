"""Volunteers' names reduced to initials; the dashboard encrypted for e-mail."""

from __future__ import annotations

import datetime as dt
import io

import msoffcrypto
import openpyxl
import pytest

from convention_xlsx.consolidate import Consolidation
from convention_xlsx.privacy import anonymise, encrypt_workbook, initials
from convention_xlsx.spec import default_spec
from convention_xlsx.tables import build_frame

SPEC = default_spec()


@pytest.mark.parametrize(("name", "expected"), [
    ("Anne", "A."), ("Jean-Marie", "J.-M."), ("de La Tour", "D. L. T."), ("  léa ", "L."), (None, None),
])
def test_initials(name, expected):
    assert initials(name) == expected


def test_anonymise_keeps_everything_but_the_names(config):
    volunteers = build_frame(SPEC.sheet("volunteers"), [
        {"last_name": "Martin", "first_name": "Anne", "role": "Visiteur ANVP", "establishment": "CP-FRESNES",
         "mandate_start": dt.date(2023, 1, 1), "mandate_end": dt.date(2024, 1, 1), "section": "Fresnes"},
    ])
    cons = Consolidation(config, dt.date(2023, 12, 31), dt.date(2024, 1, 2), tables={"volunteers": volunteers})
    out = anonymise(cons)
    row = out.tables["volunteers"].iloc[0]
    assert (row.last_name, row.first_name) == ("M.", "A.")
    assert (row.role, row.establishment, row.mandate_end) == ("Visiteur ANVP", "CP-FRESNES", dt.datetime(2024, 1, 1))
    assert cons.tables["volunteers"].iloc[0].last_name == "Martin"  # the original is untouched


def test_encrypted_dashboard_needs_the_password(tmp_path):
    plain = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Synthèse"
    wb.save(plain)
    target = tmp_path / "chiffre.xlsx"
    encrypt_workbook(plain, target, "s3cret")
    office = msoffcrypto.OfficeFile(io.BytesIO(target.read_bytes()))
    assert office.is_encrypted()
    office.load_key(password="s3cret")
    out = io.BytesIO()
    office.decrypt(out)
    assert openpyxl.load_workbook(out).active["A1"].value == "Synthèse"
