"""A TOML file a person edits, read with the line of every table and key, for French errors that say where.

:class:`TomlReader` parses the text, remembers where each ``[table]``, ``[[array.of.tables]]`` and key
sits, and offers checked getters (text, list of texts, flag, integer, array of tables) whose errors name
the file and the line: « Description du classeur modeles/classeur.toml, ligne 212 : … ».
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .text import closest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.]+)\s*\]\]?")
_ASSIGN = re.compile(r"^\s*([A-Za-z0-9_]+)\s*=")


class TomlError(Exception):
    """A TOML file that cannot be used; the message (French) names the file and the line."""


def read_text(path: str | Path, what: str, error: type[Exception] = TomlError) -> str:
    """The UTF-8 text of ``path`` (``what``: « la description du classeur »…), or ``error`` in French."""
    from .errors import describe_os_error

    try:
        return Path(path).read_text("utf-8")
    except OSError as err:
        raise error(f"Impossible de lire {what} {path} : {describe_os_error(err)}.") from err
    except UnicodeDecodeError as err:
        raise error(f"{what[:1].upper()}{what[1:]} {path} n'est pas un texte UTF-8 : enregistrez le fichier en "
                    "UTF-8.") from err


def load_toml(text: str, what: str, error: type[Exception] = TomlError) -> dict:
    """Parse ``text``; a syntax error becomes ``error`` with the line and column, in French."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        place = re.search(r"at line (\d+), column (\d+)", str(err))
        where = f", ligne {place.group(1)}, colonne {place.group(2)}" if place else ""
        raise error(f"{what} n'est pas un fichier TOML valide{where} : vérifiez les crochets des titres, les "
                    "guillemets des textes et les signes =.") from err


class TomlReader:
    """Checked access to a parsed TOML file, knowing where each table and key sits in the text.

    ``prefix`` starts every message (« Description du classeur x.toml »); ``error`` is the exception
    raised by :meth:`fail` and the getters."""

    def __init__(self, text: str, prefix: str, error: type[Exception] = TomlError) -> None:
        self.prefix, self.error = prefix, error
        self.blocks: dict[tuple, int] = {}
        """(table path, index…) → line of its header; (…, key) → line of the key."""
        self._index_lines(text.splitlines())

    # --- where things are ------------------------------------------------------------------

    def _index_lines(self, lines: list[str]) -> None:
        counts: dict[str, int] = {}
        current: tuple = ("",)
        for number, line in enumerate(lines, start=1):
            stripped = line.split("#", 1)[0] if not line.lstrip().startswith(("'", '"')) else line
            header = _HEADER.match(stripped)
            if header:
                name = header.group(2)
                if header.group(1) == "[[":
                    counts[name] = counts.get(name, -1) + 1
                    for child in [k for k in counts if k.startswith(name + ".")]:
                        counts[child] = -1
                current = self._path(name, counts)
                self.blocks[current] = number
                self.blocks.setdefault(("", name.split(".")[0]), number)
                continue
            assign = _ASSIGN.match(stripped)
            if assign:
                self.blocks.setdefault((*current, assign.group(1)), number)

    @staticmethod
    def _path(name: str, counts: dict[str, int]) -> tuple:
        parts = name.split(".")
        path: list = []
        for i in range(len(parts)):
            prefix = ".".join(parts[: i + 1])
            path.append(parts[i])
            if prefix in counts:
                path.append(counts[prefix])
        return tuple(path)

    def line(self, where: tuple) -> int | None:
        return self.blocks.get(where) or self.blocks.get(where[:-1]) or self.blocks.get(where[:-2])

    def fail(self, where: tuple, message: str) -> Exception:
        line = self.line(where)
        place = f", ligne {line}" if line else ""
        return self.error(f"{self.prefix}{place} : {message}")

    def known(self, table: dict, allowed: tuple[str, ...], where: tuple, what: str) -> None:
        for key in table:
            if key not in allowed:
                hint = closest(key, allowed)
                raise self.fail((*where, key), f"clé inconnue « {key} » dans {what}"
                                + (f" (vouliez-vous dire « {hint} » ?)" if hint else "")
                                + f". Clés possibles : {', '.join(allowed)}.")

    def text(self, table: dict, key: str, where: tuple, what: str, default: str | None = None) -> str:
        value = table.get(key, default)
        if value is None:
            raise self.fail(where, f"{what} : « {key} » manque (un texte entre guillemets).")
        if not isinstance(value, str) or not value.strip():
            raise self.fail((*where, key), f"{what} : « {key} » doit être un texte non vide entre guillemets.")
        return value.strip()

    def texts(self, table: dict, key: str, where: tuple, what: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail((*where, key), f"{what} : « {key} » doit être une liste de textes, "
                            'par exemple ["A", "B"].')
        return tuple(v.strip() for v in value)

    def flag(self, table: dict, key: str, where: tuple, what: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            raise self.fail((*where, key), f"{what} : « {key} » vaut true ou false (sans guillemets).")
        return value

    def table_list(self, data: dict, key: str, where: tuple) -> list[dict]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(where, f"« {key} » s'écrit avec des titres [[{'.'.join(map(str, where[1:]))}]].")
        return value

    def integer(self, table: dict, key: str, where: tuple, what: str, default: int, low: int, high: int) -> int:
        value = table.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.fail((*where, key), f"{what} : « {key} » est un nombre entier de {low} à {high}.")
        return value

    def number(self, table: dict, key: str, where: tuple, what: str) -> float | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise self.fail((*where, key), f"{what} : « {key} » est un nombre (sans guillemets).")
        return float(value)
