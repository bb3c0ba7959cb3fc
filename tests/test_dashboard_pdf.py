"""LibreOffice opens a small dashboard and converts it to PDF."""

import re
import shutil
import subprocess

import pytest
from factories import sample

from convention_xlsx.dashboard import write_dashboard

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) n'est pas installé : conversion PDF non testée")
def test_libreoffice_converts_a_small_dashboard_to_pdf(tmp_path):
    workbook = tmp_path / "tableau.xlsx"
    write_dashboard(sample(sections=6), workbook)
    profile = (tmp_path / "profil").as_uri()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(tmp_path), str(workbook)],
        check=True, capture_output=True, timeout=180,
    )
    pdf = (tmp_path / "tableau.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) >= 1
