"""Benchmark of the monthly run against the floor, a raw read and a naive pipeline.

    python bench/run.py [--tailles 50,250,1000] [--graine 1] [--sans-readme]

For each size N it writes N section workbooks with the demo generator (through the template,
in the reading pool) into a temporary folder, then measures in the same run, each in a fresh
Python process so that its peak memory is its own:

(a) floor: every zip member's bytes read with ``zipfile``;
(b) raw python-calamine read of every sheet of every file, in one process;
(b2) the project's isolated reading (``read_many``: sniffing, pre-flight, hashing, calamine in
     the pool's child processes);
(c) naive: ``pandas.read_excel(f, sheet_name=None, engine="openpyxl")`` on every file;
(d) the whole ``consolider``: ``consolidate_folder`` + ``write_dashboard``.

Wall times are measured inside the measuring process (its start-up is not counted). Peak memory:
of the measuring process itself (``VmHWM``) and of its largest child (``ru_maxrss`` of
``RUSAGE_CHILDREN``: the reading pool's children), the largest of the two is shown. The Markdown table is
printed and written to ``bench/README.md`` with the date and the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
MEASURES = ("a", "b", "b2", "c", "d")
LABELS = {
    "a": "(a) plancher : octets de chaque membre zip",
    "b": "(b) python-calamine brut, chaque feuille",
    "b2": "(b2) lecture isolée du projet (read_many)",
    "c": "(c) naïf : pandas.read_excel(openpyxl)",
    "d": "(d) consolider complet (lecture, validation, tableau de bord)",
}


# --------------------------------------------------------------------------- inputs


def build_inputs(folder: Path, count: int, seed: int) -> tuple[Path, float]:
    """``count`` distinct section workbooks (national demos of successive seeds, renamed), and
    their configuration; returns the configuration's path and the generation's wall time."""
    from convention_xlsx.config import ExpectedSection, load_config
    from convention_xlsx.demo import DemoPlan, plan_demo
    from convention_xlsx.demo.files import write_config, write_workbooks

    base = load_config(None)
    workbooks, expected, mistakes = [], [], []
    round_ = 0
    while len(workbooks) < count:
        plan = plan_demo(base, seed=seed + round_)
        suffix = f" {round_ + 1}" if round_ else ""
        taken = plan.workbooks[: count - len(workbooks)]
        names = {(w.association, w.section) for w in taken}
        workbooks += [replace(w, file=f"g{round_ + 1}_{w.file}", section=w.section + suffix) for w in taken]
        expected += [ExpectedSection(s.association, s.name + suffix, s.establishments, s.email)
                     for s in plan.expected if (s.association, s.name) in names]
        round_ += 1
    merged = DemoPlan(seed, expected, workbooks, mistakes)
    config_path = folder / "convention.toml"
    config = write_config(merged, base, config_path)
    started = time.perf_counter()
    write_workbooks(merged, folder / "entrees", config)
    return config_path, time.perf_counter() - started


# --------------------------------------------------------------------------- one measure


def measure(which: str, folder: Path, config_path: Path) -> dict:
    """Run one measure in this process; wall time and peak memory (MiB)."""
    inputs = sorted((folder / "entrees").iterdir())
    extra: dict[str, float] = {}
    started = time.perf_counter()
    if which == "a":
        import zipfile

        for path in inputs:
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    archive.read(name)
    elif which == "b":
        import python_calamine as calamine

        for path in inputs:
            wb = calamine.CalamineWorkbook.from_path(str(path))
            for name in wb.sheet_names:
                wb.get_sheet_by_name(name).to_python()
    elif which == "b2":
        from convention_xlsx.reading import read_many

        read_many(inputs, root=folder / "entrees")
    elif which == "c":
        import pandas as pd

        for path in inputs:
            pd.read_excel(path, sheet_name=None, engine="openpyxl")
    elif which == "d":
        import datetime as dt

        from convention_xlsx.config import load_config
        from convention_xlsx.consolidate import default_arrete
        from convention_xlsx.run import RunOptions, run_month

        config = load_config(config_path)
        today = dt.date.today()
        options = RunOptions(output=folder / "tableau_de_bord.xlsx", arrete=default_arrete(config, today)[0],
                             today=today, history=folder / "historique.sqlite", carry_observations=False)
        result = run_month(folder / "entrees", config, options)
        extra = dict(result.timings)
    seconds = time.perf_counter() - started
    own = _own_peak_mib()
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "self_mib": own, "children_mib": children, **extra}


def _own_peak_mib() -> float:
    """This process's peak resident memory. ``VmHWM`` where Linux gives it: ``ru_maxrss`` keeps,
    across ``exec``, the size of the parent that forked us (the benchmark itself, with pandas)."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_in_child(which: str, folder: Path, config_path: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--mesure", which, str(folder), str(config_path)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"la mesure {which} a échoué :\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- table


STAGES = (("lecture", "lecture et analyse (mur)"), ("fichiers", "dont fichiers (cumul des enfants)"),
          ("analyse", "dont analyse et règles par ligne (cumul des enfants)"), ("consolidation", "consolidation"),
          ("regles", "dont règles entre lignes"), ("chiffres", "chiffres"), ("tableau", "tableau de bord"),
          ("historique", "historique"))
