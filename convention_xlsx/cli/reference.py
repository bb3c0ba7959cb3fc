"""The documentation generated from the code, so it cannot drift.

``python -m convention_xlsx.cli.reference`` rewrites ``docs/commandes.md`` (every
command's ``--help``), ``docs/codes.md`` (the catalogue of anomaly codes) and ``docs/modele.md``
(the section workbook, from its description);
``tests/test_docs.py`` fails when they are out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..findings import catalogue_markdown
from . import main


def commands_markdown() -> str:
    """Every command's help, as the user sees it, in one Markdown page."""
    parts = [
        "# Référence des commandes",
        "",
        "Générée à partir de l'aide de chaque commande (`python -m convention_xlsx.cli.reference`).",
        "",
    ]
    settings = {"terminal_width": 100, "resilient_parsing": True}
    with main.make_context("convention-xlsx", [], **settings) as ctx:
        parts += ["## convention-xlsx", "", "```text", main.get_help(ctx), "```", ""]
        for name in sorted(main.list_commands(ctx)):
            command = main.get_command(ctx, name)
            with command.make_context(name, [], parent=ctx, **settings) as sub:
                parts += [f"## convention-xlsx {name}", "", "```text", command.get_help(sub), "```", ""]
    return "\n".join(parts)


def write(docs: Path) -> None:
    from ..model_docs import model_markdown
    from ..spec import default_spec

    docs.mkdir(exist_ok=True)
    (docs / "commandes.md").write_text(commands_markdown(), encoding="utf-8")
    (docs / "codes.md").write_text(catalogue_markdown(), encoding="utf-8")
    (docs / "modele.md").write_text(model_markdown(default_spec()), encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs"))
