"""Raw cell → typed value, the way people really type.

Each ``to_*`` function takes the raw value of a non-empty cell and returns either the
typed value or a :class:`Problem` (a finding code, a French explanation, a suggestion).
They never raise and never look at files. Dates are always read day first
(``15/03/2023`` is the 15th of March, never the 3rd of the 15th month).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from .text import INVISIBLE, clean, closest, fold

MAX_TEXT = 32_767
"""Excel's limit on the characters of one cell."""
MAX_NUMBER = 10**12
"""The largest count, amount or duration read: far above any real figure, and small enough that the
tables hold it exactly (``Int64``, ``Float64``) and that sums over every row can neither overflow
nor become infinite (a pasted 1e308 once stopped the whole run with an OverflowError)."""


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    suggestion: str = ""


MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1,
    "fevrier": 2, "fevr": 2, "fev": 2,
    "mars": 3, "mar": 3,
    "avril": 4, "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7, "juil": 7,
    "aout": 8,
    "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
}  # fmt: skip

_TRUE = {"oui", "o", "x", "1", "vrai", "yes", "y", "true", "v", "✓", "✔"}
_FALSE = {"non", "n", "0", "faux", "no", "false", "f", "-"}

_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_TEXT_DATE = re.compile(r"^(?:[a-z]+\.? )?(\d{1,2})(?:er)? ([a-z]+)\.? (\d{4})$")
_MONTH_NUM = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_MONTH_ISO = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_TEXT = re.compile(r"^([a-z]+)\.? (\d{4})$")
_NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f']")
_CURRENCY = re.compile(r"(€|euros?|eur)$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_RANGE = (20_000, 80_000)  # 1954 .. 2119: a plausible date typed in a General cell


def to_bool(raw: object, yes: str = "Oui", no: str = "Non") -> bool | Problem:
    """Oui/Non in any case and the common variants (o/n, x, 1/0, vrai/faux, ✓). A suggestion only for
    an evident typo of yes or no (« Ouii », « nn »), never for « ne sait pas » or « ? »."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    key = fold(str(raw))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    if is_unknown(key):
        return Problem("oui-non-invalide", f"« {clean(str(raw))} » n'est pas une réponse : choisissez {yes} ou "
                       f"{no} dans la liste, ou laissez la case vide si vous ne savez pas.")
    suggestion = closest(key, (yes, no), cutoff=0.6) if len(key) <= 5 else ""
    return Problem("oui-non-invalide", f"Répondez {yes} ou {no} (liste déroulante).", suggestion)


DATE_RANGE = (dt.date(1900, 1, 1), dt.date(2199, 12, 31))
"""The days a date may be: any other year is a typing accident (or a damaged file), and the tables hold
dates as pandas timestamps, which stop in 2262 (a year 9999 once stopped the whole run)."""


def to_date(raw: object) -> dt.date | Problem:
    return _within_range(_to_date(raw), raw, "date-invalide")


def to_month(raw: object) -> dt.date | Problem:
    """A month, as its first day: a date of the month, ``05/2023``, ``2023-05`` or ``mai 2023``."""
    return _within_range(_to_month(raw), raw, "mois-invalide")


def _within_range(value: dt.date | Problem, raw: object, code: str) -> dt.date | Problem:
    if isinstance(value, Problem) or DATE_RANGE[0] <= value <= DATE_RANGE[1]:
        return value
    return Problem(code, f"« {as_typed(raw)} » : l'année {value.year} n'est pas possible. Vérifiez la date "
                   "(par exemple 15/03/2023).")


def _to_date(raw: object) -> dt.date | Problem:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return _from_serial(raw) or Problem(
            "date-invalide", "Ce nombre n'est pas une date : saisissez la date au format jj/mm/aaaa."
        )
    text = fold(str(raw))
    parsed = _parse_date_text(text)
    if parsed is not None:
        return parsed
    return Problem("date-invalide",
                   "Date non reconnue : saisissez-la au format jj/mm/aaaa (par exemple 15/03/2023).")


def _to_month(raw: object) -> dt.date | Problem:
    if isinstance(raw, dt.date | int | float) and not isinstance(raw, bool):
        day = _to_date(raw)
        return day.replace(day=1) if isinstance(day, dt.date) else _month_problem()
    text = fold(str(raw))
    for pattern, order in ((_MONTH_NUM, (1, 2)), (_MONTH_ISO, (2, 1))):
        m = pattern.match(text)
        if m:
            month, year = int(m.group(order[0])), int(m.group(order[1]))
            return _safe_date(year, month, 1) or _month_problem()
    m = _MONTH_TEXT.match(text)
    if m and m.group(1) in MONTHS:
        return _safe_date(int(m.group(2)), MONTHS[m.group(1)], 1) or _month_problem()
    day = _parse_date_text(text)
    return day.replace(day=1) if day is not None else _month_problem()


MAX_COUNT = 10**9
"""No count of people or events comes near it: a larger number is a typing or pasting accident."""


def to_count(raw: object) -> int | Problem:
    number = _number(raw)
    if number is None or math.isnan(number) or math.isinf(number):
        return Problem("nombre-invalide", "Saisissez un nombre entier (par exemple 12), sans texte.")
    if number < 0:
        return Problem("nombre-negatif", "Un nombre ne peut pas être négatif : saisissez 0 ou plus.")
    if number > MAX_NUMBER:
        return _too_large("nombre-invalide")
    if number != int(number):
        return Problem("nombre-invalide", f"« {as_typed(raw)} » n'est pas un nombre entier : saisissez un nombre "
                       "entier, sans décimales.")
    if number > MAX_COUNT:
        return Problem("nombre-invalide", f"{as_typed(raw)} est un nombre bien trop grand pour un effectif : "
                       "vérifiez la saisie.")
    return int(number)


def to_decimal(raw: object, code: str = "nombre-invalide") -> float | Problem:
    number = _number(raw)
    if number is None or math.isnan(number) or math.isinf(number):
        return Problem(code, "Saisissez un nombre (par exemple 2,5), sans autre texte.")
    if number < 0:
        return Problem(code, "Le nombre ne peut pas être négatif.")
    if number > MAX_NUMBER:
        return _too_large(code)
    return number


def to_amount(raw: object) -> float | Problem:
    result = to_decimal(raw, "montant-invalide")
    if isinstance(result, Problem) and result.message != _TOO_LARGE:
        return Problem("montant-invalide",
                       "Saisissez un montant en euros positif ou nul (par exemple 1 500 ou 1 500,50).")
    return result


def to_choice(raw: object, allowed: tuple[str, ...]) -> str | Problem:
    text = clean(as_typed(raw))
    key = fold(text)
    for value in allowed:
        if fold(value) == key:
            return value
    listed = ", ".join(f"« {v} »" for v in allowed)
    if is_unknown(key):
        return Problem("valeur-hors-liste", f"« {text} » n'est pas une valeur de la liste : choisissez-en une "
                       f"({listed}), ou laissez la case vide si vous ne savez pas.")
    return Problem("valeur-hors-liste",
                   f"« {text} » n'est pas dans la liste déroulante. Valeurs possibles : {listed}.",
                   closest(text, allowed))


_UNKNOWN = re.compile(r"^(?:\?+|\.{2,}|-+|/|x{2,}|nsp|ns|nc|nr|n/?a|na|nd|inconnue?s?|a (?:voir|verifier|completer|"
                      r"preciser)|ne (?:sais|sait|savons) pas|je ne sais pas|on ne sait pas|pas (?:su|connue?|"
                      r"renseignee?)|non (?:renseignee?s?|connue?|communiquee?|precisee?|applicable)|sans objet|"
                      r"aucune idee|\?\s*\(.*\))$")


def is_unknown(key: str) -> bool:
    """Text that says « I don't know » (« ? », « ne sait pas », « non renseigné », « NC »…): it is no
    answer, and no answer may be suggested for it (``key`` is folded)."""
    return bool(_UNKNOWN.match(key.strip()))


def to_text(raw: object, multiline: bool = False) -> str:
    """The text of a cell, spaces tidied; with ``multiline`` its line breaks are kept (a description
    typed on several lines stays on several lines in the dashboard)."""
    text = as_typed(raw)
    if multiline:
        lines = [clean(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        while lines and not lines[-1]:
            lines.pop()
        while lines and not lines[0]:
            lines.pop(0)
        return _strip_controls("\n".join(lines))
    return _strip_controls(clean(text))


def shown(value: object, yes: str = "Oui", no: str = "Non") -> str:
    """A typed value (after normalisation) as a person reads it: « Oui »/« Non », ``2,5``,
    ``15/03/2023``; empty for a missing value."""
    if value is None or (not isinstance(value, str | bool) and value != value):  # None, NaN, NaT
        return ""
    if isinstance(value, bool) or type(value).__name__ in ("bool", "bool_"):
        return yes if value else no
    if hasattr(value, "to_pydatetime"):  # pandas' Timestamp
        value = value.to_pydatetime()
    return as_typed(value)


def as_typed(raw: object) -> str:
    """A raw cell value as the volunteer saw it in a French spreadsheet: ``2,5`` not ``2.5``, ``VRAI``
    not ``True``, ``15/03/2023`` not ``2023-03-15``; text as it is."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "VRAI" if raw else "FAUX"
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        if math.isnan(raw) or math.isinf(raw):
            return "#NOMBRE!"
        if raw.is_integer() and abs(raw) < 1e15:
            return str(int(raw))
        return repr(raw).replace(".", ",")
    if isinstance(raw, dt.datetime):
        return raw.strftime("%d/%m/%Y %H:%M") if raw.time() != dt.time() else raw.strftime("%d/%m/%Y")
    if isinstance(raw, dt.date):
        return raw.strftime("%d/%m/%Y")
    if isinstance(raw, dt.time):
        return raw.strftime("%H:%M")
    return str(raw)


def is_email(text: str) -> bool:
    return bool(_EMAIL.match(text))


def is_blank(raw: object) -> bool:
    """None, or a text of nothing but spaces and invisible characters."""
    if not isinstance(raw, str):
        return raw is None
    stripped = raw.strip()
    if stripped and stripped[0] not in _INVISIBLE_CHARACTERS:
        return False  # the first visible character stays whatever clean() does (the common case, fast)
    return not clean(raw)


# --- helpers -------------------------------------------------------------------------------------

_INVISIBLE_CHARACTERS = frozenset(INVISIBLE)
_CONTROLS = dict.fromkeys([*(c for c in range(32) if c not in (9, 10, 13)), 0xFFFE, 0xFFFF])
"""What :func:`to_text` drops: control characters and the non-characters no xlsx part can hold (lone
surrogates never come out of the reader, which decodes valid UTF-8; C1 codes, legal in XML, are kept:
a mis-encoded apostrophe « \x92 » is the volunteer's text)."""


def _strip_controls(text: str) -> str:
    return text.translate(_CONTROLS)


_TOO_LARGE = "Ce nombre est bien trop grand (au plus 1 000 000 000 000) : vérifiez la saisie."


def _too_large(code: str) -> Problem:
    return Problem(code, _TOO_LARGE)


def _month_problem() -> Problem:
    return Problem("mois-invalide", "Mois non reconnu : saisissez par exemple 05/2023 ou mai 2023.")


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _from_serial(serial: float) -> dt.date | None:
    if _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
        return _EXCEL_EPOCH + dt.timedelta(days=int(serial))
    return None


def _parse_date_text(text: str) -> dt.date | None:
    m = _NUMERIC_DATE.match(text)
    if m:
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if year < 100:
            year += 2000
        return _safe_date(year, month, day)
    m = _ISO_DATE.match(text)
    if m:
        return _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _TEXT_DATE.match(text)
    if m and m.group(2) in MONTHS:
        return _safe_date(int(m.group(3)), MONTHS[m.group(2)], int(m.group(1)))
    return None


_PLAIN_NUMBER = re.compile(r"^(?=[\d.,]*\d)[\d.,]+(?:e[+-]?\d+)?$")
_GROUPED = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")


def _number(raw: object) -> float | None:
    """A number as people type it, or None when it cannot be read without guessing.

    Spaces (ordinary, non-breaking, thin) and apostrophes group thousands; a trailing ``€``,
    ``EUR`` or ``euros`` is dropped. With both ``,`` and ``.``, the last one is the decimal
    separator and the other must group digits by three (``1,500.00``, ``1.500,00``). With one
    kind only: followed by one or two digits it is the decimal separator (``12,5``, ``12.50``);
    by exactly three it groups thousands (``1,500``, ``1.234.567``) — except after a lone ``0``
    (``0,500``); anything else ambiguous (``1,5,0``, ``1.50.000``) is refused, never read with a
    silent factor of a thousand.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    text = _CURRENCY.sub("", _NUMBER_SPACES.sub("", fold(str(raw)))).lstrip("€")
    text = _NUMBER_SPACES.sub("", text)
    sign = ""
    if text and text[0] in "+-":
        sign, text = ("-" if text[0] == "-" else ""), text[1:]
    if not _PLAIN_NUMBER.match(text):
        return None
    mantissa, _, exponent = text.partition("e")
    separators = [c for c in mantissa if c in ".,"]
    if separators:
        mantissa = _decimal_point(mantissa, separators)
        if mantissa is None:
            return None
    try:
        return float(sign + mantissa + (f"e{exponent}" if exponent else ""))
    except ValueError:
        return None


def _decimal_point(text: str, separators: list[str]) -> str | None:
    """``text`` with thousands separators removed and a ``.`` as decimal point, or None if ambiguous."""
    last = separators[-1]
    head, _, tail = text.rpartition(last)
    kinds = set(separators)
    if len(kinds) == 2:  # the last one is the decimal point; the other groups by three
        other = (kinds - {last}).pop()
        if last in head or not head or not re.fullmatch(r"\d{1,3}(?:" + re.escape(other) + r"\d{3})+", head):
            return None
        return head.replace(other, "") + "." + tail if tail else head.replace(other, "")
    if len(separators) > 1:  # one kind, several times: thousands only (1.234.567)
        return text.replace(last, "") if _GROUPED.match(text) else None
    if not head:
        return "0." + tail if tail.isdigit() else None
    if len(tail) == 3 and head.lstrip("0") and len(head) <= 3:
        return head + tail  # 1,500 and 1.500 group thousands
    if tail and tail.isdigit():
        return head + "." + tail
    return head if not tail else None
