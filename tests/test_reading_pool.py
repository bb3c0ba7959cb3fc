"""Reading many files in child processes: order kept, and no file can take the run down."""

from __future__ import annotations

import hashlib
from pathlib import Path

import hazards
import pytest

from convention_xlsx.reading import Limits, RawWorkbook, ReadFailure, list_inputs, read_many


def _mixed_folder(folder: Path, valid_count: int = 10) -> dict[str, str]:
    """Valid workbooks, one file of each hazard and the dense-grid file that aborts the parser."""
    expected = {}
    for i in range(valid_count):
        expected[hazards.valid(folder, f"section-{i:02d}.xlsx").name] = "ok"
    for name, (build, code) in {**hazards.HAZARDS, **hazards.PROCESS_HAZARDS}.items():
        (folder / name).mkdir()
        path = build(folder / name)
        expected[path.relative_to(folder).as_posix()] = code
    hazards.lock_files(folder)
    return expected


def _outcome(result: RawWorkbook | ReadFailure) -> str:
    return result.code if isinstance(result, ReadFailure) else "ok"


def test_a_mixed_folder_is_read_in_order_and_every_hostile_file_is_named(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    expected = _mixed_folder(tmp_path)
    paths, skipped = list_inputs(tmp_path)
    digests = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    seen: list[tuple[int, int]] = []

    results = read_many(paths, tmp_path, workers=2, progress=lambda done, total: seen.append((done, total)))

    assert [r.info.path for r in results] == [p.relative_to(tmp_path).as_posix() for p in paths]
    assert {r.info.path: _outcome(r) for r in results} == expected
    assert len(skipped) == 5
    assert seen[-1] == (len(paths), len(paths)) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths} == digests
    grid = next(r for r in results if r.info.path.endswith("grille.xlsx"))
    assert grid.info.sha256 == digests[tmp_path / "grille-dense" / "grille.xlsx"]
    err = capfd.readouterr().err
    assert "backtrace" not in err and "memory allocation" not in err and "Traceback" not in err


def test_a_child_that_dies_only_costs_the_file_it_was_reading(tmp_path: Path) -> None:
    names = [f"a{i:02d}.xlsx" for i in range(12)]
    names[3], names[9] = "plante-1.xlsx", "plante-2.xlsx"
    paths = [hazards.valid(tmp_path, name) for name in names]

    results = read_many(paths, tmp_path, workers=2, reader=hazards.aborting_reader)

    outcomes = [(r.info.path, _outcome(r)) for r in results]
    assert outcomes == [(n, "lecture-interrompue" if n.startswith("plante") else "ok") for n in names]
    assert "arrêté brutalement" in results[3].reason


def test_a_crash_that_does_not_repeat_in_a_fresh_child_is_not_blamed_on_the_file(tmp_path: Path) -> None:
    paths = [hazards.valid(tmp_path, name) for name in ("a.xlsx", "instable.xlsx", "z.xlsx")]
    results = read_many(paths, tmp_path, reader=hazards.aborting_reader)
    assert [_outcome(r) for r in results] == ["ok", "ok", "ok"]


def test_a_file_that_overruns_its_cpu_time_is_stopped(tmp_path: Path) -> None:
    paths = [hazards.valid(tmp_path, name) for name in ("a.xlsx", "boucle.xlsx", "z.xlsx")]
    results = read_many(paths, tmp_path, reader=hazards.aborting_reader, limits=Limits(seconds_per_file=1))
    assert [_outcome(r) for r in results] == ["ok", "lecture-interrompue", "ok"]
    assert "temps" in results[1].reason


def test_the_memory_limit_stops_a_file_that_needs_more(tmp_path: Path) -> None:
    path = hazards.blank_formulas_down(tmp_path, last_row=150_000)
    ok = read_many([path], tmp_path)
    starved = read_many([path], tmp_path, limits=Limits(memory_bytes=64 * 1024 * 1024))
    assert _outcome(ok[0]) == "ok"
    assert _outcome(starved[0]) == "lecture-interrompue"


def test_the_password_reaches_the_children_and_nothing_is_empty(tmp_path: Path) -> None:
    path = hazards.encrypted(tmp_path, password="s3cret")
    assert read_many([], tmp_path) == []
    assert _outcome(read_many([path], tmp_path)[0]) == "fichier-chiffre"
    assert _outcome(read_many([path], tmp_path, password="s3cret")[0]) == "ok"


def test_under_spawn_as_on_windows_and_macos_the_pool_reads_the_same(tmp_path: Path) -> None:
    """``spawn`` starts each child afresh (no forkserver, nothing inherited): same results, same failures."""
    expected = _mixed_folder(tmp_path, valid_count=3)
    paths, _ = list_inputs(tmp_path)

    spawned = read_many(paths, tmp_path, workers=2, start_method="spawn")
    default = read_many(paths, tmp_path, workers=2)

    assert {r.info.path: _outcome(r) for r in spawned} == expected
    assert spawned == default  # every cell, every reason, every digest
    names = ["a.xlsx", "plante-1.xlsx", "z.xlsx"]
    crashed = read_many([hazards.valid(tmp_path, n) for n in names], tmp_path, reader=hazards.aborting_reader,
                        start_method="spawn")
    assert [_outcome(r) for r in crashed] == ["ok", "lecture-interrompue", "ok"]


def test_the_start_method_is_the_one_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    path = hazards.valid(tmp_path)
    parent = [read_many([path], tmp_path, reader=hazards.parent_reader, start_method=m)[0].reason
              for m in ("spawn", "forkserver")]
    assert parent[0] == str(os.getpid())  # a spawned child is ours; a forkserver's child is the server's
    assert parent[1] != str(os.getpid())
    monkeypatch.setenv("CONVENTION_XLSX_START_METHOD", "spawn")
    assert read_many([path], tmp_path, reader=hazards.parent_reader)[0].reason == str(os.getpid())
