"""Shared fixtures: the shipped configuration and LibreOffice.

Test inputs are built through the real template with ``tests/workbooks.py``::

    from workbooks import make_section_workbook, md_rows

LibreOffice round trips and PDF conversions go through :func:`libreoffice_convert`
(``from conftest import libreoffice_convert``), after the ``soffice`` fixture.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

import convention_xlsx
from convention_xlsx.config import Config, load_config

PACKAGED_CONFIG = Path(convention_xlsx.__file__).parent / "data" / "convention.toml"
"""The configuration shipped inside the package (independent of the working directory)."""

REPO = Path(__file__).resolve().parents[1]


def packaged_config_text() -> str:
    """The shipped configuration's text with absolute paths to its référentiel, workbook description and indicators,
    so that a copy written anywhere (a test's folder) reads the same files."""
    data = PACKAGED_CONFIG.parent
    return (PACKAGED_CONFIG.read_text("utf-8")
            .replace('referentiel = "etablissements.csv"', f'referentiel = "{data / "etablissements.csv"}"')
            .replace('classeur = "classeur.toml"', f'classeur = "{data / "classeur.toml"}"')
            .replace('indicateurs = "indicateurs.toml"', f'indicateurs = "{data / "indicateurs.toml"}"'))


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fuzz", "fuzzer de classeurs (tests/test_fuzz.py)")
    group.addoption("--fuzz-mutants", type=int, default=None, metavar="N",
                    help="nombre de classeurs mutants à essayer (par défaut 300, ou CONVENTION_XLSX_FUZZ_MUTANTS)")
    group.addoption("--fuzz-seed", type=int, default=None, metavar="GRAINE",
                    help="graine des mutations (par défaut fixe, ou CONVENTION_XLSX_FUZZ_SEED)")


@pytest.fixture(scope="session")
def config() -> Config:
    """The shipped configuration: period 2021–2023, the expected sections, 186 establishments."""
    return load_config(PACKAGED_CONFIG)


@pytest.fixture(scope="session")
def soffice() -> str:
    """The path to LibreOffice's ``soffice``; the test is skipped when it is absent."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        pytest.skip("LibreOffice (soffice) absent : test de bout en bout ignoré")
    return path


_PROFILE = Path(tempfile.gettempdir()) / f"convention-xlsx-lo-profile-{os.getpid()}"
atexit.register(shutil.rmtree, _PROFILE, ignore_errors=True)


def libreoffice_convert(src: Path, fmt: str, outdir: Path, timeout: float = 180) -> Path:
    """Convert ``src`` with LibreOffice (``fmt``: ``xlsx``, ``pdf``, ``ods``… or ``ext:Filter``).

    Uses a private profile per test process, so parallel workers do not collide.
    Returns the converted file; fails the test with LibreOffice's output otherwise.
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice") or "soffice"
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = [
        soffice,
        "--headless",
        "--norestore",
        f"-env:UserInstallation={_PROFILE.as_uri()}",
        "--convert-to",
        fmt,
        "--outdir",
        str(outdir),
        str(src),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    out = outdir / f"{Path(src).stem}.{fmt.split(':')[0]}"
    if done.returncode != 0 or not out.is_file():
        pytest.fail(f"LibreOffice conversion failed ({done.returncode}): {done.stdout}\n{done.stderr}")
    return out
