"""Figures written the French way, for people: « 1 234 », « 12 500 € », « 99,6 % », « −35 », « +9 », « 15/03/2023 ».

Thousands are separated by a narrow no-break space (U+202F), decimals by a comma, negatives by a real minus
(U+2212); a share never rounds to « 100 % » or « 0 % » unless it is exactly that.
"""

from __future__ import annotations

import datetime as dt
import math
import re

THIN = "\u202f"
MINUS = "\u2212"


def _grouped(value: float, decimals: int = 0) -> str:
    text = f"{abs(value):,.{decimals}f}".replace(",", THIN).replace(".", ",")
    return (MINUS if value < 0 and text.strip("0,\u202f") else "") + text


def number(value: float | None, decimals: int = 0) -> str:
    """« 1 234 », « 2,5 » (decimals only when the value has some), « – » for nothing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if decimals == 0 and float(value) != round(float(value)):
        return _grouped(float(value), 1).rstrip("0").rstrip(",")
    return _grouped(float(value), decimals)


def amount(value: float | None) -> str:
    return "–" if value is None or value != value else f"{_grouped(float(value))}{THIN}€"


def percent(share: float | None) -> str:
    """« 76 % »; « 99,6 % » rather than a rounded « 100 % », « 0,4 % » rather than « 0 % »."""
    if share is None or share != share:
        return "–"
    pct = 100 * float(share)
    if round(pct) in (0, 100) and pct not in (0.0, 100.0):
        return f"{_grouped(pct, 1)}{THIN}%"
    return f"{_grouped(round(pct))}{THIN}%"


def signed(value: float | None, kind: str = "nombre") -> str:
    """A change: « +9 », « −35 », « +1 500 € », « +4 pt » for shares, « 0 » for none."""
    if value is None or value != value:
        return "–"
    if kind == "part":
        points = round(100 * float(value))
        return "0 pt" if points == 0 else f"{'+' if points > 0 else MINUS}{_grouped(abs(points))}{THIN}pt"
    if round(float(value), 2) == 0:
        return "0"
    sign = "+" if value > 0 else MINUS
    body = amount(abs(value)) if kind == "montant" else number(abs(value))
    return sign + body


def shown(value: float | None, kind: str = "nombre") -> str:
    """A figure for a sentence or a tile's detail: its kind decides the format."""
    if kind == "part":
        return percent(value)
    if kind == "montant":
        return amount(value)
    return number(value)


def date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


_AGREE = re.compile(r"\[([^\[\]|]*)\|([^\[\]|]*)\]")


def agree(text: str, n: float) -> str:
    """Choose each « [singular|plural] » of ``text`` by ``n`` (French: 0 and 1 are singular):
    ``agree("{n} [mandat expire|mandats expirent]", 2)`` → « {n} mandats expirent »."""
    plural = abs(float(n)) >= 2
    return _AGREE.sub(lambda m: m.group(2 if plural else 1), text)


def counted(n: float, singular: str, plural: str) -> str:
    """« 1 période manquée », « 3 périodes manquées »."""
    return f"{number(n)} {plural if abs(float(n)) >= 2 else singular}"


def of(noun: str) -> str:
    """« de sites », « d'établissements », « d'antennes » (elision before a vowel or a mute h)."""
    return ("d'" if noun[:1].lower() in "aàâeéèêëiîïoôuùûyh" else "de ") + noun


def of_name(name: str) -> str:
    """« de l'ANVP », « d'Auxilia », « du Secours catholique », « de Possible »: ``name`` as written in a
    sentence (with its article, if any) after « de »."""
    lower = name.lower()
    if lower.startswith("le "):
        return "du " + name[3:]
    if lower.startswith("les "):
        return "des " + name[4:]
    if lower.startswith(("l'", "l’", "la ")):
        return "de " + name
    return of(name)


def joined(items: list[str]) -> str:
    """« a », « a et b », « a, b et c »."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1] if items else ""
