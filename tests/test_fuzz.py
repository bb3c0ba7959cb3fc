"""Mutated workbooks break no promise (issue « Faults, fuzzed files and speed », item 2).

A few hundred mutants of template workbooks (see ``tests/fuzz.py`` for the families of damage) go
through the library as ``consolider`` runs it, in a process of its own with its memory bounded:
``consolidate_folder`` and ``run.publish`` (the dashboard; the returns for a part of them), and a
handful through the real command line, with and without ``--retours``. Every mutant is read or
rejected with a French reason, the row counts add up per file and in total, no exception escapes,
no « Erreur inattendue », no English nor Python in a message, and every output is well-formed.

More mutants: ``pytest tests/test_fuzz.py --fuzz-mutants 5000 [--fuzz-seed 7]`` (or the variables
``CONVENTION_XLSX_FUZZ_MUTANTS`` and ``CONVENTION_XLSX_FUZZ_SEED``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import fuzz
import pytest
from conftest import PACKAGED_CONFIG, REPO, libreoffice_convert
from workbooks import make_section_workbook, md_rows

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="limites de mémoire POSIX")

DEFAULT_MUTANTS = 300
DEFAULT_SEED = 20261201
RETURNS_SHARE = 4
"""One mutant in four also goes through the returns (openpyxl makes them slow: about 0.3 s each)."""
CLI_FAMILIES = ("nombre-impossible", "caracteres-controle", "date-sans-valeur", "fusion-geante",
                "reference-invalide", "type-impossible", "chaine-index-hors-limites", "style-hors-limites",
                "ods-cellule-impossible", "zip-tronque")

TABLES = {
    "establishments": """
| Code établissement | Présence ANVP | Visiteurs ANVP actifs | Présence Auxilia | CP Auxilia en poste | Apprenants Auxilia | Commentaire |
| CP-NANTERRE        | Oui           | 12                    | Oui              | 1                   | 14                 | Équipe stable |
| MA-ANGOULEME       | oui           | 3                     | Non              | 0                   |                    |             |
""",
    "volunteers": """
| Nom     | Prénom | Code établissement | Rôle                      | Adhérent ANVP | Adhérent Auxilia | Début de mandat | Fin de mandat |
| Martin  | Anne   | CP-NANTERRE        | Visiteur ANVP             | Oui           | Non              |                 |               |
| Leroy   | Marc   | CP-NANTERRE        | Visiteur et correspondant | Oui           | Non              | 2023-01-01      | 2024-06-30    |
""",
    "actions": """
| Date       | Code établissement | Type d'action                | Associations    | Bénévoles ANVP | Personnes touchées | Description |
| 2023-03-15 | CP-NANTERRE        | Rencontre quartier arrivants | ANVP et Auxilia | 2              | 25                 | Présentation |
| 2023-05-02 | MA-ANGOULEME       | Autre                        | ANVP            | 1              | 8                  | Aumônerie |
""",
    "meetings": """
| Date       | Code établissement | Avec      | ANVP représentée | Auxilia représentée | Préparation commune | Compte-rendu reçu ANVP | Objet |
| 2023-04-11 | CP-NANTERRE        | Direction | Oui              | Par l'ANVP          | Non                 | Oui                    | Bilan |
""",
    "referrals": """
| Mois    | Code établissement | Personnes informées de l'autre association | Inscriptions Auxilia venues de l'ANVP |
| `05/2023` | CP-NANTERRE      | 4                                          | 1                                     |
""",
    "trainings": """
| Date       | Thème | Lieu  | Participants ANVP | Participants Auxilia | Durée (heures) |
| 2023-06-01 | Écoute | Paris | 6                | 3                    | 2.5            |
""",
    "communication": """
| Date       | Association émettrice | Support       | Nature                  | Titre ou lien |
| 2023-02-10 | ANVP                  | Site Internet | Nouvelles du partenaire | Auxilia recrute |
""",
    "calls": """
