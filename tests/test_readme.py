"""The README's two commands are the ones CI and a new user run."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def fenced_blocks(text: str, language: str) -> list[str]:
    return [m.group(1).strip() for m in re.finditer(rf"```{language}\n(.*?)```", text, re.S)]


def test_the_first_blocks_are_the_two_commands_and_ci_runs_the_second():
    readme = (REPO / "README.md").read_text("utf-8")
    first, second = fenced_blocks(readme, "bash")[:2]
    assert "pip install" in first and first.rstrip().endswith("convention-xlsx demo")
    assert "pip install" in second and "[test]" in second and "pytest" in second
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    assert second in ci.splitlines(), ".ci/run must run the README's test command, unchanged"
    assert "libreoffice-calc-nogui" in ci and "apt-get update" in ci


def test_windows_gets_the_same_two_commands():
    readme = (REPO / "README.md").read_text("utf-8")
    first, second = fenced_blocks(readme, "powershell")[:2]
    assert first.rstrip().endswith("demo") and "pytest" in second
