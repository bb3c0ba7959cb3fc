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

from .text import clean, closest, fold

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


def to_bool(raw: object) -> bool | Problem:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    key = fold(str(raw))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    return Problem("oui-non-invalide", "Répondez Oui ou Non (liste déroulante).",
                   "Oui" if key.startswith("o") else "Non" if key.startswith("n") else "")


def to_date(raw: object) -> dt.date | Problem:
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


def to_month(raw: object) -> dt.date | Problem:
    """A month, as its first day: a date of the month, ``05/2023``, ``2023-05`` or ``mai 2023``."""
    if isinstance(raw, dt.date | int | float) and not isinstance(raw, bool):
        day = to_date(raw)
        return day.replace(day=1) if isinstance(day, dt.date) else _month_problem()
    text = fold(str(raw))
    for pattern, order in ((_MONTH_NUM, (1, 2)), (_MONTH_ISO, (2, 1))):
        m = pattern.match(text)
        if m:
            month, year = int(m.group(order[0])), int(m.group(order[1]))
            return _safe_date(year, month, 1) or _month_problem()
    m = _MONTH_TEXT.match(text)
    if m and m.group(1) in MONTHS:
        return dt.date(int(m.group(2)), MONTHS[m.group(1)], 1)
    day = _parse_date_text(text)
    return day.replace(day=1) if day is not None else _month_problem()


def to_count(raw: object) -> int | Problem:
    number = _number(raw)
    if number is None or math.isnan(number) or math.isinf(number):
        return Problem("nombre-invalide", "Saisissez un nombre entier (par exemple 12), sans texte.")
    if number < 0:
        return Problem("nombre-negatif", "Un nombre ne peut pas être négatif : saisissez 0 ou plus.")
    if number > MAX_NUMBER:
        return _too_large("nombre-invalide")
    if number != int(number):
        return Problem("nombre-invalide", "Saisissez un nombre entier, sans décimales.",
                       str(round(number)))
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
    text = clean(str(raw))
    key = fold(text)
    for value in allowed:
        if fold(value) == key:
            return value
    listed = ", ".join(f"« {v} »" for v in allowed)
    return Problem("valeur-hors-liste",
                   f"« {text} » n'est pas dans la liste déroulante. Valeurs possibles : {listed}.",
                   closest(text, allowed))


def to_text(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, dt.datetime):
        raw = raw.strftime("%d/%m/%Y %H:%M") if raw.time() != dt.time() else raw.strftime("%d/%m/%Y")
    elif isinstance(raw, dt.date):
        raw = raw.strftime("%d/%m/%Y")
    return _strip_controls(clean(str(raw)))


def is_email(text: str) -> bool:
    return bool(_EMAIL.match(text))


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not clean(raw))


# --- helpers -------------------------------------------------------------------------------------

_CONTROLS = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


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


def _number(raw: object) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    text = _CURRENCY.sub("", _NUMBER_SPACES.sub("", fold(str(raw))))
    if not text:
        return None
    if "," in text and "." in text:  # 1.234,50 → 1234.50
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):  # 1.234 → 1234 (French thousands)
        text = text.replace(".", "")
    try:
        return float(text)
    except ValueError:
        return None