| Date de dépôt | Financeur           | Type de financeur | Intitulé     | Portage | Montant demandé (€) | Statut  | Montant obtenu (€) |
| 2023-03-01    | Fondation de France | Privé             | Former       | Commun  | 12000               | Accepté | 9000.5             |
""",
}


def _option(request, name: str, variable: str, default: int) -> int:
    value = request.config.getoption(name)
    return value if value is not None else int(os.environ.get(variable, default))


@pytest.fixture(scope="module")
def bases(config, tmp_path_factory) -> list[fuzz.Base]:
    """The template's workbook, the same with shared strings, and LibreOffice's .xlsx and .ods of it."""
    folder = tmp_path_factory.mktemp("bases")
    tables = {key: md_rows(text, sheet=key) for key, text in TABLES.items()}
    path = make_section_workbook(folder / "modele.xlsx", config, "ANVP", fuzz.SECTION_MARK.decode(),
                                 dt.date(2023, 11, 20), establishments=["CP-NANTERRE", "MA-ANGOULEME"],
                                 tables=tables, email="anvp.fuzz@example.org", editor="Anne Martin")
    template = fuzz.Base.from_bytes("modele", path.read_bytes(), "xlsx")
    out = [template, fuzz.shared_strings_base(template)]
    if shutil.which("soffice") or shutil.which("libreoffice"):
        saved = libreoffice_convert(path, "xlsx:Calc MS Excel 2007 XML", folder / "lo")
        out.append(fuzz.Base.from_bytes("libreoffice", saved.read_bytes(), "xlsx"))
        out.append(fuzz.Base.from_bytes("libreoffice", libreoffice_convert(path, "ods", folder / "lo").read_bytes(),
                                        "ods"))
    return out


def test_the_unmutated_bases_are_read_whole(bases, tmp_path):
    """The fuzzer starts from workbooks that read without an error: what breaks is the mutation."""
    folder = tmp_path / "entrees"
    folder.mkdir()
    for i, base in enumerate(bases):
        members = [(n, d.replace(fuzz.SECTION_MARK, f"Fuzz-{9000 + i}".encode())) for n, d in base.members]
        (folder / f"{i}-{base.label}.{base.format}").write_bytes(fuzz._zip(members))
    result = _library(folder, tmp_path / "sorties", returns=False)
    assert result["error"] is None and result["broken"] == []
    rows = sum(len(md_rows(text)) for text in TABLES.values())
    assert result["counts"]["lues"] == result["counts"]["consolidees"] == rows * len(bases)


def test_mutants_are_deterministic_and_every_family_is_made(bases, tmp_path):
    first = fuzz.write_mutants(bases, tmp_path / "a", seed=5, count=2 * len(fuzz.FAMILIES))
    again = fuzz.write_mutants(bases, tmp_path / "b", seed=5, count=2 * len(fuzz.FAMILIES))
    assert [m.data for m in first] == [m.data for m in again]
    made = {m.family for m in first}
    ods = {f for f in fuzz.FAMILIES if f.startswith("ods-")}
    assert made >= set(fuzz.FAMILIES) - (set() if any(b.format == "ods" for b in bases) else ods)
    assert all(m.data != fuzz._zip(list(b.members)) for m in first for b in bases if b.label == m.base)


def _library(folder: Path, out: Path, returns: bool) -> dict:
    args = [sys.executable, str(REPO / "tests" / "fuzz.py"), str(folder), str(out), str(PACKAGED_CONFIG)]
    done = subprocess.run(args + (["--retours"] if returns else []), capture_output=True, text=True,
                          timeout=1200, cwd=out.parent, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def mutants(bases, request, tmp_path_factory):
    count = _option(request, "--fuzz-mutants", "CONVENTION_XLSX_FUZZ_MUTANTS", DEFAULT_MUTANTS)
    seed = _option(request, "--fuzz-seed", "CONVENTION_XLSX_FUZZ_SEED", DEFAULT_SEED)
    root = tmp_path_factory.mktemp("mutants")
    made = fuzz.write_mutants(bases, root / "tous", seed, count)
    share = [m for m in made if m.number % RETURNS_SHARE == 0 or m.number <= len(fuzz.FAMILIES)]
    (root / "avec-retours").mkdir()
    for m in share:
        shutil.copy(root / "tous" / m.name, root / "avec-retours" / m.name)
    return root, {m.name: m for m in made}, seed


def _explain(lines: list[str], made: dict[str, fuzz.Mutant], seed: int) -> str:
    out = []
    for line in lines[:30]:
        m = made.get(line.split(":")[0])
        out.append(line + (f"\n    mutant {m.number} (graine {seed}, famille {m.family}, base {m.base}) : "
                           f"{m.detail[:300]}" if m else ""))
    return "\n".join(out)


def test_every_mutant_is_read_or_named_in_french_and_the_counts_add_up(mutants):
    root, made, seed = mutants
    result = _library(root / "tous", root / "sorties-tous", returns=False)
    assert result["error"] is None, result["error"]
    assert result["broken"] == [], _explain(result["broken"], made, seed)
    counts = result["counts"]
    assert counts["lus"] + counts["rejetes"] + counts["ignores"] == len(made)
    assert counts["lus"] > len(made) // 4 and counts["rejetes"] > len(made) // 10  # the damage is varied
    assert counts["lues"] == counts["consolidees"] + counts["rejetees"]


def test_the_returns_of_mutants_are_written_whole(mutants):
    root, made, seed = mutants
    result = _library(root / "avec-retours", root / "sorties-retours", returns=True)
    assert result["error"] is None, result["error"] + "\n" + _explain(result["culprits"], made, seed)
    assert result["broken"] == [], _explain(result["broken"], made, seed)
    assert result["returns"] == len(list((root / "avec-retours").iterdir()))  # each has a finding (its section)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (4 * 1024**3, resource.RLIM_INFINITY))


def test_a_handful_through_the_command_line_with_and_without_returns(bases, mutants, tmp_path):
    root, made, seed = mutants
    folder = tmp_path / "entrees"
    folder.mkdir()
    chosen = {}
    for number, family in enumerate(CLI_FAMILIES, 9001):  # numbers of their own: one section each
        try:
            m = fuzz.mutant(bases, seed, number, family)
        except RuntimeError:  # no base for it (.ods without LibreOffice)
            continue
        chosen[m.name] = m
        (folder / m.name).write_bytes(m.data)
    for extra in ((), ("--retours", str(tmp_path / "retours"))):
        report = tmp_path / f"rapport{len(extra)}.json"
        args = [sys.executable, "-m", "convention_xlsx", "consolider", str(folder), "-o",
                str(tmp_path / "sorties" / "tdb.xlsx"), "--arrete", "2023-11-30", "--json", str(report), "-q", *extra]
        done = subprocess.run(args, capture_output=True, text=True, timeout=600, cwd=tmp_path,
                              env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(REPO)},
                              preexec_fn=_limit_memory)
        output = done.stdout + done.stderr
        assert done.returncode == 0, output[-3000:]
        assert "Traceback" not in output and "Erreur inattendue" not in output
        text = output.replace(str(tmp_path), "")
        assert fuzz.leaks(text) == [] and "Warning" not in text, text[-3000:]
        data = json.loads(report.read_text("utf-8"))
        lines = data["lignes"]
        assert lines["lues"] == lines["consolidees"] + lines["rejetees"]
        files = data["fichiers"]
        assert files["lus"] + files["rejetes"] + files["ignores"] == len(chosen)
        assert not [a for a in data["anomalies"] if fuzz.leaks(a["message"])]
    assert len(list((tmp_path / "retours").iterdir())) == len(chosen)