"""The stages of :func:`convention_xlsx.run.run_month` (``MonthResult.timings``) shown for (d), with their
French labels. The pool's children share two cores: their summed seconds exceed the wall time."""


def table(results: dict[int, dict]) -> str:
    sizes = sorted(results)
    lines = ["| mesure | " + " | ".join(f"{n} classeurs" for n in sizes) + " |",
             "|---|" + "---|" * len(sizes)]
    lines.append("| génération (démo, pool) | " + " | ".join(f"{results[n]['generation']:.1f} s" for n in sizes)
                 + " |")
    for which in MEASURES:
        cells = []
        for n in sizes:
            r = results[n][which]
            peak = max(r["self_mib"], r["children_mib"])
            cells.append(f"{r['seconds']:.2f} s · {1000 * r['seconds'] / n:.1f} ms/classeur · {peak:.0f} Mio")
        lines.append(f"| {LABELS[which]} | " + " | ".join(cells) + " |")
    for stage, label in STAGES:
        if any(stage in results[n]["d"] for n in sizes):
            lines.append(f"| (d) {label} | " + " | ".join(
                f"{results[n]['d'][stage]:.2f} s" if stage in results[n]["d"] else "–" for n in sizes) + " |")
    lines.append("| d / c | " + " | ".join(f"{results[n]['d']['seconds'] / results[n]['c']['seconds']:.3f}"
                                           for n in sizes) + " |")
    lines.append("| d / b | " + " | ".join(f"{results[n]['d']['seconds'] / results[n]['b']['seconds']:.2f}"
                                           for n in sizes) + " |")
    return "\n".join(lines)


def verdict(results: dict[int, dict]) -> str:
    largest = max(results)
    r = results[largest]
    to_naive = r["d"]["seconds"] / r["c"]["seconds"]
    to_raw = r["d"]["seconds"] / r["b"]["seconds"]
    peak = max(r["d"]["self_mib"], r["d"]["children_mib"])
    per = [results[n]["d"]["seconds"] / n for n in sorted(results)]

    def met(ok: bool) -> str:
        return "atteint" if ok else "manqué"

    return "\n".join([
        f"- À {largest} classeurs : d/c = {to_naive:.3f} (objectif ≤ 0,20 : {met(to_naive <= 0.20)}), "
        f"d/b = {to_raw:.2f} (objectif ≤ 4 : {met(to_raw <= 4)}), "
        f"mémoire de pointe de (d) {peak:.0f} Mio (objectif < 1 024 : {met(peak < 1024)}).",
        "- Coût de (d) par classeur selon la taille : " + ", ".join(f"{1000 * p:.1f} ms" for p in per)
        + (" : linéaire (il ne croît pas avec la taille ; le départ du pool pèse sur les petites tailles)"
           if per[-1] <= 1.3 * min(per) else " : croît plus vite que la taille, à examiner") + ".",
    ])


def write_readme(text: str) -> None:
    readme = HERE / "README.md"
    head = (
        "# Banc de mesure\n\n"
        "`python bench/run.py [--tailles 50,250,1000]` écrit N classeurs de section avec le générateur de la\n"
        "démonstration (graine 1, puis 2, 3… renommées au-delà des ~267 classeurs d'une démonstration\n"
        "nationale) et mesure, dans le même passage, chaque étape dans un processus Python neuf.\n"
        "Mémoire : pic du processus de mesure (`VmHWM`) ou de son plus gros enfant (`ru_maxrss` des enfants),\n"
        "le plus grand des deux.\n"
        "Aucune assertion de durée dans les tests : ce tableau est le suivi.\n\n"
    )
    notes_path = HERE / "NOTES.md"
    notes = notes_path.read_text("utf-8") if notes_path.is_file() else ""
    readme.write_text(head + text + ("\n\n" + notes if notes else "") + "\n", "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tailles", default="50,250,1000", help="Nombres de classeurs, séparés par des virgules.")
    parser.add_argument("--graine", type=int, default=1)
    parser.add_argument("--sans-readme", action="store_true", help="Ne pas réécrire bench/README.md.")
    parser.add_argument("--mesure", nargs=3, metavar=("MESURE", "DOSSIER", "CONFIG"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mesure:
        which, folder, config_path = args.mesure
        print(json.dumps(measure(which, Path(folder), Path(config_path))))
        return
    sizes = [int(x) for x in args.tailles.split(",") if x.strip()]
    results: dict[int, dict] = {}
    with tempfile.TemporaryDirectory(prefix="convention-bench-") as tmp:
        for n in sizes:
            folder = Path(tmp) / str(n)
            config_path, generation = build_inputs(folder, n, args.graine)
            results[n] = {"generation": generation}
            for which in MEASURES:
                results[n][which] = measure_in_child(which, folder, config_path)
                print(f"{n} classeurs, {which} : {results[n][which]['seconds']:.2f} s", file=sys.stderr)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    stamp = (f"Mesuré le {dt.date.today():%d/%m/%Y} sur {platform.platform()}, {os.cpu_count()} cœurs (nproc), "
             f"Python {platform.python_version()} ; charge moyenne de la machine à la fin : {load:.1f} "
             "(au-delà de 0, d'autres processus partageaient les cœurs).")
    text = "\n\n".join([stamp, table(results), verdict(results)])
    print(text)
    if not args.sans_readme:
        write_readme(text)


if __name__ == "__main__":
    main()
