"""The bench runs end to end at a small size and reports every stage (its figures are not asserted:
speed is followed in bench/README.md, never in a timed test)."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO


def test_the_bench_measures_every_stage_through_the_users_run(tmp_path):
    readme = REPO / "bench" / "README.md"
    before = readme.read_bytes() if readme.exists() else None
    done = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "--tailles", "8", "--sans-readme"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    table = done.stdout
    for label in ("(a) plancher", "(b) python-calamine brut", "(c) naïf", "(d) consolider complet",
                  "lecture et analyse (mur)", "dont fichiers (cumul des enfants)",
                  "dont analyse et règles par ligne (cumul des enfants)", "dont règles entre lignes",
                  "chiffres", "tableau de bord"):
        assert label in table, label
    stage = re.search(r"\| \(d\) dont fichiers \(cumul des enfants\) \| ([\d.]+) s \|", table)
    assert stage and float(stage.group(1)) > 0
    assert re.search(r"d/c = [\d.]+ \(objectif ≤ 0,20 : (atteint|manqué)\), d/b = [\d.]+ \(objectif ≤ 4", table)
    assert (readme.read_bytes() if readme.exists() else None) == before  # --sans-readme leaves it alone
