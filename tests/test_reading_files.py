"""Which files of the input folder are read, and which are skipped as lock or hidden files."""

from __future__ import annotations

from pathlib import Path

import hazards

from convention_xlsx.reading import list_inputs


def test_lock_and_hidden_files_are_skipped_every_other_file_is_a_candidate(tmp_path: Path) -> None:
    (tmp_path / "ANVP" / "2023").mkdir(parents=True)
    (tmp_path / "b.xlsx").write_bytes(b"x")
    (tmp_path / "ANVP" / "2023" / "a.xlsx").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("pas un classeur", encoding="utf-8")
    (tmp_path / "SANS_EXTENSION").write_bytes(b"x")
    locks = hazards.lock_files(tmp_path)

    candidates, skipped = list_inputs(tmp_path)

    rel = [p.relative_to(tmp_path).as_posix() for p in candidates]
    assert rel == ["ANVP/2023/a.xlsx", "SANS_EXTENSION", "b.xlsx", "notes.txt"]
    assert sorted(skipped) == sorted(locks)


def test_empty_folder_gives_nothing(tmp_path: Path) -> None:
    assert list_inputs(tmp_path) == ([], [])
