"""Nothing changes for the presidents unless we mean it: every figure of the demo's Synthèse, Par DISP and
Bilan and Recommandations, read back from the written dashboard, is compared with the recorded ones.

The record (``tests/golden/demo_figures.json``) is the dashboard of a fixed demo (seed 1, 30 sections, run
on a fixed day). A change of the code that moves a figure fails here; a change that means to move one
regenerates the record on purpose, and the commit says why::

    CONVENTION_XLSX_GOLDEN=ecrire pytest tests/test_figures_golden.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import openpyxl
import pytest
from conftest import PACKAGED_CONFIG

from convention_xlsx.config import load_config
from convention_xlsx.demo.run import run_demo

GOLDEN = Path(__file__).with_name("golden") / "demo_figures.json"
SHEETS = ("Synthèse", "Par DISP", "Bilan", "Recommandations")
TODAY = dt.date(2026, 11, 23)


def _value(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    if isinstance(value, float):
        return round(value, 6)
    return value


def figures(path: Path) -> dict[str, list[list[object]]]:
    wb = openpyxl.load_workbook(path, data_only=True)
    out = {}
    for name in SHEETS:
        rows = []
        for row in wb[name].iter_rows(values_only=True):
            values = [_value(v) for v in row if v not in (None, "")]
            if values and not any(isinstance(v, str) and "généré le" in v.lower() for v in values):
                rows.append(values)
        out[name] = rows
    return out


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("golden")
    output = root / "sorties" / "tableau_de_bord_demo.xlsx"
    run_demo(load_config(PACKAGED_CONFIG), root / "sorties" / "demo" / "entrees", output, seed=1, sections=30,
             today=TODAY)
    return output


def test_the_demo_dashboard_figures_are_the_recorded_ones(dashboard):
    found = figures(dashboard)
    if os.environ.get("CONVENTION_XLSX_GOLDEN") == "ecrire":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n", "utf-8")
    recorded = json.loads(GOLDEN.read_text("utf-8"))
    for name in SHEETS:
        assert found[name] == recorded[name], name
